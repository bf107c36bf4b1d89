// The code reads a column the migrations never added.
#[derive(migrate_runtime::Table)]
#[migrate(table = "users")]
struct User {
    id: i64,
    avatar_url: Option<String>,
    emial: String,
}

fn main() {}
