//! `Migrator`: the one apply loop, shared by applications and the CLI.

mod apply;
mod history;
pub(crate) mod progress;
mod revert;
mod verify;
mod watch;

use std::borrow::Cow;
use std::path::Path;
use std::time::{Duration, Instant};

use migrate_core::{LoadOptions, Migration, StatusEntry, plan_deploy, status};

use crate::driver::{Driver, LockKey, TableName};
use crate::{Event, MigrateError, Stop, event};

pub use migrate_core::DEFAULT_TABLE;
pub use verify::VerifyReport;

/// A set of migrations and the history table that records them.
#[derive(Debug, Clone)]
pub struct Migrator {
    migrations: Cow<'static, [Migration]>,
    table: Cow<'static, str>,
}

/// Options of [`Migrator::run_with`].
#[derive(Clone, Copy)]
pub struct DeployOptions<'a> {
    /// Apply pending migrations up to and including this version.
    pub to: Option<i64>,
    /// Apply pending migrations older than the newest applied one too.
    pub allow_out_of_order: bool,
    /// How long to wait for another deployer's lock (PostgreSQL).
    pub lock_timeout: Duration,
    /// Recorded in the history rows' `backup` column.
    pub backup: Option<&'a str>,
    /// Told about progress as it happens.
    pub observer: &'a (dyn Fn(&Event<'_>) + Sync),
    /// Stops the run when triggered: the running statement is cancelled (PostgreSQL: from
    /// the second connection of [`Migrator::run_watched`]; SQLite: in-process), a
    /// transactional migration rolls back, a no-transaction one records its statements done.
    pub stop: Option<&'a Stop>,
    /// Continue this failed no-transaction migration at its first statement not done (its
    /// done statements' text must be unchanged), then apply the pending ones.
    pub resume: Option<i64>,
    /// How long each migration statement may wait for a lock (PostgreSQL `lock_timeout`,
    /// SQLite busy timeout); `None`: no limit.
    pub statement_lock_timeout: Option<Duration>,
    /// How often a transactional migration that failed on that timeout is retried (after
    /// 1 s, 2 s, 4 s, … up to 30 s).
    pub lock_retries: u32,
}

impl Default for DeployOptions<'_> {
    fn default() -> Self {
        DeployOptions {
            to: None,
            allow_out_of_order: false,
            lock_timeout: Duration::from_secs(60),
            backup: None,
            observer: &event::ignore,
            stop: None,
            resume: None,
            statement_lock_timeout: None,
            lock_retries: 0,
        }
    }
}

/// Options of [`Migrator::revert_with`].
#[derive(Clone, Copy)]
pub struct RevertOptions<'a> {
    /// Keep this version applied and revert everything newer (`0`: revert all). `None`:
    /// revert the newest applied migration only.
    pub to: Option<i64>,
    /// How long to wait for another deployer's lock.
    pub lock_timeout: Duration,
    /// Told about progress as it happens.
    pub observer: &'a (dyn Fn(&Event<'_>) + Sync),
    /// Check everything a revert checks (history, down files, their text) and return the
    /// versions it would revert, newest first, without running or recording anything.
    pub dry_run: bool,
}

impl Default for RevertOptions<'_> {
    fn default() -> Self {
        RevertOptions {
            to: None,
            dry_run: false,
            lock_timeout: Duration::from_secs(60),
            observer: &event::ignore,
        }
    }
}

/// How a verb that writes history waits for the deploy lock (as deploy does).
#[derive(Clone, Copy)]
pub struct LockOptions<'a> {
    /// How long to wait for another deployer's lock (PostgreSQL).
    pub timeout: Duration,
    /// Told when the verb starts waiting ([`Event::WaitingForLock`]).
    pub observer: &'a (dyn Fn(&Event<'_>) + Sync),
}

impl Default for LockOptions<'_> {
    fn default() -> Self {
        LockOptions {
            timeout: Duration::from_secs(60),
            observer: &event::ignore,
        }
    }
}

/// Options of [`Migrator::baseline_with`].
#[derive(Clone, Copy, Default)]
pub struct BaselineOptions<'a> {
    /// Record even when the live schema differs from the schema of the migrations.
    pub force: bool,
    /// How to take the migration lock.
    pub lock: LockOptions<'a>,
}

/// What [`Migrator::resolve_with`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    /// The history table was changed.
    Recorded,
    /// The history already said so: nothing was changed.
    NothingToChange,
}

/// A manual fix recorded without running SQL (`cargo migrate resolve`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Record the migration as applied (its SQL was run by hand).
    Applied(i64),
    /// Forget the migration's history row (its changes were undone by hand).
    RolledBack(i64),
    /// Accept the file's current checksum after a reviewed edit.
    Checksum(i64),
}

/// What a deploy did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeployReport {
    /// `(version, name, milliseconds)` of each migration applied, in order.
    pub applied: Vec<(i64, String, u64)>,
    /// Versions another deployer applied while this one waited.
    pub already_applied: Vec<i64>,
}

/// What `adopt` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdoptReport {
    /// Versions newly recorded in our history.
    pub recorded: Vec<i64>,
    /// Versions our history already had.
    pub already_recorded: usize,
}

impl Migrator {
    /// A migrator over migrations built at compile time (`embed_migrations!`).
    pub const fn from_static(migrations: &'static [Migration], table: &'static str) -> Migrator {
        Migrator {
            migrations: Cow::Borrowed(migrations),
            table: Cow::Borrowed(table),
        }
    }

