// Three derives need the schema; the two replay errors are reported once, on the first.
#[derive(migrate_runtime::Table)]
#[migrate(table = "users")]
struct User {
    id: i64,
}

#[derive(migrate_runtime::Table)]
#[migrate(table = "users")]
struct UserId {
    id: i64,
}

#[derive(migrate_runtime::Table)]
#[migrate(table = "users")]
struct UserAgain {
    id: i64,
}

fn main() {}
