// `mfa_enabled` became jsonb in a later migration; a bool cannot read it.
#[derive(migrate_runtime::Table)]
#[migrate(table = "users")]
struct User {
    id: i32,
    mfa_enabled: bool,
}

fn main() {}
