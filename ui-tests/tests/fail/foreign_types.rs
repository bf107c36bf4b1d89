//! A foreign type judged through `ColumnType` that does not read the column.

use migrate_runtime::Table;
use sqlx::postgres::types::PgRange;

#[derive(Table)]
#[migrate(table = "slots")]
struct Slot {
    span: PgRange<i64>,
    every: Option<std::time::Duration>,
}

fn main() {}
