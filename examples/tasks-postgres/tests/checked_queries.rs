//! The checked queries (`query!`, `query_as!`, `query_scalar!`) run on a fresh PostgreSQL
//! database: their records decode the rows, `Option` where a column may be NULL.

use example_tasks_postgres::MIGRATOR;
use migrate_runtime::{query, query_as, query_scalar};

/// Read through `query_as!`: field by column name.
#[derive(Debug, PartialEq)]
struct Contact {
    first_name: String,
    email: Option<String>,
    owner: Option<String>,
}

#[tokio::test]
async fn checked_queries_decode_rows_on_postgres() {
    let Some(db) = migrate_tests::pg_database().await else {
        return;
    };
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    MIGRATOR.run(&pool).await.unwrap();

    let user = query!(
        "INSERT INTO users (email, name) VALUES ($1, $2) RETURNING id, email, name",
        "ada@example.com",
        None::<String>
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    // `id` and `email` are NOT NULL columns: plain types; `name` may be NULL: an Option.
    let (id, email, name): (i64, String, Option<String>) = (user.id, user.email, user.name);
    assert_eq!((email.as_str(), name), ("ada@example.com", None));

    query!(
        "INSERT INTO contacts (user_id, first_name, last_name) VALUES ($1, $2, 'Hopper')",
        id,
        "Grace"
    )
    .execute(&pool)
    .await
    .unwrap();

    // A LEFT JOIN makes the far side nullable, though users.name is nullable anyway, and
    // `"name!"` overrides it as sqlx's override does.
    let rows = query!(
        r#"SELECT c.first_name, u.email AS owner_email, u.name AS "name?", c.id AS "contact_id!"
           FROM contacts c LEFT JOIN users u ON u.id = c.user_id
           WHERE c.user_id = $1 AND c.first_name IN ($2, $3)"#,
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
    let contact_id: i64 = rows[0].contact_id;
    assert_eq!(first_name, "Grace");
    assert_eq!(owner_email.as_deref(), Some("ada@example.com"));
    assert!(rows[0].name.is_none());
    assert!(contact_id > 0);

    let contacts: Vec<Contact> = query_as!(
        Contact,
        "SELECT c.first_name, c.email, u.name AS owner FROM contacts c JOIN users u ON u.id = c.user_id ORDER BY c.id LIMIT $1",
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

    let count: i64 = query_scalar!("SELECT count(*) FROM contacts WHERE user_id = $1", id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
    let tags: Vec<String> = query_scalar!(
        r#"INSERT INTO tasks (user_id, title, tags) VALUES ($1, $2, $3) RETURNING tags"#,
        id,
        "write the docs",
        vec!["docs".to_owned()]
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(tags, ["docs"]);

    // Types behind migrate-runtime's features (chrono, json here): timestamptz, date, jsonb.
    let task = query!(
        r#"SELECT u.created_at, t.due, t.details, t.status::text AS "status!"
           FROM tasks t JOIN users u ON u.id = t.user_id WHERE t.user_id = $1"#,
        id
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let created_at: chrono::DateTime<chrono::Utc> = task.created_at;
    let due: Option<chrono::NaiveDate> = task.due;
    let details: Option<serde_json::Value> = task.details;
    assert!(created_at <= chrono::Utc::now());
    assert_eq!((due, details, task.status.as_str()), (None, None, "todo"));

    // A function a migration creates: typed by its declaration (`RETURNS text STRICT` of NOT
    // NULL columns is a `String`), its parameter by its argument's type.
    let label: String = query_scalar!(
        "SELECT task_label(title, status) FROM tasks WHERE user_id = $1",
        id
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(label, "write the docs [todo]");
    let titled: Option<String> = query_scalar!("SELECT task_label($1, 'done')", "ship")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(titled.as_deref(), Some("ship [done]"));
    pool.close().await;
}

/// Enums (named with `AS "col: Type"`; their string literals checked against the labels) and
/// the types sqlx reads without a feature (an `interval` here).
#[tokio::test]
async fn checked_queries_read_enums_and_intervals_on_postgres() {
    use example_tasks_postgres::TaskStatus;
    let Some(db) = migrate_tests::pg_database().await else {
        return;
    };
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    MIGRATOR.run(&pool).await.unwrap();
    let id: i64 = query_scalar!(
        "INSERT INTO users (email) VALUES ($1) RETURNING id",
        "grace@example.com"
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    for title in ["review", "ship"] {
        query!(
            "INSERT INTO tasks (user_id, title, status) VALUES ($1, $2, 'in_progress')",
            id,
            title
        )
        .execute(&pool)
        .await
        .unwrap();
    }

    let done = query!(
        r#"UPDATE tasks SET status = $1 WHERE user_id = $2 AND title = $3
           RETURNING id, status AS "status: TaskStatus""#,
        TaskStatus::Done,
        id,
        "ship"
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let status: TaskStatus = done.status;
    assert_eq!(status, TaskStatus::Done);

    let open = query!(
        r#"SELECT id, title, status AS "status: TaskStatus" FROM tasks
           WHERE user_id = $1 AND status IN ('todo', 'in_progress') ORDER BY id"#,
        id
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let titles: Vec<(&str, TaskStatus)> =
        open.iter().map(|t| (t.title.as_str(), t.status)).collect();
    assert_eq!(titles, [("review", TaskStatus::InProgress)]);

    let per_status = query!(
        r#"SELECT status AS "status: TaskStatus", count(*) AS n FROM tasks
           WHERE user_id = $1 GROUP BY status ORDER BY status"#,
        id
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let counts: Vec<(TaskStatus, i64)> = per_status.iter().map(|r| (r.status, r.n)).collect();
    assert_eq!(counts, [(TaskStatus::InProgress, 1), (TaskStatus::Done, 1)]);

    // `timestamptz - timestamptz` is an `interval`: sqlx's PgInterval, no feature needed.
    let age = query!(
        "SELECT u.email, now() - u.created_at AS age FROM users u WHERE u.id = $1",
        id
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    // Both sides are NOT NULL: so is the difference.
    let interval: sqlx::postgres::types::PgInterval = age.age;
    assert_eq!((interval.months, interval.days), (0, 0));
    assert!(interval.microseconds >= 0);

    let removed = query_scalar!(
        "DELETE FROM tasks WHERE user_id = $1 AND status = 'done' RETURNING title",
        id
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(removed, ["ship"]);
    pool.close().await;
}