    /// A migrator over migrations read at run time.
    pub fn new(migrations: Vec<Migration>) -> Migrator {
        Migrator {
            migrations: Cow::Owned(migrations),
            table: Cow::Borrowed(DEFAULT_TABLE),
        }
    }

    /// Reads the migrations of a folder (see [`migrate_core::load`]).
    pub fn from_dir(dir: &Path, options: &LoadOptions) -> Result<Migrator, MigrateError> {
        Ok(Migrator::new(migrate_core::load(dir, options)?))
    }

    /// Uses another history table (optionally `schema.table`).
    pub fn with_table(mut self, table: impl Into<String>) -> Migrator {
        self.table = Cow::Owned(table.into());
        self
    }

    /// The migrations, in version order.
    pub fn migrations(&self) -> &[Migration] {
        &self.migrations
    }

    /// The history table's name.
    pub fn table(&self) -> &str {
        &self.table
    }

    fn table_name(&self) -> TableName {
        TableName::parse(&self.table)
    }

    /// Applies every pending migration, each in its own transaction with its history row.
    pub async fn run<'a, A>(&self, conn: A) -> Result<DeployReport, MigrateError>
    where
        A: sqlx::Acquire<'a>,
        <A::Database as sqlx::Database>::Connection: Driver,
    {
        let mut conn = conn
            .acquire()
            .await
            .map_err(|e| database("acquiring a connection", e))?;
        self.run_with(&mut *conn, &DeployOptions::default()).await
    }

    /// The state of every migration.
    pub async fn status<'a, A>(&self, conn: A) -> Result<Vec<StatusEntry>, MigrateError>
    where
        A: sqlx::Acquire<'a>,
        <A::Database as sqlx::Database>::Connection: Driver,
    {
        let mut conn = conn
            .acquire()
            .await
            .map_err(|e| database("acquiring a connection", e))?;
        self.status_with(&mut *conn).await
    }

    /// Reverts the newest applied migration.
    pub async fn revert<'a, A>(&self, conn: A) -> Result<Vec<i64>, MigrateError>
    where
        A: sqlx::Acquire<'a>,
        <A::Database as sqlx::Database>::Connection: Driver,
    {
        let mut conn = conn
            .acquire()
            .await
            .map_err(|e| database("acquiring a connection", e))?;
        self.revert_with(&mut *conn, &RevertOptions::default())
            .await
    }

    /// The state of every migration; reads only (creates nothing).
    pub async fn status_with<D: Driver>(
        &self,
        conn: &mut D,
    ) -> Result<Vec<StatusEntry>, MigrateError> {
        let rows = read_rows(conn, &self.table_name()).await?;
        Ok(status(&self.migrations, &rows))
    }

    /// Whether a deployer holds the deploy lock now (PostgreSQL; always `false` on SQLite,
    /// which has no session lock): a `running` history row without one was interrupted.
    pub async fn deploy_in_progress_with<D: Driver>(
        &self,
        conn: &mut D,
    ) -> Result<bool, MigrateError> {
        conn.lock_is_held(&self.table_name())
            .await
            .map_err(|e| database("looking for a deployer holding the lock", e))
    }

    /// The migrations a deploy would apply, in order (for `--dry-run`); reads only.
    pub async fn plan_with<D: Driver>(
        &self,
        conn: &mut D,
        to: Option<i64>,
        allow_out_of_order: bool,
    ) -> Result<Vec<&Migration>, MigrateError> {
        let entries = self.status_with(conn).await?;
        let plan = plan_deploy(&entries, to, allow_out_of_order)?;
        Ok(plan.iter().filter_map(|v| self.find(*v)).collect())
    }

    fn find(&self, version: i64) -> Option<&Migration> {
        self.migrations.iter().find(|m| m.version == version)
    }

    /// Drops every object in the database (development only), under the deploy lock.
    pub async fn reset_with<D: Driver>(
        &self,
        conn: &mut D,
        lock: &LockOptions<'_>,
    ) -> Result<(), MigrateError> {
        let table = self.table_name();
        let key = conn.lock(&table, lock.timeout, lock.observer).await?;
        let result = conn
            .drop_everything()
            .await
            .map_err(|e| database("dropping the database's objects", e));
        release(conn, key, result).await
    }
}

async fn read_rows<D: Driver>(
    conn: &mut D,
    table: &TableName,
) -> Result<Vec<migrate_core::AppliedRow>, MigrateError> {
    if !conn
        .history_exists(table)
        .await
        .map_err(|e| database("looking for the history table", e))?
    {
        return Ok(Vec::new());
    }
    conn.read_history(table)
        .await
        .map_err(|e| database("reading the history table", e))
}

/// Releases the lock, keeping the first error.
async fn release<D: Driver, T>(
    conn: &mut D,
    key: LockKey,
    result: Result<T, MigrateError>,
) -> Result<T, MigrateError> {
    let unlocked = conn.unlock(key).await;
    let value = result?;
    unlocked.map_err(|e| database("releasing the migration lock", e))?;
    Ok(value)
}

fn elapsed_ms(started: Instant) -> u64 {
    started.elapsed().as_millis() as u64
}

fn database(context: &str, e: sqlx::Error) -> MigrateError {
    MigrateError::Database {
        context: context.to_owned(),
        source: Box::new(e),
    }
}
