use migrate_runtime::DbEnum;

// The migration that creates project_status was never written.
#[derive(DbEnum)]
#[sqlx(type_name = "project_status")]
enum ProjectStatus {
    Active,
}

// Without type_name, sqlx looks up the Rust name.
#[derive(DbEnum)]
enum TaskStatus {
    Todo,
}

fn main() {}
