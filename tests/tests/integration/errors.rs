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

/// Every text of an error's `source()` chain, joined as the CLI prints it.
fn chain_text(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

#[tokio::test]
async fn connect_errors_keep_the_driver_error_and_never_show_the_password() {
    use migrate_runtime::{AnyConnection, ConnectOptions};
    let options = ConnectOptions::new().connect_timeout(std::time::Duration::from_millis(300));
    // sqlx echoes a bad sslmode value in its message: here it is the password.
    let url = "postgres://app:Pw5ecret@127.0.0.1:1/app?sslmode=Pw5ecret";
    let err = AnyConnection::connect(url, &options).await.unwrap_err();
    let MigrateError::Connect { source, .. } = &err else {
        panic!("not a connect error: {err}");
    };
    let driver = source.driver().expect("the driver's error is kept");
    assert!(
        matches!(driver, sqlx::Error::Configuration(_)),
        "{driver:?}"
    );
    assert!(driver.to_string().contains("Pw5ecret"), "{driver}");
    // The chain after the URL (which shows the parameter as given) is scrubbed.
    let shown = chain_text(source);
    assert!(shown.contains("ssl_mode"), "{shown}");
    assert!(!shown.contains("Pw5ecret"), "{shown}");

    // Nobody listens on port 1: an I/O error, kept as such, and no CLI flag in the text.
    let url = "postgres://app:Pw5ecret@127.0.0.1:1/app";
    let err = AnyConnection::connect(url, &options).await.unwrap_err();
    let MigrateError::Connect {
        source,
        gave_up_after,
        ..
    } = &err
    else {
        panic!("not a connect error: {err}");
    };
    assert!(
        matches!(source.driver(), Some(sqlx::Error::Io(_))),
        "{source:?}"
    );
    assert!(gave_up_after.is_some());
    let shown = chain_text(&err);
    assert!(
        !shown.contains("Pw5ecret") && !shown.contains("--"),
        "{shown}"
    );
    assert!(
        shown.starts_with("cannot connect to postgres://app:"),
        "{shown}"
    );
}
