#[derive(migrate_runtime::Table)]
#[migrate(table = "taks")]
struct Task {
    id: i64,
}

#[derive(migrate_runtime::Table)]
#[migrate(table = "projects")]
struct Project {
    id: i64,
}

fn main() {}
