//! The few database operations the apply loop needs, one implementation per backend.
//!
//! Everything else (planning, ordering, checks, history rules) is written once, in
//! the migrator ([`crate::Migrator`]), over this trait.

mod any;
mod history_sql;
#[cfg(feature = "postgres")]
mod lease;
mod lock_mode;
#[cfg(feature = "mysql")]
mod mysql;
#[cfg(feature = "mysql")]
mod mysql_reset;
#[cfg(feature = "postgres")]
mod pooler;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "postgres")]
mod postgres_reset;
#[cfg(feature = "postgres")]
mod sessionless;
#[cfg(feature = "sqlite")]
mod sqlite;
#[cfg(any(feature = "postgres", feature = "mysql"))]
mod tls;
mod version;

use std::time::Duration;

use migrate_core::adopt::{ForeignRow, Tool};
use migrate_core::{AppliedRow, Dialect, Version, VersionOrder};

use crate::{Event, MigrateError, Stop};

pub use any::{AnyConnection, ConnectOptions};
pub use history_sql::{HistoryStatement, Placeholders};
pub use lock_mode::{DEFAULT_LEASE, LockKind, LockMode, LockState};
#[cfg(feature = "postgres")]
pub use sessionless::SessionlessPg;
pub(crate) use version::version_of;

/// A database error of a migration statement: the server's message and, when it gives one,
/// the character position in the statement (1-based).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DbError {
    /// The server's message (PostgreSQL: with its detail and SQLSTATE).
    pub message: String,
    /// Where in the statement it failed, 1-based characters, when the server says.
    pub position: Option<usize>,
    /// The statement gave up waiting for a lock (PostgreSQL `lock_timeout`, SQLite busy).
    pub lock_timeout: bool,
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DbError {}

/// A held deploy lock, handed back to [`Driver::unlock`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockKey(pub i64);

/// A history row to write.
#[derive(Debug, Clone)]
pub struct NewRow<'a> {
    /// The migration's version.
    pub version: &'a Version,
    /// The migration's name.
    pub name: &'a str,
    /// The file's checksum (hex SHA-256).
    pub checksum: &'a str,
    /// How long it took, in milliseconds.
    pub execution_ms: i64,
    /// Whether it was applied.
    pub success: bool,
    /// The error of a failed migration.
    pub error: Option<String>,
    /// The tool and verb that applied it.
    pub applied_by: &'a str,
    /// The backup taken before the deploy, if any.
    pub backup: Option<&'a str>,
}

/// A change to the per-statement progress a history row records (see
/// `migrator::progress`): the same four steps for every dialect.
#[derive(Debug, Clone)]
pub enum ProgressUpdate<'a> {
    /// Insert the row as `running`, no statement done yet, committed before the first one.
    Start {
        /// The row to insert.
        row: &'a NewRow<'a>,
        /// How many statements the migration has.
        total: u32,
        /// The checksum of the done statements' text.
        done_checksum: &'a str,
    },
    /// `deploy --resume`: the row is `running` again.
    Restart {
        /// The migration's version.
        version: &'a Version,
    },
    /// Statement `done` finished: the row counts it.
    Step {
        /// The migration's version.
        version: &'a Version,
        /// How many statements are done.
        done: u32,
        /// The checksum of the done statements' text.
        done_checksum: &'a str,
    },
    /// The run ended: applied, or failed (with the error) at the recorded count.
    Finish {
        /// The migration's version.
        version: &'a Version,
        /// Whether it was applied.
        success: bool,
        /// The error, when it failed.
        error: Option<&'a str>,
        /// How long it took, in milliseconds.
        execution_ms: i64,
        /// The file's checksum (hex SHA-256).
        checksum: &'a str,
    },
}

/// Adds the columns of per-statement progress to a history table made by an earlier version.
const PROGRESS_COLUMNS: [(&str, &str); 4] = [
    ("state", "TEXT"),
    ("statements_done", "BIGINT"),
    ("statements_total", "BIGINT"),
    ("done_checksum", "TEXT"),
];

/// A session that holds a lock a migration statement waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Blocker {
    /// Its server process id.
    pub pid: i64,
    /// Its `application_name`.
    pub application_name: String,
    /// Its state (`idle in transaction`, `active`, …).
    pub state: String,
    /// When its transaction (or, outside one, its query) started: RFC 3339 UTC.
    pub since: String,
    /// The start of its current or last query.
    pub query: String,
}

