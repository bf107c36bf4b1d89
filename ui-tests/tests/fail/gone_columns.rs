//! A column that a later migration renamed or dropped says where it went.

use migrate_runtime::Table;

#[derive(Table)]
#[migrate(table = "archive")]
struct Archived {
    id: i64,
    old_title: String,
    legacy: Option<String>,
}

fn main() {}
