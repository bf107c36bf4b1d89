//! The example application on MySQL/MariaDB. Every struct that reads rows derives `Table`, and
//! the enum derives `DbEnum`: `cargo build` checks them against the schema the migrations in
//! `migrations/` produce, with no database, by sqlx's MySQL decoding rules (`INT UNSIGNED` into
//! `u32`, `TINYINT(1)` into `bool`, `BINARY(16)` into `Uuid`, the inline `ENUM` against the
//! enum's variants, …).

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use migrate_runtime::{DbEnum, Migrator, Table, embed_migrations};
use rust_decimal::Decimal;
use sqlx::mysql::MySqlTypeInfo;
use sqlx::{MySql, MySqlPool, TypeInfo};
use uuid::Uuid;

#[path = "../../common/startup.rs"]
mod startup;

/// The migrations, embedded at build time.
pub static MIGRATOR: Migrator = embed_migrations!();

/// `tasks.status`, an inline `ENUM('todo', 'in_progress', 'done')`: the build checks that the
/// variants, as sqlx names them, are exactly its labels.
///
/// It derives sqlx's `Encode` and `Decode` and implements `sqlx::Type` by hand: the
/// `sqlx::Type` that sqlx 0.9 derives for an enum on MySQL reads only columns whose flags are
/// exactly `ENUM`, so it refuses a `NOT NULL` or indexed ENUM column at run time ("Rust type
/// `TaskStatus` (as SQL type `ENUM`) is not compatible with SQL type `ENUM`", sqlx issue 3750).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Encode, sqlx::Decode, DbEnum)]
#[migrate(check = "tasks.status")]
#[sqlx(rename_all = "snake_case")]
pub enum TaskStatus {
    Todo,
    InProgress,
    Done,
}

impl sqlx::Type<MySql> for TaskStatus {
    /// Sent as text, which MySQL converts to the ENUM's label.
    fn type_info() -> MySqlTypeInfo {
        <str as sqlx::Type<MySql>>::type_info()
    }

    /// Any ENUM column, whatever its other flags (`NOT NULL`, part of an index, …): the build
    /// checked that its labels are the variants.
    fn compatible(ty: &MySqlTypeInfo) -> bool {
        ty.name() == "ENUM"
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Table)]
#[migrate(table = "users")]
pub struct User {
    /// `INT UNSIGNED`.
    pub id: u32,
    /// `BINARY(16)`.
    pub public_id: Uuid,
    pub email: String,
    pub name: Option<String>,
    /// `BOOLEAN`, which MySQL stores as `TINYINT(1)`.
    pub is_admin: bool,
    /// `TIMESTAMP`, which sqlx reads only into a zoned type.
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Table)]
#[migrate(table = "contacts")]
pub struct Contact {
    /// `BIGINT UNSIGNED`.
    pub id: u64,
    pub user_id: u32,
    #[sqlx(rename = "first_name")]
    pub given_name: String,
    pub last_name: String,
    pub email: Option<String>,
    /// `BLOB`.
    pub avatar: Option<Vec<u8>>,
    /// `VARBINARY(2048)`.
    pub avatar_thumb: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Table)]
#[migrate(table = "tasks")]
pub struct Task {
    pub id: u32,
    pub user_id: u32,
    pub title: String,
    pub status: TaskStatus,
    /// `TINYINT` (signed).
    pub priority: i8,
    /// `TINYINT(1)`.
    pub pinned: bool,
    /// `DECIMAL(6, 2)`.
    pub estimate_hours: Option<Decimal>,
    /// `JSON` (on MariaDB a `LONGTEXT` with a `json_valid` check).
    pub details: Option<serde_json::Value>,
    pub due: Option<NaiveDate>,
    /// `TIME`.
    pub remind_at: Option<NaiveTime>,
    /// `DATETIME`.
    pub starts_at: Option<NaiveDateTime>,
    pub updated_at: DateTime<Utc>,
}

