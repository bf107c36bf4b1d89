//! A connection chosen by URL at run time, for the CLI (applications pass their own pool).

use std::time::{Duration, Instant};

use migrate_core::adopt::{ForeignRow, Tool};
use migrate_core::{AppliedRow, Dialect, VersionOrder};

use super::{
    Blocker, DbError, Driver, HistoryStatement, LockKey, LockMode, LockState, Placeholders,
    TableName,
};
use crate::error::ConnectCause;
use crate::url::{redact_url, scrub};
use crate::{Event, MigrateError, Stop};

/// Timeouts of connecting and of waiting for the deploy lock: start from
/// [`ConnectOptions::new`] and set what differs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ConnectOptions {
    /// How long to keep retrying a server that does not answer.
    pub connect_timeout: Duration,
    /// How long to wait for another deployer's lock (SQLite: its busy timeout).
    pub lock_timeout: Duration,
    /// Which deploy lock to take on PostgreSQL (default: chosen by what the server is).
    pub lock: LockMode,
    /// How long a lease lock lasts unless renewed (the deployer renews it every third of it):
    /// a crashed deployer's lease is taken over this long after its last renewal.
    pub lease: Duration,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            connect_timeout: Duration::from_secs(10),
            lock_timeout: Duration::from_secs(60),
            lock: LockMode::Auto,
            lease: super::DEFAULT_LEASE,
        }
    }
}

impl ConnectOptions {
    /// The defaults: 10 s to connect, 60 s to wait for the deploy lock, the lock chosen by
    /// what the server is, a 30 s lease.
    pub fn new() -> Self {
        Self::default()
    }

    /// How long to keep retrying a server that does not answer.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long to wait for another deployer's lock (SQLite: its busy timeout).
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// Which deploy lock to take on PostgreSQL.
    pub fn lock(mut self, lock: LockMode) -> Self {
        self.lock = lock;
        self
    }

    /// How long a lease lock lasts unless renewed.
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }
}

/// A PostgreSQL, SQLite or MySQL/MariaDB connection, picked from the URL's scheme.
#[derive(Debug)]
#[non_exhaustive]
pub enum AnyConnection {
    /// A PostgreSQL connection.
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgConnection),
    /// A PostgreSQL connection that keeps no session state and locks with the lease: through
    /// a transaction pooler, on CockroachDB, or with [`LockMode::Lease`].
    #[cfg(feature = "postgres")]
    PostgresSessionless(Box<super::SessionlessPg>),
    /// A SQLite connection.
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::SqliteConnection),
    /// A MySQL or MariaDB connection.
    #[cfg(feature = "mysql")]
    Mysql(sqlx::MySqlConnection),
}

macro_rules! dispatch {
    ($self:ident, $c:ident => $e:expr) => {
        match $self {
            #[cfg(feature = "postgres")]
            AnyConnection::Postgres($c) => $e,
            #[cfg(feature = "postgres")]
            AnyConnection::PostgresSessionless($c) => $e,
            #[cfg(feature = "sqlite")]
            AnyConnection::Sqlite($c) => $e,
            #[cfg(feature = "mysql")]
            AnyConnection::Mysql($c) => $e,
        }
    };
}

impl AnyConnection {
    /// Connects, retrying briefly while the server does not answer. SQLite files are created
    /// when missing. Errors never contain the URL's password.
    pub async fn connect(
        url: &str,
        options: &ConnectOptions,
    ) -> Result<AnyConnection, MigrateError> {
        let fail =
            |cause: Cause, hint: &str, gave_up_after: Option<Duration>| MigrateError::Connect {
                url: redact_url(url),
                hint: hint.to_owned(),
                gave_up_after,
                source: ConnectCause::new(scrub(&cause.text, url), cause.driver),
            };
        let dialect = crate::url::dialect_of(url)?;
        if let Some(path) = crate::url::sqlite_path(url) {
            let folder = std::path::Path::new(path)
                .parent()
                .filter(|p| !p.as_os_str().is_empty());
            if let Some(folder) = folder.filter(|f| !f.is_dir()) {
                return Err(fail(
                    Cause::text(format!(
                        "the folder {} of the SQLite database does not exist",
                        folder.display()
                    )),
                    "create the folder, or fix the path in the URL",
                    None,
                ));
            }
        }
        let started = Instant::now();
        let mut delay = Duration::from_millis(100);
        loop {
            let remaining = options.connect_timeout.saturating_sub(started.elapsed());
            let attempt = tokio::time::timeout(
                remaining.max(Duration::from_millis(100)),
                connect_once(dialect, url, options),
            );
            let error = match attempt.await {
                Ok(Ok(conn)) => return Ok(conn),
                Ok(Err(Attempt::Fatal(e))) => {
                    return Err(fail(
                        e,
                        "check the URL, the credentials and that the database exists",
                        None,
                    ));
                }
                Ok(Err(Attempt::Tls { cause, hint })) => return Err(fail(cause, &hint, None)),
                Ok(Err(Attempt::Unsupported(reason))) => {
                    return Err(MigrateError::Unsupported {
                        url: redact_url(url),
                        reason,
                    });
                }
                Ok(Err(Attempt::Retry(e))) => e,
                Err(_) => Cause::text("the server did not answer".to_owned()),
            };
            if started.elapsed() + delay >= options.connect_timeout {
                let waited = started.elapsed();
                let hint = format!(
                    "gave up after {:.1}s: is the server running and reachable?",
                    waited.as_secs_f64()
                );
                return Err(fail(error, &hint, Some(waited)));
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(1));
        }
    }

