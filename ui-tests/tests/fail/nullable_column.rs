// display_name can be NULL; reading it into String fails at run time.
#[derive(migrate_runtime::Table)]
#[migrate(table = "users")]
struct User {
    id: i64,
    display_name: String,
}

fn main() {}
