//! What compiles, runs: the checked structs read real rows on a fresh MySQL/MariaDB database.

use chrono::{NaiveDate, NaiveTime};
use example_tasks_mysql::{TaskStatus, check_schema, round_trip, written};
use rust_decimal::Decimal;

#[tokio::test]
async fn every_checked_struct_round_trips_on_mysql() {
    let Some(db) = migrate_tests::mysql_database().await else {
        return;
    };
    let pool = sqlx::MySqlPool::connect(&db.url).await.unwrap();
    let rows = round_trip(&pool).await.unwrap();

    let user = &rows.user;
    assert_eq!(user.id, 1);
    assert_eq!(user.public_id, written::PUBLIC_ID);
    assert_eq!(user.email, "ada@example.com");
    assert_eq!(user.name.as_deref(), Some("Ada"));
    assert!(user.is_admin);
    assert_eq!(user.created_at.to_rfc3339(), "2026-01-01T00:00:00+00:00");

    let contact = &rows.contact;
    assert_eq!(contact.user_id, user.id);
    assert_eq!(contact.given_name, "Grace");
    assert_eq!(contact.last_name, "Hopper");
    assert_eq!(contact.email, None);
    assert_eq!(contact.avatar.as_deref(), Some(&written::avatar()[..]));
    assert_eq!(contact.avatar_thumb.as_deref(), Some(written::AVATAR_THUMB));

    let task = &rows.task;
    let due = NaiveDate::from_ymd_opt(2026, 12, 24).unwrap();
    assert_eq!(task.user_id, user.id);
    assert_eq!(task.status, TaskStatus::InProgress);
    assert_eq!(task.priority, -3);
    assert!(task.pinned);
    assert_eq!(task.estimate_hours, Some(Decimal::new(325, 2)));
    assert_eq!(
        task.details,
        Some(serde_json::json!({"estimate_hours": 3, "tags": ["docs", "urgent"]}))
    );
    assert_eq!(task.due, Some(due));
    assert_eq!(task.remind_at, NaiveTime::from_hms_opt(9, 30, 15));
    assert_eq!(task.starts_at, due.and_hms_opt(8, 0, 0));

    // The same row through the `time` crate.
    let times = &rows.times;
    assert_eq!(times.id, task.id);
    assert_eq!(
        times.due.map(|d| d.to_string()).as_deref(),
        Some("2026-12-24")
    );
    assert_eq!(
        times.remind_at.map(|t| t.to_string()).as_deref(),
        Some("9:30:15.0")
    );
    assert_eq!(
        times.starts_at.map(|t| t.to_string()).as_deref(),
        Some("2026-12-24 8:00:00.0")
    );
    assert_eq!(
        times.updated_at.unix_timestamp(),
        task.updated_at.timestamp()
    );

    assert_eq!(rows.card.title, "write the docs");
    assert_eq!(rows.card.schedule.status, TaskStatus::InProgress);
    assert_eq!(rows.card.schedule.due, task.due);

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

/// Every status the enum has is a label of the column: each one written is read back.
#[tokio::test]
async fn every_status_round_trips_through_the_inline_enum() {
    let Some(db) = migrate_tests::mysql_database().await else {
        return;
    };
    let pool = sqlx::MySqlPool::connect(&db.url).await.unwrap();
    round_trip(&pool).await.unwrap();
    for status in [TaskStatus::Todo, TaskStatus::InProgress, TaskStatus::Done] {
        sqlx::query("UPDATE tasks SET status = ?")
            .bind(status)
            .execute(&pool)
            .await
            .unwrap();
        let (read,): (TaskStatus,) = sqlx::query_as("SELECT status FROM tasks")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(read, status);
    }
    pool.close().await;
}

/// Why `TaskStatus` implements `sqlx::Type` by hand (the book's "Types"): the one sqlx 0.9
/// derives refuses the `NOT NULL`, indexed `tasks.status` at run time. When a sqlx upgrade
/// makes this fail, the derived one reads such columns and the advice can go.
#[tokio::test]
async fn sqlx_derived_type_refuses_a_not_null_enum_column() {
    #[derive(Debug, sqlx::Type)]
    #[sqlx(rename_all = "snake_case")]
    #[allow(dead_code)]
    enum Derived {
        Todo,
        InProgress,
        Done,
    }
    let Some(db) = migrate_tests::mysql_database().await else {
        return;
    };
    let pool = sqlx::MySqlPool::connect(&db.url).await.unwrap();
    round_trip(&pool).await.unwrap();
    let err = sqlx::query_as::<_, (Derived,)>("SELECT status FROM tasks")
        .fetch_one(&pool)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("is not compatible with SQL type `ENUM`"),
        "{err}"
    );
    pool.close().await;
}
