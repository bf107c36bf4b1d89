// MySQL: an ENUM column is its own enum type; a variant it has no label for is refused.
use migrate_runtime::DbEnum;

#[derive(DbEnum)]
#[migrate(check = "tasks.status", non_exhaustive)]
#[sqlx(rename_all = "snake_case")]
enum Status {
    Todo,
    Pending,
}

fn main() {}
