// A flattened struct reads its columns from the same row: `users` has no `due`, and a
// flattened type nothing checks is not passed silently.
use migrate_runtime::Table;

#[derive(Table)]
#[migrate(table = "tasks")]
struct Schedule {
    title: String,
    due: Option<chrono::NaiveDate>,
}

#[derive(Table)]
#[migrate(table = "users")]
struct UserWithSchedule {
    id: i64,
    #[sqlx(flatten)]
    schedule: Schedule,
}

struct Unchecked {
    email: String,
}

#[derive(Table)]
#[migrate(table = "users")]
struct UserWithUnchecked {
    id: i64,
    #[sqlx(flatten)]
    extra: Unchecked,
}

fn main() {}
