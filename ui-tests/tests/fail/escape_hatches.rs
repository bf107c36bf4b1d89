//! `sql_type` that is not the column's; `#[sqlx(json)]` on a column that holds no JSON.

use migrate_runtime::Table;

#[derive(Table)]
#[migrate(table = "tasks")]
struct Task {
    #[migrate(sql_type = "int4")]
    id: i64,
    #[sqlx(json)]
    title: Vec<String>,
}

fn main() {}
