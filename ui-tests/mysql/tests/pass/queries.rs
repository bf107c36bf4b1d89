//! Checked queries on MySQL: each kind compiles against the replayed schema, with the Rust
//! types sqlx's MySQL driver decodes (`INT UNSIGNED` -> `u32`, `BOOLEAN` -> `bool`, `ENUM` ->
//! `String`, `TIMESTAMP` -> `DateTime<Utc>`, `BINARY(16)` -> `Vec<u8>`, a nullable `DATE` ->
//! `Option<NaiveDate>`), `?` arguments checked against the columns they meet. The typed
//! `let`s fail to compile if a field's type changes.

use migrate_runtime::__private::sqlx::MySqlPool;

#[allow(dead_code)]
struct Task {
    id: u32,
    title: String,
    done: bool,
}

#[allow(dead_code)]
async fn read(pool: &MySqlPool) {
    let t = migrate_runtime::query!(
        "SELECT id, `title`, done, status, due, created_at, owner FROM tasks \
         WHERE id = ? AND title LIKE ? LIMIT ?",
        1_u32,
        "a%",
        10_i64
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let _: u32 = t.id;
    let _: String = t.title;
    let _: bool = t.done;
    let _: String = t.status;
    let _: Option<chrono::NaiveDate> = t.due;
    let _: chrono::DateTime<chrono::Utc> = t.created_at;
    let _: Vec<u8> = t.owner;

    let _: Task = migrate_runtime::query_as!(
        Task,
        "SELECT id, title, done FROM tasks WHERE done = ?",
        true
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let n: i64 =
        migrate_runtime::query_scalar!("SELECT count(*) FROM tasks WHERE status = ?", "todo")
            .fetch_one(pool)
            .await
            .unwrap();
    let _ = n;
    let sums = migrate_runtime::query!(
        "SELECT max(id) AS top, id + 1 AS next, count(*) AS n FROM tasks GROUP BY id"
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let _: Option<u32> = sums.top;
    let _: u64 = sums.next;

    migrate_runtime::query!(
        "INSERT INTO tasks (title, owner) VALUES (?, ?)",
        "t",
        vec![0_u8; 16]
    )
    .execute(pool)
    .await
    .unwrap();
    migrate_runtime::query!(
        "UPDATE tasks SET done = ?, title = ? WHERE id = ?",
        true,
        "u",
        1_u32
    )
    .execute(pool)
    .await
    .unwrap();
    let gone = migrate_runtime::query!("DELETE FROM tasks WHERE id = ? RETURNING title", 1_u32)
        .fetch_one(pool)
        .await
        .unwrap();
    let _: String = gone.title;
}

fn main() {}
