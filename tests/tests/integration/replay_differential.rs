//! The replay is only as good as its agreement with the real database: every fixture set is
//! applied to real PostgreSQL and SQLite, the catalogs are read back, and the replayed schema
//! must equal them — tables, column order, types, nullability, defaults, keys, enum labels and
//! their order, indexes.

use std::path::Path;

use migrate_core::diff::diff;
use migrate_core::replay::replay;
use migrate_core::schema::Schema;
use migrate_runtime::{
    AnyConnection, ConnectOptions, DeployOptions, Dialect, LoadOptions, Migrator, introspect,
};
use migrate_tests::{constraint_names, pg_database, sqlite_database};

fn fixtures(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

/// Applies the folder to the database at `url`, then compares the replay with the catalog.
async fn agree(dir: &Path, dialect: Dialect, url: &str) -> Schema {
    let migrator = Migrator::from_dir(dir, &LoadOptions::new(dialect)).unwrap();
    let replayed =
        replay(migrator.migrations(), dialect).unwrap_or_else(|e| panic!("replay failed:\n{e}"));
    let mut conn = AnyConnection::connect(url, &ConnectOptions::default())
        .await
        .unwrap();
    migrator
        .run_with(&mut conn, &DeployOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let actual = introspect(&mut conn, migrator.table()).await.unwrap();
    conn.close().await;
    let differences = diff(&replayed, &actual);
    assert!(
        differences.is_empty(),
        "{} differences between the replay and {dialect}:\n{}",
        differences.len(),
        differences
            .iter()
            .map(|d| format!("  {d}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    if dialect == Dialect::Postgres {
        // Checks match by name first: the names must be PostgreSQL's own.
        assert_eq!(
            constraint_names(&replayed),
            constraint_names(&actual),
            "constraint names"
        );
    }
    replayed
}

#[tokio::test]
async fn postgres_fixtures_replay_exactly() {
    let Some(db) = pg_database().await else {
        return;
    };
    let schema = agree(
        &fixtures("fixtures/replay/postgres"),
        Dialect::Postgres,
        &db.url,
    )
    .await;
    assert!(
        schema.tables.len() >= 8,
        "the fixtures really create tables: {}",
        schema.tables.len()
    );
    let labels: Vec<&str> = schema.enums[0]
        .labels
        .iter()
        .map(|l| l.name.as_str())
        .collect();
    assert_eq!(labels, ["todo", "doing", "blocked", "done", "archived"]);
    let empty = schema
        .enums
        .iter()
        .find(|e| e.name.name == "language_iso_code")
        .unwrap();
    assert!(
        empty.labels.is_empty(),
        "an enum without labels is compared"
    );
}

/// DO blocks, exception handlers, EXECUTE and called routines (issue 10, item 6): the
/// interpreter's answers are PostgreSQL's.
#[tokio::test]
async fn plpgsql_fixtures_replay_exactly() {
    let Some(db) = pg_database().await else {
        return;
    };
    let schema = agree(
        &fixtures("fixtures/replay/plpgsql"),
        Dialect::Postgres,
        &db.url,
    )
    .await;
    let mut tables: Vec<String> = schema.tables.iter().map(|t| t.name.to_string()).collect();
    tables.sort();
    assert_eq!(
        tables,
        [
            "Formatted",
            "after_inner",
            "app.audit",
            "app.items",
            "by_perform",
            "executed",
            "identity_seq_seen",
            "inner_handled",
            "keep",
            "numbered",
            "replacement",
            "seq_renamed_seen",
            "serial_seq_seen",
            "text_array_seen"
        ]
    );
}

#[tokio::test]
async fn sqlite_fixtures_replay_exactly() {
    let db = sqlite_database();
    let schema = agree(
        &fixtures("fixtures/replay/sqlite"),
        Dialect::Sqlite,
        &db.url,
    )
    .await;
    assert_eq!(schema.tables.len(), 17);
    let logins = schema
        .tables
        .iter()
        .find(|t| t.name.name == "logins")
        .unwrap();
    assert_eq!(
        (logins.uniques.len(), logins.foreign_keys.len()),
        (2, 1),
        "constraints without commas between them"
    );
    let events = schema
        .tables
        .iter()
        .find(|t| t.name.name == "login_events")
        .unwrap();
    let types: Vec<&str> = events.columns.iter().map(|c| c.sql_type.as_str()).collect();
    assert_eq!(types, ["INTEGER", "INTEGER INTEGER", "UNSIGNED BIG INT"]);
    let memberships = schema
        .tables
        .iter()
        .find(|t| t.name.name == "memberships")
        .unwrap();
    assert_eq!(
        memberships.foreign_keys.len(),
        2,
        "the constraints are compared"
    );
    assert_eq!(memberships.checks.len(), 2);
}

/// The SQLite rebuild pattern with a referencing table: a no-transaction migration that turns
/// the foreign key checks off and makes its own transaction keeps the referencing rows (see
/// the book's docs/src/replay.md). Without `PRAGMA foreign_keys = OFF` the deploy fails.
#[tokio::test]
async fn sqlite_rebuild_keeps_referencing_rows() {
    let dir = fixtures("fixtures/replay/sqlite");
    let db = sqlite_database();
    agree(&dir, Dialect::Sqlite, &db.url).await;
    let mut conn = AnyConnection::connect(&db.url, &ConnectOptions::default())
        .await
        .unwrap();
    let AnyConnection::Sqlite(lite) = &mut conn else {
        unreachable!()
    };
    let (body, status): (String, String) = sqlx::query_as(
        "SELECT n.body, t.status FROM task_notes n JOIN tasks t ON t.id = n.task_id",
    )
    .fetch_one(&mut *lite)
    .await
    .unwrap();
    assert_eq!(
        (body.as_str(), status.as_str()),
        ("kept across the rebuild", "in_progress")
    );
    let violations: Vec<(String,)> = sqlx::query_as("PRAGMA foreign_key_check")
        .fetch_all(&mut *lite)
        .await
        .unwrap();
    assert!(violations.is_empty(), "{violations:?}");
    conn.close().await;

    // The same rebuild with the checks on: the DROP TABLE breaks the notes' references.
    let copy = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text.replace("PRAGMA foreign_keys = OFF;", "");
        std::fs::write(copy.path().join(path.file_name().unwrap()), text).unwrap();
    }
    let migrator = Migrator::from_dir(copy.path(), &LoadOptions::new(Dialect::Sqlite)).unwrap();
    let db = sqlite_database();
    let mut conn = AnyConnection::connect(&db.url, &ConnectOptions::default())
        .await
        .unwrap();
    let err = migrator
        .run_with(&mut conn, &DeployOptions::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("3_rebuild.sql") && err.contains("FOREIGN KEY"),
        "{err}"
    );
    conn.close().await;
}

/// A routine called with literal arguments runs with its parameters bound (issue 10 item 6;
/// realworld-axum-sqlx's `trigger_updated_at('"user"')`, quickwit's
/// `quickwit_manage_update_timestamp('indexes')`): the replay agrees with PostgreSQL.
#[tokio::test]
async fn routine_parameters_replay_exactly() {
    let Some(db) = pg_database().await else {
        return;
    };
    let schema = agree(
        &fixtures("fixtures/replay/plpgsql_parameters"),
        Dialect::Postgres,
        &db.url,
    )
    .await;
    let mut tables: Vec<String> = schema.tables.iter().map(|t| t.name.to_string()).collect();
    tables.sort();
    assert_eq!(tables, ["user", "user_log"]);
    let user = schema
        .tables
        .iter()
        .find(|t| t.name.name == "user")
        .unwrap();
    assert!(user.columns.iter().any(|c| c.name == "nickname"));
}

#[tokio::test]
async fn the_example_application_replays_exactly() {
    let db = sqlite_database();
    let schema = agree(&fixtures("../migrations"), Dialect::Sqlite, &db.url).await;
    assert!(
        schema
            .tables
            .iter()
            .any(|t| t.columns.iter().any(|c| c.name == "avatar_url"))
    );
}

/// PostgreSQL refuses a trigram index before `CREATE EXTENSION pg_trgm`; so does the replay,
/// naming the extension (issue 10 item 9).
#[tokio::test]
async fn a_trigram_index_without_its_extension_fails_in_postgres_and_in_the_replay() {
    let Some(db) = pg_database().await else {
        return;
    };
    let dir = migrate_tests::migrations_dir(&[(
        "1_trgm.sql",
        "CREATE TABLE people (name text);\n\
         CREATE INDEX people_name ON people USING gin (name gin_trgm_ops);\n",
    )]);
    let migrator = Migrator::from_dir(dir.path(), &LoadOptions::new(Dialect::Postgres)).unwrap();
    let replayed = replay(migrator.migrations(), Dialect::Postgres)
        .unwrap_err()
        .to_string();
    assert!(replayed.contains("pg_trgm"), "{replayed}");
    let mut conn = AnyConnection::connect(&db.url, &ConnectOptions::default())
        .await
        .unwrap();
    let deployed = migrator
        .run_with(&mut conn, &DeployOptions::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(deployed.contains("gin_trgm_ops"), "{deployed}");
    conn.close().await;
}

/// PostgreSQL 18's syntax replays as 18 applies it: virtual generated columns (written
/// `VIRTUAL` or with neither keyword), not-null constraints in `CREATE TABLE` and `ALTER TABLE
/// … ADD`, `uuidv7()`. Runs where the server is 18 or newer (`.ci/run`'s second pass).
#[tokio::test]
async fn postgres18_fixtures_replay_exactly() {
    let Some(db) = migrate_tests::pg_database_since(18).await else {
        return;
    };
    let schema = agree(
        &fixtures("fixtures/replay/postgres18"),
        Dialect::Postgres,
        &db.url,
    )
    .await;
    let items = &schema.tables[0];
    let stored: Vec<(&str, bool)> = items
        .columns
        .iter()
        .filter_map(|c| Some((c.name.as_str(), c.generated.as_ref()?.stored)))
        .collect();
    assert_eq!(
        stored,
        [
            ("total", false),
            ("total_v", false),
            ("total_s", true),
            ("discount", false)
        ]
    );
    let not_null: Vec<&str> = schema
        .tables
        .iter()
        .flat_map(|t| t.columns.iter().filter(|c| c.not_null))
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        not_null,
        ["id", "price", "qty", "note", "sku", "id", "a", "b"]
    );
}

/// `EXCLUDE` constraints (issue 10 item 5): named and unnamed (PostgreSQL's default names,
/// numbered on a clash), with a predicate, `INCLUDE`, an operator class, an expression, no
/// method; renamed, dropped, and gone with a dropped column. Ranges only: `&&` needs no
/// extension.
#[tokio::test]
async fn exclusion_constraints_replay_exactly() {
    let Some(db) = pg_database().await else {
        return;
    };
    let schema = agree(
        &fixtures("fixtures/replay/exclusions"),
        Dialect::Postgres,
        &db.url,
    )
    .await;
    let names = |table: &str| -> Vec<String> {
        let t = schema.tables.iter().find(|t| t.name.name == table).unwrap();
        t.exclusions
            .iter()
            .map(|x| x.name.clone().unwrap_or_default())
            .collect()
    };
    assert_eq!(
        names("bookings"),
        [
            "bookings_during_excl",
            "bookings_noted",
            "bookings_during_note_excl",
            "bookings_overlap",
            "bookings_one_id"
        ]
    );
    assert_eq!(names("slots"), ["slots_int4range_excl"]);
}

/// `room WITH =` under gist needs btree_gist (checked in `pg_available_extensions`; without
/// it the test says so and passes, as for an absent server).
#[tokio::test]
async fn exclusion_constraints_with_btree_gist_replay_exactly() {
    let Some(db) = pg_database().await else {
        return;
    };
    let mut conn = AnyConnection::connect(&db.url, &ConnectOptions::default())
        .await
        .unwrap();
    let AnyConnection::Postgres(pg) = &mut conn else {
        unreachable!()
    };
    let available: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'btree_gist')",
    )
    .fetch_one(&mut *pg)
    .await
    .unwrap();
    conn.close().await;
    if !available {
        assert!(
            !migrate_tests::require_db(),
            "btree_gist is not available on the server"
        );
        eprintln!("skipped: btree_gist is not available on the server");
        return;
    }
    let schema = agree(
        &fixtures("fixtures/replay/exclusions_btree_gist"),
        Dialect::Postgres,
        &db.url,
    )
    .await;
    assert_eq!(schema.tables[0].exclusions.len(), 2);
}

/// Without btree_gist, PostgreSQL refuses `room WITH =` under gist; so does the replay,
/// naming the extension.
#[tokio::test]
async fn a_gist_exclusion_on_an_integer_without_btree_gist_fails_in_postgres_and_in_the_replay() {
    let Some(db) = pg_database().await else {
        return;
    };
    let dir = migrate_tests::migrations_dir(&[(
        "1_rooms.sql",
        "CREATE TABLE rooms (room int, during tsrange, \
         EXCLUDE USING gist (room WITH =, during WITH &&));\n",
    )]);
    let migrator = Migrator::from_dir(dir.path(), &LoadOptions::new(Dialect::Postgres)).unwrap();
    let replayed = replay(migrator.migrations(), Dialect::Postgres)
        .unwrap_err()
        .to_string();
    assert!(replayed.contains("btree_gist"), "{replayed}");
    let mut conn = AnyConnection::connect(&db.url, &ConnectOptions::default())
        .await
        .unwrap();
    let deployed = migrator
        .run_with(&mut conn, &DeployOptions::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(deployed.contains("operator class"), "{deployed}");
    conn.close().await;
}