/// The task's dates and times read with the `time` crate instead of chrono.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Table)]
#[migrate(table = "tasks")]
pub struct TaskTimes {
    pub id: u32,
    pub due: Option<time::Date>,
    pub remind_at: Option<time::Time>,
    pub starts_at: Option<time::PrimitiveDateTime>,
    pub updated_at: time::OffsetDateTime,
}

/// Columns several structs share, flattened into them: sqlx reads them from the same row, and
/// the build checks that the table of each struct that flattens it has them.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Table)]
#[migrate(table = "tasks")]
pub struct Schedule {
    pub status: TaskStatus,
    pub due: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Table)]
#[migrate(table = "tasks")]
pub struct TaskCard {
    pub id: u32,
    pub title: String,
    #[sqlx(flatten)]
    pub schedule: Schedule,
}

/// The startup check a service runs before it serves (or behind a health endpoint): the
/// database must have exactly the schema its applied migrations produce, and every embedded
/// migration must be applied. Reads only.
pub async fn check_schema(pool: &MySqlPool) -> Result<(), Box<dyn std::error::Error>> {
    startup::require_clean(MIGRATOR.verify(pool).await?)
}

/// One row of every checked struct, written and read back.
#[derive(Debug)]
pub struct Rows {
    pub user: User,
    pub contact: Contact,
    pub task: Task,
    pub times: TaskTimes,
    pub card: TaskCard,
}

/// The values [`round_trip`] writes, so that a caller can compare what it reads back.
pub mod written {
    /// `users.public_id`.
    pub const PUBLIC_ID: uuid::Uuid =
        uuid::Uuid::from_u128(0x0192_f1c4_7e2b_7c3a_9d4e_5f60_7182_93a4);
    /// `contacts.avatar`: every byte value, as `BLOB` must keep them.
    pub fn avatar() -> Vec<u8> {
        (0..=255u8).collect()
    }
    /// `contacts.avatar_thumb`.
    pub const AVATAR_THUMB: &[u8] = &[0x89, b'P', b'N', b'G', 0, 0xff];
}

/// Applies the migrations, writes a user, a contact and a task, and reads them back through
/// the derived structs.
pub async fn round_trip(pool: &MySqlPool) -> Result<Rows, Box<dyn std::error::Error>> {
    MIGRATOR.run(pool).await?;
    let user_id = sqlx::query(
        "INSERT INTO users (public_id, email, name, is_admin, created_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(written::PUBLIC_ID)
    .bind("ada@example.com")
    .bind(Some("Ada"))
    .bind(true)
    .bind(DateTime::from_timestamp(1_767_225_600, 0))
    .execute(pool)
    .await?
    .last_insert_id();
    sqlx::query(
        "INSERT INTO contacts (user_id, first_name, last_name, avatar, avatar_thumb) VALUES (?, 'Grace', 'Hopper', ?, ?)",
    )
    .bind(user_id)
    .bind(written::avatar())
    .bind(written::AVATAR_THUMB)
    .execute(pool)
    .await?;
    let due = NaiveDate::from_ymd_opt(2026, 12, 24);
    sqlx::query(
        "INSERT INTO tasks (user_id, title, status, priority, pinned, estimate_hours, details, due, remind_at, starts_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(user_id)
    .bind("write the docs")
    .bind(TaskStatus::InProgress)
    .bind(-3i8)
    .bind(true)
    .bind(Decimal::new(325, 2))
    .bind(serde_json::json!({"estimate_hours": 3, "tags": ["docs", "urgent"]}))
    .bind(due)
    .bind(NaiveTime::from_hms_opt(9, 30, 15))
    .bind(due.and_then(|d| d.and_hms_opt(8, 0, 0)))
    .execute(pool)
    .await?;
    let user = startup::read_one(pool, &[]).await?;
    let contact = startup::read_one(pool, &[]).await?;
    let task = startup::read_one(pool, &[]).await?;
    let times = startup::read_one(pool, &[]).await?;
    let card = startup::read_one(pool, Schedule::COLUMNS).await?;
    Ok(Rows {
        user,
        contact,
        task,
        times,
        card,
    })
}
