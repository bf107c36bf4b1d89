//! Shared helpers for the integration tests: a fresh real database per test.
//!
//! MySQL/MariaDB works the same way (see [`mysql_database`]).
//!
//! PostgreSQL comes from `MIGRATE_TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/test`).
//! Each test gets its own database, created here and dropped when the guard drops, so tests
//! stay isolated and run in parallel. When the server is absent a test prints why and skips,
//! unless `MIGRATE_TEST_REQUIRE_DB=1` (set by `.ci/run`), which makes absence a failure.
//! Skips are visible: see [`skip`].

pub mod skip;

pub mod example_queries;
mod mysql;
pub mod pgbouncer;
pub mod query_calls;
pub mod query_corpus;
pub use mysql::{MysqlTestDb, mysql_admin_url, mysql_database};

pub mod tls_cluster;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};

/// The server URL tests use to create their databases.
pub fn pg_admin_url() -> String {
    std::env::var("MIGRATE_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// Whether a missing server must fail the test (CI) rather than skip it.
pub fn require_db() -> bool {
    std::env::var("MIGRATE_TEST_REQUIRE_DB").is_ok_and(|v| v == "1" || v == "true")
}

/// A database of its own for one test, dropped (with its connections) when this drops.
pub struct PgTestDb {
    pub name: String,
    pub url: String,
}

fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "{prefix}_{}_{}_{}",
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

pub use migrate_runtime::__private::url::with_database;

/// Creates a fresh PostgreSQL database, or returns `None` (after saying why) when the server
/// is absent and `MIGRATE_TEST_REQUIRE_DB` is not set.
pub async fn pg_database() -> Option<PgTestDb> {
    let admin = pg_admin_url();
    let mut conn =
        match tokio::time::timeout(Duration::from_secs(10), PgConnection::connect(&admin)).await {
            Ok(Ok(conn)) => conn,
            Ok(Err(e)) => return absent(&format!("{e}")),
            Err(_) => return absent("timed out connecting"),
        };
    let name = unique_name("cm_test");
    conn.execute(sqlx::raw_sql(AssertSqlSafe(format!(
        "CREATE DATABASE \"{name}\""
    ))))
    .await
    .expect("CREATE DATABASE");
    let _ = conn.close().await;
    Some(PgTestDb {
        url: with_database(&admin, &name),
        name,
    })
}

/// The server's major version (`server_version_num / 10000`).
pub async fn pg_major(url: &str) -> u32 {
    let mut conn = PgConnection::connect(url).await.expect("connect");
    let num: String = sqlx::query_scalar("SHOW server_version_num")
        .fetch_one(&mut conn)
        .await
        .expect("SHOW server_version_num");
    let _ = conn.close().await;
    num.parse::<u32>().expect("server_version_num is a number") / 10000
}

/// A fresh database on a server of major version `major` or newer, for a test of what only
/// newer versions have. On an older server the test prints that it did not run and returns
/// `None`, unless `MIGRATE_TEST_PG_MAJOR` is at least `major`: `.ci/run` sets it in its pass
/// against PostgreSQL 18, where such a test must run.
pub async fn pg_database_since(major: u32) -> Option<PgTestDb> {
    let db = pg_database().await?;
    let found = pg_major(&db.url).await;
    if found >= major {
        return Some(db);
    }
    let required = std::env::var("MIGRATE_TEST_PG_MAJOR")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .is_some_and(|r| r >= major);
    let message = format!(
        "needs PostgreSQL {major} or newer and the server at {} is {found}",
        migrate_runtime::__private::url::redact_url(&pg_admin_url())
    );
    if required {
        panic!(
            "{message}; MIGRATE_TEST_PG_MAJOR asks for {major}: point MIGRATE_TEST_PG_URL at it"
        );
    }
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr().lock(),
        "NOT RUN on this server: {message} (`.ci/run` runs it against PostgreSQL 18)"
    );
    None
}

fn absent<T>(why: &str) -> Option<T> {
    server_absent("PostgreSQL", &pg_admin_url(), why)
}

/// Says that `server` at `url` is absent (`why`, passwords scrubbed): a recorded skip, or a
/// panic under `MIGRATE_TEST_REQUIRE_DB`.
fn server_absent<T>(server: &str, url: &str, why: &str) -> Option<T> {
    let why = migrate_runtime::__private::url::scrub(why, url);
    let message = format!(
        "{server} is not reachable at {} ({why})",
        migrate_runtime::__private::url::redact_url(url)
    );
    if require_db() {
        panic!("{message}; MIGRATE_TEST_REQUIRE_DB is set, so this is a failure, not a skip");
    }
    skip::record(&message);
    None
}

/// Runs `work` to completion on a thread with a runtime of its own: a guard's `Drop` may run
/// inside or outside a runtime.
fn run_detached<F, Fut>(work: F)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Option<()>>,
{
    let _ = std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?
            .block_on(work())
    })
    .join();
}

impl Drop for PgTestDb {
    fn drop(&mut self) {
        let admin = pg_admin_url();
        // Sessions a test left open are ended first: `DROP DATABASE … WITH (FORCE)` would, on
        // PostgreSQL 13 and later only. Two statements: DROP DATABASE refuses to share one.
        let terminate = format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{}' \
             AND pid <> pg_backend_pid()",
            self.name
        );
        let drop = format!("DROP DATABASE IF EXISTS \"{}\"", self.name);
        run_detached(move || async move {
            let mut conn = PgConnection::connect(&admin).await.ok()?;
            let _ = conn.execute(sqlx::raw_sql(AssertSqlSafe(terminate))).await;
            conn.execute(sqlx::raw_sql(AssertSqlSafe(drop)))
                .await
                .ok()?;
            conn.close().await.ok()
        });
    }
}

/// A fresh SQLite database file in a temporary folder (removed when the guard drops).
pub struct SqliteTestDb {
    pub dir: tempfile::TempDir,
    pub path: std::path::PathBuf,
    pub url: String,
}

pub fn sqlite_database() -> SqliteTestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("test.db");
    let url = format!("sqlite://{}", path.display());
    SqliteTestDb { dir, path, url }
}

/// Writes migration files into a fresh temporary folder: `(file name, contents)` pairs.
pub fn migrations_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create dir");
        }
        std::fs::write(path, text).expect("write migration");
    }
    dir
}

/// `table.constraint` for every unique constraint, foreign key and check of `schema`,
/// sorted: the replay must name them as PostgreSQL does.
pub fn constraint_names(schema: &migrate_core::schema::Schema) -> Vec<String> {
    let mut names: Vec<String> = schema
        .tables
        .iter()
        .flat_map(|t| {
            let named = t
                .uniques
                .iter()
                .map(|u| u.name.clone())
                .chain(t.foreign_keys.iter().map(|f| f.name.clone()))
                .chain(t.checks.iter().map(|c| c.name.clone()))
                .chain(t.exclusions.iter().map(|x| x.name.clone()));
            named.map(move |n| format!("{}.{}", t.name, n.unwrap_or_default()))
        })
        .collect();
    names.sort();
    names
}
