//! What compiles, runs: the checked structs read real rows from a fresh SQLite file.

use example_tasks_sqlite::{TaskStatus, round_trip};

#[tokio::test]
async fn every_checked_struct_round_trips_on_sqlite() {
    let db = migrate_tests::sqlite_database();
    let pool = sqlx::SqlitePool::connect(&format!("{}?mode=rwc", db.url))
        .await
        .unwrap();
    let rows = round_trip(&pool).await.unwrap();
    assert_eq!(rows.user.email, "ada@example.com");
    assert_eq!(rows.user.name.as_deref(), Some("Ada"));
    assert_eq!(rows.contact.given_name, "Grace");
    assert_eq!(rows.contact.email, None);
    assert_eq!(
        rows.contact.avatar_url.as_deref(),
        Some("https://example.com/grace.png")
    );
    assert_eq!(rows.task.status, TaskStatus::InProgress);
    assert_eq!(
        rows.task.due.map(|d| d.to_string()).as_deref(),
        Some("2026-12-24")
    );
    pool.close().await;
}
