//! sqlx's MySQL rules: `INT UNSIGNED` reads into `u32`, `BOOLEAN` into `bool`, `TIMESTAMP` into
//! `DateTime<Utc>`; an ENUM column is checked against the enum's variants.

use migrate_runtime::{DbEnum, Table};

#[derive(DbEnum)]
#[migrate(check = "tasks.status")]
#[sqlx(rename_all = "snake_case")]
#[allow(dead_code)]
enum Status {
    Todo,
    InProgress,
    Done,
}

#[derive(Table)]
#[migrate(table = "tasks")]
#[allow(dead_code)]
struct Task {
    id: u32,
    title: String,
    done: bool,
    #[migrate(unchecked)]
    status: Status,
    due: Option<chrono::NaiveDate>,
}

fn main() {}