/// A history table's name, optionally schema-qualified (`ops.migrations`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableName {
    /// The schema, when named.
    pub schema: Option<String>,
    /// The table's name.
    pub name: String,
}

impl TableName {
    /// Reads `name` or `schema.name`.
    pub fn parse(s: &str) -> TableName {
        match s.split_once('.') {
            Some((schema, name)) => TableName {
                schema: Some(schema.to_owned()),
                name: name.to_owned(),
            },
            None => TableName {
                schema: None,
                name: s.to_owned(),
            },
        }
    }

    /// The name quoted as an SQL identifier (every `"` doubled), safe in any statement.
    pub fn quoted(&self) -> String {
        match &self.schema {
            Some(schema) => format!("{}.{}", quote_ident(schema), quote_ident(&self.name)),
            None => quote_ident(&self.name),
        }
    }

    /// The name quoted as `dialect` quotes identifiers: MySQL/MariaDB with backticks (`"`
    /// is a string there unless `ANSI_QUOTES` is set), the others as [`TableName::quoted`].
    pub fn quoted_in(&self, dialect: Dialect) -> String {
        if dialect != Dialect::Mysql {
            return self.quoted();
        }
        let tick = |ident: &str| format!("`{}`", ident.replace('`', "``"));
        match &self.schema {
            Some(schema) => format!("{}.{}", tick(schema), tick(&self.name)),
            None => tick(&self.name),
        }
    }

