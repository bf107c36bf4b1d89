//! The checked queries (`query!`, `query_as!`, `query_scalar!`) run on a fresh SQLite file:
//! their records decode the rows, `Option` where a column may be NULL.

use example_tasks_sqlite::MIGRATOR;
use migrate_runtime::{query, query_as, query_file, query_scalar};

/// Read through `query_as!`: field by column name.
#[derive(Debug, PartialEq)]
struct Task {
    title: String,
    status: String,
    due: Option<String>,
}

#[tokio::test]
async fn checked_queries_decode_rows_on_sqlite() {
    let db = migrate_tests::sqlite_database();
    let pool = sqlx::SqlitePool::connect(&format!("{}?mode=rwc", db.url))
        .await
        .unwrap();
    MIGRATOR.run(&pool).await.unwrap();

    let id: i64 = query_scalar!(
        "INSERT INTO users (email, name) VALUES (?, ?) RETURNING id",
        "ada@example.com",
        Some("Ada")
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    query!(
        "INSERT INTO tasks (user_id, title, due) VALUES ($1, $2, $3)",
        id,
        "write the docs",
        None::<String>
    )
    .execute(&pool)
    .await
    .unwrap();

    let user = query!("SELECT id, email, name FROM users WHERE id = ?", id)
        .fetch_one(&pool)
        .await
        .unwrap();
    // `id` is the INTEGER PRIMARY KEY (the rowid: never NULL), `email` NOT NULL, `name` nullable.
    let (uid, email, name): (i64, String, Option<String>) = (user.id, user.email, user.name);
    assert_eq!(
        (uid, email.as_str(), name.as_deref()),
        (id, "ada@example.com", Some("Ada"))
    );

    let tasks: Vec<Task> = query_as!(
        Task,
        "SELECT t.title, t.status, t.due FROM tasks t JOIN users u ON u.id = t.user_id WHERE u.email = ?",
        "ada@example.com"
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        tasks,
        [Task {
            title: "write the docs".into(),
            status: "todo".into(),
            due: None,
        }]
    );

    let count: i64 = query_scalar!("SELECT count(*) FROM tasks WHERE user_id = ?", id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1);

    // The same checks with the query in a file (relative to the package's Cargo.toml).
    let rows = query_file!("queries/user_tasks.sql", id)
        .fetch_all(&pool)
        .await
        .unwrap();
    let (title, due): (&String, &Option<String>) = (&rows[0].title, &rows[0].due);
    assert_eq!(
        (rows.len(), title.as_str(), due),
        (1, "write the docs", &None)
    );
    pool.close().await;
}

/// Updates and deletes with `RETURNING`, a `GROUP BY`, and a `LEFT JOIN`'s nullable far side.
#[tokio::test]
async fn checked_queries_update_group_and_join_on_sqlite() {
    let db = migrate_tests::sqlite_database();
    let pool = sqlx::SqlitePool::connect(&format!("{}?mode=rwc", db.url))
        .await
        .unwrap();
    MIGRATOR.run(&pool).await.unwrap();
    let id: i64 = query_scalar!(
        "INSERT INTO users (email) VALUES (?) RETURNING id",
        "grace@example.com"
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let lonely: i64 = query_scalar!(
        "INSERT INTO users (email) VALUES (?) RETURNING id",
        "nobody@example.com"
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    for title in ["review", "ship"] {
        query!(
            "INSERT INTO tasks (user_id, title) VALUES (?1, ?2)",
            id,
            title
        )
        .execute(&pool)
        .await
        .unwrap();
    }

    let done = query!(
        "UPDATE tasks SET status = ? WHERE user_id = ? AND title = ? RETURNING id, status",
        "done",
        id,
        "ship"
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let status: String = done.status;
    assert_eq!(status, "done");

    let per_status = query!(
        "SELECT status, count(*) AS n FROM tasks WHERE user_id = ? GROUP BY status ORDER BY status",
        id
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let counts: Vec<(&str, i64)> = per_status
        .iter()
        .map(|r| (r.status.as_str(), r.n))
        .collect();
    assert_eq!(counts, [("done", 1), ("todo", 1)]);

    // A user with no task: the far side of the LEFT JOIN is NULL, so `title` is an Option.
    let rows = query!(
        "SELECT u.email, t.title FROM users u LEFT JOIN tasks t ON t.user_id = u.id WHERE u.id = ?",
        lonely
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let title: &Option<String> = &rows[0].title;
    assert_eq!((rows.len(), title), (1, &None));

    let removed = query_scalar!(
        "DELETE FROM tasks WHERE user_id = ? AND status = 'done' RETURNING title",
        id
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(removed, ["ship"]);
    pool.close().await;
}
