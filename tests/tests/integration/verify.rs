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
        (clean.applied.clone(), clean.pending.clone()),
        (vec![1.into(), 2.into()], vec![3.into()])
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
    let options = DeployOptions::new().allow_out_of_order(true);
    m.run_with(&mut *conn, &options).await.unwrap();
    drop(conn);
    let report = m.verify(&pool).await.unwrap();
    assert_eq!(report.applied, [1, 3, 2]);
    // Columns are (id, c, b) in the database, as in the applied order: no ColumnOrder drift.
    assert!(report.is_clean(), "{:?}", report.differences);
}

/// Spellings PostgreSQL stores differently from how they are written (issue 10 item 9): a
/// database `deploy` just made is clean.
const PG_SPELLINGS: &str = "CREATE EXTENSION IF NOT EXISTS pg_stat_statements;\n\
CREATE TABLE spellings (\n\
    id integer PRIMARY KEY,\n\
    nickname varchar(40) DEFAULT NULL,\n\
    note text DEFAULT NULL,\n\
    born timestamptz DEFAULT TO_TIMESTAMP(0),\n\
    expires timestamptz DEFAULT now() + INTERVAL '90 day',\n\
    rank integer DEFAULT -1,\n\
    ratio numeric(5, 2) DEFAULT 0.5,\n\
    label varchar(10) DEFAULT lpad('x', 3),\n\
    day date DEFAULT CURRENT_DATE,\n\
    flags boolean DEFAULT FALSE\n\
);\n";

#[tokio::test]
async fn postgres_verify_is_clean_right_after_deploy_whatever_the_spelling() {
    let Some(db) = pg_database().await else {
        return;
    };
    let dir = migrations_dir(&[("1_spellings.sql", PG_SPELLINGS)]);
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let m = migrator(dir.path(), Dialect::Postgres);
    m.run(&pool).await.unwrap();
    let report = m.verify(&pool).await.unwrap();
    assert!(report.is_clean(), "{:#?}", report.differences);
    // The extension's own views are there, and are not drift.
    let views: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_views WHERE viewname LIKE 'pg_stat_statements%'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(views > 0);
    pool.close().await;
}

/// SQLite keeps declared types and defaults as written.
const LITE_SPELLINGS: &str = "CREATE TABLE spellings (\n\
    id INTEGER PRIMARY KEY,\n\
    price NUMERIC(5, 2),\n\
    amount DECIMAL(10,2) DEFAULT 0,\n\
    active BOOLEAN DEFAULT FALSE,\n\
    blob BLOB DEFAULT x'00ff',\n\
    note TEXT DEFAULT NULL\n\
);\n";

#[tokio::test]
async fn sqlite_verify_is_clean_right_after_deploy_whatever_the_spelling() {
    let dir = migrations_dir(&[("1_spellings.sql", LITE_SPELLINGS)]);
    let db = sqlite_database();
    let pool = sqlx::SqlitePool::connect(&format!("{}?mode=rwc", db.url))
        .await
        .unwrap();
    let m = migrator(dir.path(), Dialect::Sqlite);
    m.run(&pool).await.unwrap();
    let report = m.verify(&pool).await.unwrap();
    assert!(report.is_clean(), "{:#?}", report.differences);
    let price = report.expected.tables[0].columns[1].sql_type.clone();
    assert_eq!(
        price, "NUMERIC(5, 2)",
        "the declared type keeps its spelling"
    );
    let active = report.expected.tables[0].columns[3].default.clone();
    assert_eq!(active.as_deref(), Some("FALSE"));
    let blob = report.expected.tables[0].columns[4].default.clone();
    assert_eq!(blob.as_deref(), Some("x'00ff'"));
    pool.close().await;
}

/// A database `deploy` just made with exclusion constraints verifies clean; a dropped or
/// changed one is reported, and the repair script puts it back (issue 10 item 5).
#[tokio::test]
async fn postgres_exclusion_constraints_verify_clean_after_deploy_and_repair() {
    let Some(db) = pg_database().await else {
        return;
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/replay/exclusions");
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let m = migrator(&dir, Dialect::Postgres);
    m.run(&pool).await.unwrap();
    let clean = m.verify(&pool).await.unwrap();
    assert!(clean.is_clean(), "{:?}", clean.differences);

    pool.execute(
        "ALTER TABLE bookings DROP CONSTRAINT bookings_noted; \
         ALTER TABLE bookings DROP CONSTRAINT bookings_one_id; \
         ALTER TABLE bookings ADD CONSTRAINT bookings_one_id EXCLUDE USING gist (during WITH =); \
         ALTER TABLE slots ADD CONSTRAINT stray EXCLUDE USING gist (s WITH &&)",
    )
    .await
    .unwrap();
    let report = m.verify(&pool).await.unwrap();
    let shown: Vec<String> = report.differences.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "table bookings: exclusion bookings_noted EXCLUDE USING gist (during WITH &&) \
             WHERE (remark IS NOT NULL) is missing",
            "table bookings: exclusion bookings_one_id is EXCLUDE USING gist (during WITH =), \
             the migrations give EXCLUDE (id WITH =)",
            "table slots: exclusion stray EXCLUDE USING gist (s WITH &&) exists but no \
             migration adds it",
        ]
    );

    let expected = migrate_core::replay::replay(m.migrations(), Dialect::Postgres).unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let actual = migrate_runtime::introspect(&mut *conn, m.table())
        .await
        .unwrap();
    drop(conn);
    let repair = migrate_core::diff::repair(&expected, &actual, &report.differences);
    assert_eq!(repair.todos, 0, "{}", repair.script);
    pool.execute(sqlx::raw_sql(AssertSqlSafe(repair.script.clone())))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", repair.script));
    let repaired = m.verify(&pool).await.unwrap();
    assert!(repaired.is_clean(), "{:?}", repaired.differences);
    pool.close().await;
}
