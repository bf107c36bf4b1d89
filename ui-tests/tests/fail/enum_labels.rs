use migrate_runtime::DbEnum;

// 'pending' became 'todo', and 'done' has no variant.
#[derive(DbEnum)]
#[sqlx(type_name = "task_status", rename_all = "snake_case")]
enum TaskStatus {
    Pending,
    InProgress,
}

fn main() {}
