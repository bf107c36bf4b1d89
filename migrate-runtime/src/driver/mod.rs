//! The few database operations the apply loop needs, one implementation per backend.
//!
//! Everything else (planning, ordering, checks, history rules) is written once, in
//! the migrator ([`crate::Migrator`]), over this trait.

mod any;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;
#[cfg(feature = "postgres")]
mod tls;

use std::time::Duration;

use migrate_core::adopt::{ForeignRow, Tool};
use migrate_core::{AppliedRow, Dialect};

use crate::{Event, MigrateError, Stop};

pub use any::{AnyConnection, ConnectOptions};

/// A database error of a migration statement: the server's message and, when it gives one,
/// the character position in the statement (1-based).
#[derive(Debug, Clone)]
pub struct DbError {
    /// The database's message.
    pub message: String,
    /// The error's position in the statement (PostgreSQL), in characters from 1.
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
    pub version: i64,
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
        version: i64,
    },
    /// Statement `done` finished: the row counts it.
    Step {
        /// The migration's version.
        version: i64,
        /// How many statements are done.
        done: u32,
        /// The checksum of the done statements' text.
        done_checksum: &'a str,
    },
    /// The run ended: applied, or failed (with the error) at the recorded count.
    Finish {
        /// The migration's version.
        version: i64,
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

impl ProgressUpdate<'_> {
    /// The statement with `$n` placeholders (SQLite reads them as `?n`).
    fn sql(&self, table: &TableName, placeholder: char) -> String {
        let t = table.quoted();
        let sql = match self {
            ProgressUpdate::Start { .. } => format!(
                "INSERT INTO {t} (version, name, checksum, execution_ms, success, error, applied_by, backup, \
                 state, statements_done, statements_total, done_checksum) \
                 VALUES ($1, $2, $3, 0, FALSE, NULL, $4, $5, 'running', 0, $6, $7)"
            ),
            ProgressUpdate::Restart { .. } => {
                format!("UPDATE {t} SET state = 'running', error = NULL WHERE version = $1")
            }
            ProgressUpdate::Step { .. } => format!(
                "UPDATE {t} SET statements_done = $2, done_checksum = $3 WHERE version = $1"
            ),
            ProgressUpdate::Finish { .. } => format!(
                "UPDATE {t} SET success = $2, state = CASE WHEN $2 THEN NULL ELSE 'failed' END, \
                 error = $3, execution_ms = $4, checksum = $5 WHERE version = $1"
            ),
        };
        sql.replace('$', &placeholder.to_string())
    }
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
pub struct Blocker {
    /// The session's process id.
    pub pid: i64,
    /// Its `application_name`.
    pub application_name: String,
    /// Its state (`active`, `idle in transaction`, …).
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

/// One connection that migrations run on. Implemented for `PgConnection`, `SqliteConnection`
/// and [`AnyConnection`]; not meant to be implemented outside this crate.
#[doc(hidden)]
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
    async fn create_history(&mut self, table: &TableName) -> Result<(), sqlx::Error>;
    async fn read_history(&mut self, table: &TableName) -> Result<Vec<AppliedRow>, sqlx::Error>;
    async fn is_recorded(&mut self, table: &TableName, version: i64) -> Result<bool, sqlx::Error>;
    async fn insert_row(&mut self, table: &TableName, row: &NewRow<'_>) -> Result<(), sqlx::Error>;
    async fn delete_row(&mut self, table: &TableName, version: i64) -> Result<(), sqlx::Error>;
    async fn set_checksum(
        &mut self,
        table: &TableName,
        version: i64,
        checksum: &str,
    ) -> Result<(), sqlx::Error>;

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
    ) -> Result<(), sqlx::Error>;

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

/// The text of the `applied_by` column: this tool and its version.
pub fn applied_by(how: &str) -> String {
    format!("cargo-migrate {} ({how})", env!("CARGO_PKG_VERSION"))
}
