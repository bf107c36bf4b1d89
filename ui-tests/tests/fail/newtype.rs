// A newtype the build cannot judge without `ColumnType`, and one that declares the wrong kind.
struct UserId(i64);
struct Email(String);

impl migrate_runtime::ColumnType for Email {
    const KIND: migrate_runtime::Kind = migrate_runtime::Kind::I32;
}

#[derive(migrate_runtime::Table)]
#[migrate(table = "users")]
struct User {
    id: UserId,
    email: Email,
}

fn main() {}
