//! What compiles, runs: the checked structs read real rows on a fresh PostgreSQL database.

use example_tasks_postgres::{TaskStatus, check_schema, round_trip};

#[tokio::test]
async fn every_checked_struct_round_trips_on_postgres() {
    let Some(db) = migrate_tests::pg_database().await else {
        return;
    };
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
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
    assert_eq!(rows.card.title, "write the docs");
    assert_eq!(rows.card.schedule.status, TaskStatus::InProgress);
    assert_eq!(rows.card.schedule.due, rows.task.due);
    assert_eq!(rows.task.tags, ["docs", "urgent"]);
    assert_eq!(
        rows.task.details,
        Some(serde_json::json!({"estimate_hours": 3}))
    );
    assert_eq!(
        rows.task.due.map(|d| d.to_string()).as_deref(),
        Some("2026-12-24")
    );
    check_schema(&pool)
        .await
        .expect("a freshly deployed database matches its migrations");
    // Drift made by hand is what the startup check refuses.
    sqlx::query("ALTER TABLE contacts ADD COLUMN nickname TEXT")
        .execute(&pool)
        .await
        .unwrap();
    let err = check_schema(&pool).await.unwrap_err().to_string();
    assert!(err.contains("nickname"), "{err}");
    pool.close().await;
}
