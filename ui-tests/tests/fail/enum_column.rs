use migrate_runtime::DbEnum;

#[derive(DbEnum)]
#[sqlx(type_name = "priority", rename_all = "lowercase")]
enum Priority {
    Low,
    High,
}

// `status` is the enum type task_status: neither String nor another DbEnum reads it.
#[derive(migrate_runtime::Table)]
#[migrate(table = "tasks")]
struct Task {
    id: i64,
    status: String,
}

#[derive(migrate_runtime::Table)]
#[migrate(table = "tasks")]
struct TaskPriority {
    status: Option<Priority>,
}

fn main() {}
