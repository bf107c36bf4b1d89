//! Every error of every field in one build, each once; a `DbEnum` with an error still
//! implements its traits, so the struct that reads it gets no second error.

use migrate_runtime::{DbEnum, Table};

#[derive(DbEnum)]
#[sqlx(type_name = "task_status", rename_all = "snake_case")]
enum TaskStatus {
    Todo,
    InProgres,
    Done,
}

#[derive(Table)]
#[migrate(table = "tasks")]
struct Task {
    id: i32,
    status: TaskStatus,
    meta: Vec<String>,
    #[sqlx(try_from = "String")]
    priority: String,
}

fn main() {}
