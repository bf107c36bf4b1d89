//! The example application on PostgreSQL. Every struct that reads rows derives `Table`, and
//! the enum derives `DbEnum`: `cargo build` checks them against the schema the migrations in
//! `migrations/` produce, with no database.

use chrono::{DateTime, NaiveDate, Utc};
use migrate_runtime::{DbEnum, Migrator, Table, embed_migrations};
use sqlx::PgPool;

#[path = "../../common/startup.rs"]
mod startup;

/// The migrations, embedded at build time.
pub static MIGRATOR: Migrator = embed_migrations!();

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type, DbEnum)]
#[sqlx(type_name = "task_status", rename_all = "snake_case")]
pub enum TaskStatus {
    Todo,
    InProgress,
    Done,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Table)]
#[migrate(table = "users")]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Table)]
#[migrate(table = "contacts")]
pub struct Contact {
    pub id: i64,
    pub user_id: i64,
    #[sqlx(rename = "first_name")]
    pub given_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub avatar_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Table)]
#[migrate(table = "tasks")]
pub struct Task {
    pub id: i64,
    pub user_id: i64,
    pub title: String,
    pub status: TaskStatus,
    pub tags: Vec<String>,
    pub details: Option<serde_json::Value>,
    pub due: Option<NaiveDate>,
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
    pub id: i64,
    pub title: String,
    #[sqlx(flatten)]
    pub schedule: Schedule,
}

/// The startup check a service runs before it serves (or behind a health endpoint): the
/// database must have exactly the schema its applied migrations produce, and every embedded
/// migration must be applied. Reads only.
pub async fn check_schema(pool: &PgPool) -> Result<(), Box<dyn std::error::Error>> {
    startup::require_clean(MIGRATOR.verify(pool).await?)
}

/// One row of every checked struct, written and read back.
#[derive(Debug)]
pub struct Rows {
    pub user: User,
    pub contact: Contact,
    pub task: Task,
    pub card: TaskCard,
}

/// Applies the migrations, writes a user, a contact and a task, and reads them back through
/// the derived structs.
pub async fn round_trip(pool: &PgPool) -> Result<Rows, Box<dyn std::error::Error>> {
    MIGRATOR.run(pool).await?;
    let user: User = sqlx::query_as(
        "INSERT INTO users (email, name) VALUES ($1, $2) RETURNING id, email, name, created_at",
    )
    .bind("ada@example.com")
    .bind(Some("Ada"))
    .fetch_one(pool)
    .await?;
    sqlx::query(
        "INSERT INTO contacts (user_id, first_name, last_name, avatar_url) VALUES ($1, 'Grace', 'Hopper', $2)",
    )
    .bind(user.id)
    .bind("https://example.com/grace.png")
    .execute(pool)
    .await?;
    sqlx::query(
        "INSERT INTO tasks (user_id, title, status, tags, details, due) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(user.id)
    .bind("write the docs")
    .bind(TaskStatus::InProgress)
    .bind(vec!["docs".to_owned(), "urgent".to_owned()])
    .bind(serde_json::json!({"estimate_hours": 3}))
    .bind(NaiveDate::from_ymd_opt(2026, 12, 24))
    .execute(pool)
    .await?;
    let user = startup::read_one(pool, &[]).await?;
    let contact = startup::read_one(pool, &[]).await?;
    let task = startup::read_one(pool, &[]).await?;
    let card = startup::read_one(pool, Schedule::COLUMNS).await?;
    Ok(Rows {
        user,
        contact,
        task,
        card,
    })
}
