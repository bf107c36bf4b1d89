//! Files written for sqlx that wrap themselves in `BEGIN … COMMIT` (zero-to-production) or
//! open a `BEGIN` that sqlx's own transaction swallows (AppFlowy-Cloud) deploy as written, in
//! one transaction, their checksum untouched: the wrapping statements are skipped.

use sqlx::Connection;

use crate::support::Project;
use migrate_tests::pg_database;

const SUBSCRIPTIONS: &str = "CREATE TABLE subscriptions (id INTEGER PRIMARY KEY, status TEXT);\n\
                             INSERT INTO subscriptions VALUES (1, NULL);\n";

/// zero-to-production's migration, with a statement that fails after the backfill.
const WRAPPED_FAILING: &str = "-- We wrap the whole migration in a transaction.\nBEGIN;\n    UPDATE subscriptions SET status = 'confirmed' WHERE status IS NULL;\n    INSERT INTO no_such_table VALUES (1);\nCOMMIT;\n";

/// The same, fixed; and AppFlowy-Cloud's shape: a `BEGIN` with no `COMMIT`.
const WRAPPED: &str =
    "BEGIN;\n    UPDATE subscriptions SET status = 'confirmed' WHERE status IS NULL;\nCOMMIT;\n";
const OPENED: &str = "CREATE TABLE a (id INTEGER);\n\nBEGIN;\nCREATE TABLE b (id INTEGER);\n";

/// Deploys the failing file, then the fixed ones; returns the backfilled status after each.
async fn deploy_as_written(
    p: &Project,
    url: &str,
    status: impl AsyncFn() -> Option<String>,
) -> (Option<String>, Option<String>) {
    p.write("migrations/1_subscriptions.sql", SUBSCRIPTIONS);
    p.write("migrations/2_backfill.sql", WRAPPED_FAILING);
    let failed = p.run(&["deploy", "--database-url", url]).expect(1);
    assert!(
        failed.stderr.contains("migrations/2_backfill.sql:4:"),
        "the failing statement is named: {}",
        failed.stderr
    );
    let after_failure = status().await;
    p.write("migrations/2_backfill.sql", WRAPPED);
    p.write("migrations/3_opened.sql", OPENED);
    p.run(&["deploy", "--database-url", url]).expect(0);
    p.run(&["verify", "--database-url", url]).expect(0);
    (after_failure, status().await)
}

#[tokio::test]
async fn a_self_wrapped_migration_runs_as_written_on_sqlite() {
    let p = Project::new("dialect = \"sqlite\"");
    let url = p.sqlite_url();
    let status = async || {
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query_scalar("SELECT status FROM subscriptions WHERE id = 1")
            .fetch_one(&mut conn)
            .await
            .unwrap()
    };
    let (failed, fixed) = deploy_as_written(&p, &url, status).await;
    assert_eq!(
        failed, None,
        "the backfill was rolled back with the failing statement"
    );
    assert_eq!(fixed.as_deref(), Some("confirmed"));
}

#[tokio::test]
async fn a_self_wrapped_migration_runs_as_written_on_postgres() {
    let Some(db) = pg_database().await else {
        return;
    };
    let p = Project::new("dialect = \"postgres\"");
    let status = async || {
        let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
        sqlx::query_scalar("SELECT status FROM subscriptions WHERE id = 1")
            .fetch_one(&mut conn)
            .await
            .unwrap()
    };
    let (failed, fixed) = deploy_as_written(&p, &db.url, status).await;
    assert_eq!(
        failed, None,
        "the backfill was rolled back with the failing statement"
    );
    assert_eq!(fixed.as_deref(), Some("confirmed"));
}