    /// Closes the connection politely (ends the session, releasing any lock).
    pub async fn close(self) {
        use sqlx::Connection;
        match self {
            #[cfg(feature = "postgres")]
            AnyConnection::PostgresSessionless(c) => c.close().await,
            #[cfg(feature = "postgres")]
            AnyConnection::Postgres(c) => drop(c.close().await),
            #[cfg(feature = "sqlite")]
            AnyConnection::Sqlite(c) => drop(c.close().await),
            #[cfg(feature = "mysql")]
            AnyConnection::Mysql(c) => drop(c.close().await),
        }
    }
}

/// Why an attempt failed: a text (not yet scrubbed) and the driver's error when there is one.
struct Cause {
    text: String,
    driver: Option<sqlx::Error>,
}

impl Cause {
    fn text(text: String) -> Cause {
        Cause { text, driver: None }
    }

    fn driver(e: sqlx::Error) -> Cause {
        Cause {
            text: super::describe_cause(&e).unwrap_or_else(|| e.to_string()),
            driver: Some(e),
        }
    }
}

enum Attempt {
    Retry(Cause),
    Fatal(Cause),
    /// A TLS check failed: the cause says which, the hint what to do.
    #[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
    Tls {
        cause: Cause,
        hint: String,
    },
    Unsupported(String),
}

fn classify(e: sqlx::Error) -> Attempt {
    let retry = match &e {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::Protocol(_) => true,
        // The server is starting up or out of connections: worth another try.
        // MySQL: too many connections (SQLSTATE 08004, error 1040).
        sqlx::Error::Database(db) => {
            matches!(db.code().as_deref(), Some("57P03" | "53300" | "08004"))
        }
        _ => false,
    };
    if retry {
        Attempt::Retry(Cause::driver(e))
    } else {
        Attempt::Fatal(Cause::driver(e))
    }
}

async fn connect_once(
    dialect: Dialect,
    url: &str,
    options: &ConnectOptions,
) -> Result<AnyConnection, Attempt> {
    use sqlx::ConnectOptions as _;
    #[cfg(not(feature = "sqlite"))]
    let _ = options;
    match dialect {
        #[cfg(feature = "postgres")]
        Dialect::Postgres => {
            let opts: sqlx::postgres::PgConnectOptions = url
                .parse()
                .map_err(|e: sqlx::Error| Attempt::Fatal(Cause::driver(e)))?;
            let mut conn = opts.connect().await.map_err(|e| {
                match super::tls::explain(&e, opts.get_host()) {
                    Some((message, hint)) => Attempt::Tls {
                        cause: Cause {
                            text: message,
                            driver: Some(e),
                        },
                        hint,
                    },
                    None => classify(e),
                }
            })?;
            if let Some(why) = super::pooler::lease_reason(&mut conn, &opts, options.lock)
                .await
                .map_err(classify)?
            {
                return Ok(AnyConnection::PostgresSessionless(Box::new(
                    super::SessionlessPg::new(conn, opts, options.lease, why),
                )));
            }
            // End the session promptly when the deployer dies mid-statement (PostgreSQL 14+);
            // older servers reject the setting, which is harmless.
            let _ = Driver::execute(&mut conn, "SET client_connection_check_interval = 1000").await;
            Ok(AnyConnection::Postgres(conn))
        }
        #[cfg(feature = "sqlite")]
        Dialect::Sqlite => {
            let opts: sqlx::sqlite::SqliteConnectOptions = url
                .parse()
                .map_err(|e: sqlx::Error| Attempt::Fatal(Cause::driver(e)))?;
            let conn = opts
                .create_if_missing(true)
                .busy_timeout(options.lock_timeout)
                .connect()
                .await
                .map_err(classify)?;
            Ok(AnyConnection::Sqlite(conn))
        }
        #[cfg(feature = "mysql")]
        Dialect::Mysql => {
            // sqlx reads `mariadb://` as it reads `mysql://`: only the scheme differs.
            let opts: sqlx::mysql::MySqlConnectOptions = url
                .parse()
                .map_err(|e: sqlx::Error| Attempt::Fatal(Cause::driver(e)))?;
            let conn = opts.connect().await.map_err(|e| {
                match super::tls::explain_mysql(&e, &mysql_host(url)) {
                    Some((message, hint)) => Attempt::Tls {
                        cause: Cause {
                            text: message,
                            driver: Some(e),
                        },
                        hint,
                    },
                    None => classify(e),
                }
            })?;
            Ok(AnyConnection::Mysql(conn))
        }
        #[allow(unreachable_patterns)]
        other => Err(Attempt::Unsupported(format!(
            "{other} is not supported by this build of cargo-migrate yet"
        ))),
    }
}

