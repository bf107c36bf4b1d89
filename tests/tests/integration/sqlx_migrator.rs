//! `Migrator` converts into `sqlx::migrate::Migrator`: sqlx applies the same files (and
//! reverts them with the down files), so `#[sqlx::test(migrator = …)]` works.

use std::path::Path;

use migrate_runtime::{Dialect, LoadOptions, Migrator};
use migrate_tests::{pg_database, sqlite_database};
use sqlx::{Connection, Row};

fn example_migrator(dialect: Dialect) -> Migrator {
    let dir = match dialect {
        Dialect::Postgres => "../examples/tasks-postgres/migrations",
        _ => "../migrations",
    };
    Migrator::from_dir(Path::new(dir), &LoadOptions::new(dialect)).unwrap()
}

#[tokio::test]
async fn sqlx_applies_and_reverts_the_converted_migrations_on_sqlite() {
    let migrator = example_migrator(Dialect::Sqlite);
    let sqlx_migrator: sqlx::migrate::Migrator = (&migrator).into();
    let db = sqlite_database();
    let mut conn = sqlx::SqliteConnection::connect(&format!("{}?mode=rwc", db.url))
        .await
        .unwrap();
    sqlx_migrator.run(&mut conn).await.unwrap();
    let applied: Vec<i64> = sqlx::query("SELECT version FROM _sqlx_migrations ORDER BY version")
        .fetch_all(&mut conn)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let expected: Vec<i64> = migrator
        .migrations()
        .iter()
        .filter_map(|m| m.version.as_number())
        .collect();
    assert_eq!(applied, expected);
    sqlx::query("SELECT avatar_url FROM contacts")
        .fetch_all(&mut conn)
        .await
        .expect("the last migration ran");
    sqlx_migrator.undo(&mut conn, 0).await.unwrap();
    let tables: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('users', 'contacts', 'tasks')",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(tables, 0, "the down files ran");
}

#[tokio::test]
async fn sqlx_applies_the_converted_migrations_on_postgres() {
    let Some(db) = pg_database().await else {
        return;
    };
    let sqlx_migrator: sqlx::migrate::Migrator = (&example_migrator(Dialect::Postgres)).into();
    let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
    sqlx_migrator.run(&mut conn).await.unwrap();
    let labels: Vec<String> =
        sqlx::query_scalar("SELECT unnest(enum_range(NULL::task_status))::text")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    assert_eq!(labels, ["todo", "in_progress", "done"]);
    conn.close().await.unwrap();
}

/// A diesel folder, embedded at build time and read at run time: the same versions, in
/// diesel's order (text before the first `_`, dashes removed, compared as text); sqlx gets
/// their positions, so it runs them in that order.
#[tokio::test]
async fn a_diesel_folder_embeds_with_diesels_versions_and_sqlx_runs_it_in_that_order() {
    static EMBEDDED: Migrator = migrate_runtime::embed_migrations!("fixtures/diesel");
    let loaded = Migrator::from_dir(
        Path::new("fixtures/diesel"),
        &LoadOptions::new(Dialect::Sqlite),
    )
    .unwrap();
    let versions = |m: &Migrator| -> Vec<String> {
        m.migrations()
            .iter()
            .map(|m| m.version.to_string())
            .collect()
    };
    assert_eq!(
        versions(&EMBEDDED),
        ["202305231715updateassignment", "20240306170000", "20240313"]
    );
    assert_eq!(versions(&EMBEDDED), versions(&loaded));
    let sqlx_migrator: sqlx::migrate::Migrator = (&EMBEDDED).into();
    let db = sqlite_database();
    let mut conn = sqlx::SqliteConnection::connect(&format!("{}?mode=rwc", db.url))
        .await
        .unwrap();
    sqlx_migrator.run(&mut conn).await.unwrap();
    sqlx::query("SELECT cascade_flag FROM sso_users")
        .fetch_all(&mut conn)
        .await
        .expect("applied in diesel's order");
}
