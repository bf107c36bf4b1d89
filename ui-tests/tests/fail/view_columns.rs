//! A view whose columns cannot be derived from its query.

use migrate_runtime::Table;

#[derive(Table)]
#[migrate(table = "task_owners")]
struct TaskOwner {
    id: i64,
    email: String,
}

fn main() {}
