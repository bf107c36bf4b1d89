//! Items the derives cannot check, each error on its own item.

use migrate_runtime::{DbEnum, Table};

#[derive(DbEnum)]
struct NotAnEnum {
    id: i64,
}

#[derive(DbEnum)]
#[sqlx(type_name = "priority", rename_all = "lowercase")]
enum WithData {
    Low(u8),
    High,
}

#[derive(Table)]
enum NotAStruct {
    A,
}

#[derive(Table)]
struct Tuple(i64, String);

#[derive(Table)]
#[migrate(table = "tasks")]
struct Generic<T> {
    id: T,
    #[sqlx(flatten)]
    inner: T,
}

fn main() {}
