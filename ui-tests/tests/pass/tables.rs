use migrate_runtime::{DbEnum, Table};

#[derive(DbEnum)]
#[sqlx(type_name = "task_status", rename_all = "snake_case")]
enum TaskStatus {
    Todo,
    InProgress,
    Done,
}

#[derive(DbEnum)]
#[sqlx(type_name = "priority")]
enum Priority {
    #[sqlx(rename = "low")]
    Low,
    #[sqlx(rename = "high")]
    High,
}

/// A subset of the columns, nullable ones in `Option`, arrays and JSON.
#[derive(Table)]
#[migrate(table = "tasks")]
struct Task {
    id: i64,
    title: String,
    status: TaskStatus,
    priority: Option<Priority>,
    tags: Vec<String>,
    meta: Option<serde_json::Value>,
    due: Option<chrono::NaiveDate>,
    #[sqlx(skip)]
    cached: Vec<u8>,
}

/// Columns shared by several structs, flattened into them: sqlx reads them from the same row.
#[derive(Table)]
#[migrate(table = "tasks")]
struct Schedule {
    due: Option<chrono::NaiveDate>,
    priority: Option<Priority>,
    /// Not a column: sqlx uses the default, and the structs that flatten this one need not
    /// have it either.
    #[sqlx(default)]
    note: Option<String>,
}

const _: () = assert!(<Schedule as Table>::COLUMNS.len() == 2 && <Schedule as Table>::REQUIRED.len() == 2);

#[derive(Table)]
#[migrate(table = "tasks")]
struct ScheduledTask {
    id: i64,
    #[sqlx(flatten)]
    schedule: Schedule,
}

/// Renames, and JSON read into a struct.
#[derive(Table)]
#[migrate(table = "users")]
struct User {
    #[sqlx(rename = "id")]
    user_id: UserId,
    email: String,
    #[sqlx(rename = "display_name")]
    name: Option<String>,
    #[sqlx(json)]
    mfa_enabled: MfaSettings,
}

struct MfaSettings;

/// A newtype, checked through the kind it declares.
struct UserId(i64);

impl migrate_runtime::ColumnType for UserId {
    const KIND: migrate_runtime::Kind = <i64 as migrate_runtime::ColumnType>::KIND;
}

/// Prisma-style camelCase columns.
#[derive(Table)]
#[migrate(table = "Contact")]
#[sqlx(rename_all = "camelCase")]
struct Contact {
    id: String,
    full_name: String,
    created_at: chrono::NaiveDateTime,
}

type OwnerId = i64;

#[derive(Table)]
#[migrate(table = "tasks")]
struct TaskOwner {
    owner_id: OwnerId,
}

fn main() {
    use migrate_runtime::Table as _;
    assert_eq!(Task::TABLE, "tasks");
    assert_eq!(Contact::COLUMNS, ["id", "fullName", "createdAt"]);
    assert_eq!(<TaskStatus as migrate_runtime::DbEnum>::LABELS, ["todo", "in_progress", "done"]);
    let _ = (User::TABLE, TaskOwner::TABLE, UserId(1).0, MfaSettings, Priority::Low, Priority::High);
    let _ = (TaskStatus::Todo, TaskStatus::InProgress, TaskStatus::Done);
    let _ = |t: Task| (t.id, t.title, t.status, t.priority, t.tags, t.meta, t.due, t.cached);
    let _ = |u: User| (u.user_id, u.email, u.name, u.mfa_enabled);
    let _ = |c: Contact| (c.id, c.full_name, c.created_at);
    let _ = |o: TaskOwner| o.owner_id;
}
