//! A migrations folder with several errors: each is shown once, and nothing else.

static MIGRATOR: migrate_runtime::Migrator = migrate_runtime::embed_migrations!("bad_migrations");

fn main() {
    let _ = &MIGRATOR;
}
