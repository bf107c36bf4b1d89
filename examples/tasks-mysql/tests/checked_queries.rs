//! The checked queries (`query!`, `query_as!`, `query_scalar!`) run on a fresh MySQL/MariaDB
//! database: `?` arguments bind, records decode the rows with the Rust types sqlx's MySQL
//! driver reads (`u32` for `INT UNSIGNED`, `bool` for `TINYINT(1)`, `i8` for `TINYINT`), and
//! `Option` where a column may be NULL.

use example_tasks_mysql::MIGRATOR;
use migrate_runtime::{query, query_as, query_scalar};

/// Read through `query_as!`: field by column name.
#[derive(Debug, PartialEq)]
struct Contact {
    first_name: String,
    email: Option<String>,
    owner: Option<String>,
}

#[tokio::test]
async fn checked_queries_decode_rows_on_mysql() {
    let Some(db) = migrate_tests::mysql_database().await else {
        return;
    };
    let pool = sqlx::MySqlPool::connect(&db.url).await.unwrap();
    MIGRATOR.run(&pool).await.unwrap();

    // MariaDB's INSERT … RETURNING: `id` and `email` are NOT NULL columns, plain types;
    // `name` may be NULL: an Option.
    let user = query!(
        "INSERT INTO users (public_id, email, name) VALUES (?, ?, ?) RETURNING id, email, name",
        vec![7_u8; 16],
        "ada@example.com",
        None::<String>
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let (id, email, name): (u32, String, Option<String>) = (user.id, user.email, user.name);
    assert_eq!((email.as_str(), name), ("ada@example.com", None));

    query!(
        "INSERT INTO contacts (user_id, first_name, last_name) VALUES (?, ?, 'Hopper')",
        id,
        "Grace"
    )
    .execute(&pool)
    .await
    .unwrap();

    // A LEFT JOIN makes the far side nullable; `"contact_id!"` overrides as sqlx's does.
    let rows = query!(
        r#"SELECT c.first_name, u.email AS owner_email, c.id AS `contact_id!`
           FROM contacts c LEFT JOIN users u ON u.id = c.user_id
           WHERE c.user_id = ? AND c.first_name IN (?, ?)"#,
        &id,
        "Grace",
        String::from("Ada")
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(rows.len(), 1);
    let first_name: &String = &rows[0].first_name;
    let owner_email: &Option<String> = &rows[0].owner_email;
    let contact_id: u64 = rows[0].contact_id;
    assert_eq!(first_name, "Grace");
    assert_eq!(owner_email.as_deref(), Some("ada@example.com"));
    assert!(contact_id > 0);

    let contacts: Vec<Contact> = query_as!(
        Contact,
        "SELECT c.first_name, c.email, u.name AS owner FROM contacts c JOIN users u ON u.id = c.user_id ORDER BY c.id LIMIT ?",
        10_i64
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        contacts,
        [Contact {
            first_name: "Grace".into(),
            email: None,
            owner: None,
        }]
    );

    let count: i64 = query_scalar!("SELECT count(*) FROM contacts WHERE user_id = ?", id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1);

    query!(
        "INSERT INTO tasks (user_id, title, priority, pinned, details) VALUES (?, ?, ?, ?, ?)",
        id,
        "write the docs",
        -3_i8,
        true,
        r#"{"tags": ["docs"]}"#
    )
    .execute(&pool)
    .await
    .unwrap();
    query!("UPDATE tasks SET status = ? WHERE user_id = ?", "done", id)
        .execute(&pool)
        .await
        .unwrap();

    // Types behind migrate-runtime's features (chrono, json, rust_decimal here), and
    // MariaDB's expression types: `priority + 1` of a TINYINT is an `int` (`i32`).
    let task = query!(
        "SELECT t.status, t.priority, t.priority + 1 AS next, t.pinned, t.due, t.details, \
         t.estimate_hours, u.created_at, coalesce(t.estimate_hours, 0) AS hours \
         FROM tasks t JOIN users u ON u.id = t.user_id WHERE t.user_id = ?",
        id
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let status: String = task.status;
    let (priority, next): (i8, i32) = (task.priority, task.next);
    let pinned: bool = task.pinned;
    let due: Option<chrono::NaiveDate> = task.due;
    let details: Option<serde_json::Value> = task.details;
    let estimate: Option<rust_decimal::Decimal> = task.estimate_hours;
    let created_at: chrono::DateTime<chrono::Utc> = task.created_at;
    let hours: rust_decimal::Decimal = task.hours;
    assert_eq!(
        (status.as_str(), priority, next, pinned),
        ("done", -3, -2, true)
    );
    assert_eq!(
        (due, estimate, hours),
        (None, None, rust_decimal::Decimal::ZERO)
    );
    assert_eq!(details, Some(serde_json::json!({"tags": ["docs"]})));
    assert!(created_at <= chrono::Utc::now());

    let gone = query!("DELETE FROM tasks WHERE user_id = ? RETURNING title", id)
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(gone.len(), 1);
    assert_eq!(gone[0].title, "write the docs");
    pool.close().await;
}
