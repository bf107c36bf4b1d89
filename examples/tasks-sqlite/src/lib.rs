//! The example application on SQLite, the embedded default. Every struct that reads rows
//! derives `Table`, and the task status enum derives `DbEnum` against the `CHECK` list of
//! `tasks.status`: `cargo build` checks them against the schema the top-level `migrations/`
//! produce, with no database.

use chrono::{NaiveDate, NaiveDateTime};
use migrate_runtime::{DbEnum, Migrator, Table, embed_migrations};
use sqlx::SqlitePool;

#[path = "../../common/startup.rs"]
mod startup;

/// The migrations, embedded at build time.
pub static MIGRATOR: Migrator = embed_migrations!();

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type, DbEnum)]
#[sqlx(rename_all = "snake_case")]
#[migrate(check = "tasks.status")]
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
    pub created_at: NaiveDateTime,
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
    pub due: Option<NaiveDate>,
}

/// The startup check a service runs before it serves (or behind a health endpoint): the
/// database must have exactly the schema its applied migrations produce, and every embedded
/// migration must be applied. Reads only.
pub async fn check_schema(pool: &SqlitePool) -> Result<(), Box<dyn std::error::Error>> {
    startup::require_clean(MIGRATOR.verify(pool).await?)
}

/// One row of every checked struct, written and read back.
#[derive(Debug)]
pub struct Rows {
    pub user: User,
    pub contact: Contact,
    pub task: Task,
}

/// Applies the migrations, writes a user, a contact and a task, and reads them back through
/// the derived structs.
pub async fn round_trip(pool: &SqlitePool) -> Result<Rows, Box<dyn std::error::Error>> {
    MIGRATOR.run(pool).await?;
    let user_id: i64 =
        sqlx::query_scalar("INSERT INTO users (email, name) VALUES ($1, $2) RETURNING id")
            .bind("ada@example.com")
            .bind(Some("Ada"))
            .fetch_one(pool)
            .await?;
    sqlx::query(
        "INSERT INTO contacts (user_id, first_name, last_name, avatar_url) VALUES ($1, 'Grace', 'Hopper', $2)",
    )
    .bind(user_id)
    .bind("https://example.com/grace.png")
    .execute(pool)
    .await?;
    sqlx::query("INSERT INTO tasks (user_id, title, status, due) VALUES ($1, $2, $3, $4)")
        .bind(user_id)
        .bind("write the docs")
        .bind(TaskStatus::InProgress)
        .bind(NaiveDate::from_ymd_opt(2026, 12, 24))
        .execute(pool)
        .await?;
    let user = startup::read_one(pool, &[]).await?;
    let contact = startup::read_one(pool, &[]).await?;
    let task = startup::read_one(pool, &[]).await?;
    Ok(Rows {
        user,
        contact,
        task,
    })
}
