//! `Migrator::verify` from an application: a structured report over a pool, read-only.

use migrate_core::diff::Difference;
use migrate_runtime::{DeployOptions, Dialect, LoadOptions, Migrator};
use migrate_tests::{migrations_dir, pg_database, sqlite_database};
use sqlx::{AssertSqlSafe, Executor};

const INIT: &str = "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n";
const NAME: &str = "ALTER TABLE users ADD COLUMN name TEXT;\n";

fn migrator(dir: &std::path::Path, dialect: Dialect) -> Migrator {
    Migrator::from_dir(dir, &LoadOptions::new(dialect)).unwrap()
}

#[tokio::test]
async fn sqlite_report_lists_the_drift_and_the_versions() {
    let dir = migrations_dir(&[
        ("1_init.sql", INIT),
        ("2_name.sql", NAME),
        ("3_later.sql", "CREATE TABLE later (id INTEGER);\n"),
    ]);
    let db = sqlite_database();
    let pool = sqlx::SqlitePool::connect(&format!("{}?mode=rwc", db.url))
        .await
        .unwrap();
    // Apply the first two only: the third is pending.
    let first_two = Migrator::new(migrator(dir.path(), Dialect::Sqlite).migrations()[..2].to_vec());
    first_two.run(&pool).await.unwrap();
    let m = migrator(dir.path(), Dialect::Sqlite);

    let clean = m.verify(&pool).await.unwrap();
    assert!(clean.is_clean(), "{:?}", clean.differences);
    assert_eq!(
        (clean.applied.as_slice(), clean.pending.as_slice()),
        (&[1, 2][..], &[3][..])
    );

    pool.execute("ALTER TABLE users ADD COLUMN nickname TEXT")
        .await
        .unwrap();
    let report = m.verify(&pool).await.unwrap();
    assert!(!report.is_clean());
    assert!(report.history_exists && report.history_problems.is_empty());
    assert_eq!(
        report.differences,
        [Difference::ExtraColumn {
            table: "users".into(),
            column: "nickname".into()
        }]
    );
}

#[tokio::test]
async fn postgres_report_flags_changed_files_and_replays_them_as_they_are() {
    let Some(db) = pg_database().await else {
        return;
    };
    let dir = migrations_dir(&[("1_init.sql", INIT), ("2_name.sql", NAME)]);
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let m = migrator(dir.path(), Dialect::Postgres);
    m.run(&pool).await.unwrap();
    pool.execute("ALTER TABLE users DROP COLUMN name")
        .await
        .unwrap();

    let report = m.verify(&pool).await.unwrap();
    assert_eq!(
        report.differences,
        [Difference::MissingColumn {
            table: "users".into(),
            column: "name".into()
        }]
    );
    assert_eq!(report.applied, [1, 2]);

    // An edited applied file is a history problem; the current file is what gets replayed.
    std::fs::write(
        dir.path().join("2_name.sql"),
        "ALTER TABLE users ADD COLUMN full_name TEXT;\n",
    )
    .unwrap();
    let edited = migrator(dir.path(), Dialect::Postgres)
        .verify(&pool)
        .await
        .unwrap();
    assert_eq!(edited.history_problems.len(), 1);
    assert_eq!(edited.history_problems[0].version, 2);
    assert_eq!(
        edited.differences,
        [Difference::MissingColumn {
            table: "users".into(),
            column: "full_name".into()
        }]
    );
    pool.close().await;
}

#[tokio::test]
async fn postgres_verify_writes_nothing_without_a_history_table() {
    let Some(db) = pg_database().await else {
        return;
    };
    let dir = migrations_dir(&[("1_init.sql", INIT)]);
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    pool.execute(sqlx::raw_sql(AssertSqlSafe(
        "CREATE TABLE stray (x int)".to_owned(),
    )))
    .await
    .unwrap();
    let report = migrator(dir.path(), Dialect::Postgres)
        .verify(&pool)
        .await
        .unwrap();
    assert!(!report.history_exists && !report.is_clean());
    assert_eq!(report.pending, [1]);
    assert_eq!(
        report.differences,
        [Difference::ExtraTable {
            table: "stray".into()
        }]
    );
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(tables, ["stray"], "verify created nothing");
    pool.close().await;
}

#[tokio::test]
async fn migrations_are_replayed_in_the_order_they_were_applied() {
    let dir = migrations_dir(&[
        ("1_t.sql", "CREATE TABLE t (id INTEGER);\n"),
        ("3_c.sql", "ALTER TABLE t ADD COLUMN c TEXT;\n"),
    ]);
    let db = sqlite_database();
    let pool = sqlx::SqlitePool::connect(&format!("{}?mode=rwc", db.url))
        .await
        .unwrap();
    migrator(dir.path(), Dialect::Sqlite)
        .run(&pool)
        .await
        .unwrap();
    // Version 2 arrives later (a merged branch) and is applied out of order.
    std::fs::write(
        dir.path().join("2_b.sql"),
        "ALTER TABLE t ADD COLUMN b TEXT;\n",
    )
    .unwrap();
    let m = migrator(dir.path(), Dialect::Sqlite);
    let mut conn = pool.acquire().await.unwrap();
    let options = DeployOptions {
        allow_out_of_order: true,
        ..DeployOptions::default()
    };
    m.run_with(&mut *conn, &options).await.unwrap();
    drop(conn);
    let report = m.verify(&pool).await.unwrap();
    assert_eq!(report.applied, [1, 3, 2]);
    // Columns are (id, c, b) in the database, as in the applied order: no ColumnOrder drift.
    assert!(report.is_clean(), "{:?}", report.differences);
}
