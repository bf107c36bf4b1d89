// The checked queries compile against the replayed schema: records with typed fields,
// Option where a column may be NULL, sqlx's overrides.
struct Task {
    id: i64,
    title: String,
    due: Option<String>,
}

fn main() {
    let _ = migrate_runtime::query!(
        r#"SELECT u.id, u.email, u.display_name, t.title AS "title?", t.id AS "task_id!"
           FROM users u LEFT JOIN tasks t ON t.owner_id = u.id WHERE u.mfa_enabled = $1"#,
        // `mfa_enabled` became JSONB (migrations/20240201000000_mfa_settings.sql): a JSON value.
        serde_json::json!(true)
    );
    let _ = migrate_runtime::query_as!(
        Task,
        r#"SELECT id, title, due AS "due: String" FROM tasks WHERE owner_id = ANY($1) LIMIT $2"#,
        vec![1_i64],
        10_i64
    );
    let _ = migrate_runtime::query_scalar!("SELECT count(*) FROM tasks WHERE title = $1", "x");
}
