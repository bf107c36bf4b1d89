//! Library errors keep the driver's error as their `source()` and name no CLI flag or verb.

use std::error::Error as _;

use migrate_runtime::{Dialect, LoadOptions, MigrateError, Migrator};
use migrate_tests::{migrations_dir, sqlite_database};
use sqlx::Connection;

#[tokio::test]
async fn database_errors_keep_the_driver_error_as_their_source() {
    let db = sqlite_database();
    let dir = migrations_dir(&[("1_users.sql", "CREATE TABLE users (id INTEGER);\n")]);
    let mut conn = sqlx::SqliteConnection::connect(&format!("{}?mode=rwc", db.url))
        .await
        .unwrap();
    // A history table that is not ours: reading it fails in the driver.
    sqlx::query("CREATE TABLE _migrate_history (x INTEGER)")
        .execute(&mut conn)
        .await
        .unwrap();
    let m = Migrator::from_dir(dir.path(), &LoadOptions::new(Dialect::Sqlite)).unwrap();
    let err = m.status_with(&mut conn).await.unwrap_err();
    assert!(matches!(err, MigrateError::Database { .. }), "{err}");
    let source = err.source().expect("a source");
    assert!(
        source.downcast_ref::<sqlx::Error>().is_some(),
        "the source is sqlx's error: {source:?}"
    );
    // The message is the context; the driver's text is the source's, not flattened into it.
    assert!(!err.to_string().contains(&source.to_string()), "{err}");
}

#[test]
fn library_messages_name_no_cli_flag() {
    let timeout = MigrateError::LockTimeout {
        waited: std::time::Duration::from_secs(3),
        holder_hint: "SELECT …".into(),
    };
    assert!(!timeout.to_string().contains("--lock-timeout"), "{timeout}");
}