/// The host of a `mysql://` URL, for messages.
#[cfg(feature = "mysql")]
fn mysql_host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    let host = authority.rsplit('@').next().unwrap_or(authority);
    host.to_owned()
}

impl Driver for AnyConnection {
    fn dialect(&self) -> Dialect {
        dispatch!(self, c => c.dialect())
    }
    async fn execute(&mut self, sql: &str) -> Result<(), DbError> {
        dispatch!(self, c => c.execute(sql).await)
    }
    fn begin_sql(&self) -> &'static str {
        dispatch!(self, c => c.begin_sql())
    }
    fn transactional_ddl(&self) -> bool {
        dispatch!(self, c => c.transactional_ddl())
    }
    fn recheck_in_transaction(&self) -> bool {
        dispatch!(self, c => c.recheck_in_transaction())
    }
    fn placeholders(&self) -> Placeholders {
        dispatch!(self, c => c.placeholders())
    }
    async fn write_history(&mut self, statement: HistoryStatement) -> Result<(), sqlx::Error> {
        dispatch!(self, c => c.write_history(statement).await)
    }
    async fn history_flag(&mut self, statement: HistoryStatement) -> Result<bool, sqlx::Error> {
        dispatch!(self, c => c.history_flag(statement).await)
    }
    async fn history_exists(&mut self, table: &TableName) -> Result<bool, sqlx::Error> {
        dispatch!(self, c => c.history_exists(table).await)
    }
    async fn create_history(
        &mut self,
        table: &TableName,
        order: VersionOrder,
    ) -> Result<(), sqlx::Error> {
        dispatch!(self, c => c.create_history(table, order).await)
    }
    async fn read_history(&mut self, table: &TableName) -> Result<Vec<AppliedRow>, sqlx::Error> {
        dispatch!(self, c => c.read_history(table).await)
    }
    async fn lock(
        &mut self,
        table: &TableName,
        timeout: Duration,
        observer: &(dyn Fn(&Event<'_>) + Sync),
    ) -> Result<LockKey, MigrateError> {
        dispatch!(self, c => c.lock(table, timeout, observer).await)
    }
    async fn unlock(&mut self, key: LockKey) -> Result<(), sqlx::Error> {
        dispatch!(self, c => c.unlock(key).await)
    }
    async fn set_lock_wait(&mut self, timeout: Option<Duration>) -> Result<(), sqlx::Error> {
        dispatch!(self, c => c.set_lock_wait(timeout).await)
    }
    fn lock_wait_is_deploy_lock(&self) -> bool {
        dispatch!(self, c => c.lock_wait_is_deploy_lock())
    }
    async fn session_id(&mut self) -> Option<i64> {
        dispatch!(self, c => c.session_id().await)
    }
    async fn cancel_session(&mut self, id: i64) -> Result<(), sqlx::Error> {
        dispatch!(self, c => c.cancel_session(id).await)
    }
    async fn blockers(&mut self, id: i64) -> Result<Vec<Blocker>, sqlx::Error> {
        dispatch!(self, c => c.blockers(id).await)
    }
    async fn lock_is_held(&mut self, table: &TableName) -> Result<bool, sqlx::Error> {
        dispatch!(self, c => c.lock_is_held(table).await)
    }
    async fn lock_state(&mut self, table: &TableName) -> Result<Option<LockState>, sqlx::Error> {
        dispatch!(self, c => c.lock_state(table).await)
    }
    async fn interrupt_on(&mut self, stop: Option<&Stop>) -> Result<(), sqlx::Error> {
        dispatch!(self, c => c.interrupt_on(stop).await)
    }
    async fn read_foreign(&mut self, tool: Tool) -> Result<Vec<ForeignRow>, sqlx::Error> {
        dispatch!(self, c => c.read_foreign(tool).await)
    }
    async fn drop_everything(&mut self) -> Result<(), sqlx::Error> {
        dispatch!(self, c => c.drop_everything().await)
    }
}