    /// The name as shown in messages (`schema.name`).
    pub fn display(&self) -> String {
        match &self.schema {
            Some(schema) => format!("{schema}.{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// Quotes an SQL identifier: `a"b` -> `"a""b"`.
pub fn quote_ident(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// The operations the apply loop needs from one connection. Implemented for `PgConnection`,
/// `SqliteConnection` and [`AnyConnection`]; internal: the public, sealed face is
/// [`crate::Driver`].
#[allow(async_fn_in_trait)]
pub trait Driver: Send {
    fn dialect(&self) -> Dialect;

    /// Runs one statement without a prepared statement (simple protocol).
    async fn execute(&mut self, sql: &str) -> Result<(), DbError>;

    /// Starts the transaction a migration runs in.
    fn begin_sql(&self) -> &'static str {
        "BEGIN"
    }

    /// Whether DDL can be rolled back, so a migration and its history row can share one
    /// transaction. MySQL/MariaDB commit DDL implicitly: there each migration runs statement
    /// by statement and its row is written after it, like a no-transaction migration.
    fn transactional_ddl(&self) -> bool {
        true
    }

    /// Whether other deployers may race us per migration (no session lock), so the history
    /// must be re-read inside each migration's transaction.
    fn recheck_in_transaction(&self) -> bool {
        false
    }

    async fn history_exists(&mut self, table: &TableName) -> Result<bool, sqlx::Error>;
    /// Creates the history table when missing, its `version` column of the type `order`
    /// stores (`BIGINT` for sqlx's integers, `TEXT` for diesel's text), and brings a table of
    /// an earlier release up to date: the progress columns, and an integer `version` column
    /// turned into text when the project's versions are diesel's (called under the deploy
    /// lock).
    async fn create_history(
        &mut self,
        table: &TableName,
        order: VersionOrder,
    ) -> Result<(), sqlx::Error>;
    /// The rows; `version` as the column holds it (an integer column reads as
    /// [`Version::Number`], a text one as [`Version::Text`]).
    async fn read_history(&mut self, table: &TableName) -> Result<Vec<AppliedRow>, sqlx::Error>;

    /// How this driver writes bind parameters: the history statements are written once
    /// ([`history_sql`]) and handed to [`Driver::write_history`] in this form.
    fn placeholders(&self) -> Placeholders;
    /// Runs a history statement that returns no rows.
    async fn write_history(&mut self, statement: HistoryStatement) -> Result<(), sqlx::Error>;
    /// Runs a history statement that returns one boolean.
    async fn history_flag(&mut self, statement: HistoryStatement) -> Result<bool, sqlx::Error>;

    async fn is_recorded(
        &mut self,
        table: &TableName,
        version: &Version,
    ) -> Result<bool, sqlx::Error> {
        let statement = history_sql::is_recorded(table, version, self.placeholders());
        self.history_flag(statement).await
    }
    async fn insert_row(&mut self, table: &TableName, row: &NewRow<'_>) -> Result<(), sqlx::Error> {
        let statement = history_sql::insert_row(table, row, self.placeholders());
        self.write_history(statement).await
    }
    async fn delete_row(
        &mut self,
        table: &TableName,
        version: &Version,
    ) -> Result<(), sqlx::Error> {
        let statement = history_sql::delete_row(table, version, self.placeholders());
        self.write_history(statement).await
    }
    async fn set_checksum(
        &mut self,
        table: &TableName,
        version: &Version,
        checksum: &str,
    ) -> Result<(), sqlx::Error> {
        let statement = history_sql::set_checksum(table, version, checksum, self.placeholders());
        self.write_history(statement).await
    }

    /// Takes the deploy lock, waiting up to `timeout`.
    async fn lock(
        &mut self,
        table: &TableName,
        timeout: Duration,
        observer: &(dyn Fn(&Event<'_>) + Sync),
    ) -> Result<LockKey, MigrateError>;
    async fn unlock(&mut self, key: LockKey) -> Result<(), sqlx::Error>;

    /// How long a migration statement may wait for a lock (`None`: no limit). PostgreSQL:
    /// the session's `lock_timeout`; SQLite: its busy timeout.
    async fn set_lock_wait(&mut self, _timeout: Option<Duration>) -> Result<(), sqlx::Error> {
        Ok(())
    }

    /// Whether the statement lock wait is also how the deploy lock is waited for (SQLite,
    /// whose `BEGIN IMMEDIATE` is the lock): then it is raised back around each begin.
    fn lock_wait_is_deploy_lock(&self) -> bool {
        false
    }

    /// Records per-statement progress (see [`ProgressUpdate`]).
    async fn update_progress(
        &mut self,
        table: &TableName,
        update: &ProgressUpdate<'_>,
    ) -> Result<(), sqlx::Error> {
        let statement = history_sql::progress(table, update, self.placeholders());
        self.write_history(statement).await
    }

    /// The server's id of this session (PostgreSQL: its backend pid), for a second
    /// connection to cancel its statement or see who blocks it.
    async fn session_id(&mut self) -> Option<i64> {
        None
    }

    /// Cancels the statement session `id` runs (from a second connection).
    async fn cancel_session(&mut self, _id: i64) -> Result<(), sqlx::Error> {
        Ok(())
    }

    /// The sessions holding a lock session `id` waits for (from a second connection).
    async fn blockers(&mut self, _id: i64) -> Result<Vec<Blocker>, sqlx::Error> {
        Ok(Vec::new())
    }

    /// Whether some session holds the deploy lock (a `running` row then has a live deployer).
    async fn lock_is_held(&mut self, _table: &TableName) -> Result<bool, sqlx::Error> {
        Ok(false)
    }

    /// Which deploy lock this connection uses, why, and who holds it now (`None`: a
    /// database whose lock has no holder to tell, SQLite).
    async fn lock_state(&mut self, _table: &TableName) -> Result<Option<LockState>, sqlx::Error> {
        Ok(None)
    }

    /// Lets `stop` interrupt this connection's running statement in-process (SQLite's
    /// progress handler); `None` removes it. PostgreSQL cancels from a second connection.
    async fn interrupt_on(&mut self, _stop: Option<&Stop>) -> Result<(), sqlx::Error> {
        Ok(())
    }

    /// Reads another tool's history table ([`Tool::select_sql`]).
    async fn read_foreign(&mut self, tool: Tool) -> Result<Vec<ForeignRow>, sqlx::Error>;

    /// Drops every object of the database (development `reset`).
    async fn drop_everything(&mut self) -> Result<(), sqlx::Error>;
}

/// A driver error as a user reads it: the server's message, its detail and SQLSTATE for
/// PostgreSQL — without the server's C source line that sqlx appends ("at line 948") —, and
/// sqlx's own text otherwise. `None` when `cause` is not a sqlx error.
pub fn describe_cause(cause: &(dyn std::error::Error + 'static)) -> Option<String> {
    let e = cause.downcast_ref::<sqlx::Error>()?;
    Some(match e {
        sqlx::Error::Database(_) => db_error_ref(e).message,
        other => other.to_string(),
    })
}

/// The progress of a history row from its columns (`None` for rows without it).
pub(crate) fn progress_of(
    state: Option<String>,
    done: Option<i64>,
    total: Option<i64>,
    done_checksum: Option<String>,
) -> Option<migrate_core::Progress> {
    let total = total?;
    Some(migrate_core::Progress {
        running: state.as_deref() == Some("running"),
        done: u32::try_from(done.unwrap_or(0)).unwrap_or(0),
        total: u32::try_from(total).unwrap_or(0),
        done_checksum: done_checksum.unwrap_or_default(),
    })
}

/// A history row read by [`Driver::read_history`] from a table that has every column
/// (PostgreSQL and MySQL select them all, the progress ones `NULL` where absent).
#[cfg(any(feature = "postgres", feature = "mysql"))]
pub(crate) fn applied_row<'r, R>(r: &'r R) -> Result<AppliedRow, sqlx::Error>
where
    R: sqlx::Row,
    &'static str: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let progress = progress_of(
        r.try_get("state")?,
        r.try_get("statements_done")?,
        r.try_get("statements_total")?,
        r.try_get("done_checksum")?,
    );
    applied_row_with(r, progress)
}

/// A history row's columns other than the progress ones, read the same on every dialect;
/// `progress` is read by the caller (SQLite's tables of earlier versions lack its columns).
pub(crate) fn applied_row_with<'r, R>(
    r: &'r R,
    progress: Option<migrate_core::Progress>,
) -> Result<AppliedRow, sqlx::Error>
where
    R: sqlx::Row,
    &'static str: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(AppliedRow {
        version: version_of(r)?,
        name: r.try_get("name")?,
        checksum: r.try_get("checksum")?,
        applied_at: r.try_get("applied_at")?,
        execution_ms: r.try_get("execution_ms")?,
        success: r.try_get("success")?,
        error: r.try_get("error")?,
        applied_by: r.try_get("applied_by")?,
        backup: r.try_get("backup")?,
        progress,
    })
}

/// An error of taking the advisory (PostgreSQL) or named (MySQL) migration lock.
#[cfg(any(feature = "postgres", feature = "mysql"))]
pub(crate) fn lock_error(e: sqlx::Error) -> MigrateError {
    MigrateError::Database {
        context: "taking the migration lock".into(),
        source: Box::new(e),
    }
}

/// Maps a sqlx error of a statement into a [`DbError`].
pub(crate) fn db_error(e: sqlx::Error) -> DbError {
    db_error_ref(&e)
}

fn db_error_ref(e: &sqlx::Error) -> DbError {
    match e {
        sqlx::Error::Database(db) => {
            #[cfg(feature = "postgres")]
            if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
                let position = match pg.position() {
                    Some(sqlx::postgres::PgErrorPosition::Original(p)) => Some(p),
                    _ => None,
                };
                let mut message = pg.message().to_owned();
                if let Some(detail) = pg.detail() {
                    message.push_str(&format!(" ({detail})"));
                }
                return DbError {
                    message: format!("{message} [SQLSTATE {}]", pg.code()),
                    position,
                    lock_timeout: pg.code() == "55P03",
                };
            }
            #[cfg(feature = "mysql")]
            if let Some(my) = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
                return DbError {
                    message: format!("{} [error {}]", my.message(), my.number()),
                    position: None,
                    // ER_LOCK_WAIT_TIMEOUT (row locks and metadata locks alike)
                    lock_timeout: my.number() == 1205,
                };
            }
            DbError {
                message: db.message().to_owned(),
                position: None,
                // SQLITE_BUSY, SQLITE_LOCKED
                lock_timeout: matches!(db.code().as_deref(), Some("5" | "6")),
            }
        }
        _ => DbError {
            message: e.to_string(),
            position: None,
            lock_timeout: false,
        },
    }
}

/// The deploy lock's key, derived from the database and history table names so that two
/// projects with separate history tables in one database do not block each other
/// (PostgreSQL: the advisory lock's key; MySQL: in the `GET_LOCK` name).
/// FNV-1a 64-bit: stable across releases and platforms (never `DefaultHasher`).
#[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
fn lock_key(database: &str, table: &str) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in "cargo-migrate\0"
        .bytes()
        .chain(database.bytes())
        .chain([0])
        .chain(table.bytes())
    {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash as i64
}

/// The text of the `applied_by` column: this tool and its version.
pub fn applied_by(how: &str) -> String {
    format!("cargo-migrate {} ({how})", env!("CARGO_PKG_VERSION"))
}
