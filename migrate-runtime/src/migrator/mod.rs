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

use migrate_core::{
    AppliedRow, LoadOptions, Migration, StatusEntry, Version, VersionOrder, plan_deploy, status,
    version,
};

use crate::Driver;
use crate::driver::{LockKey, TableName};
use crate::{Event, MigrateError, Stop, event};

pub use migrate_core::DEFAULT_TABLE;
pub use verify::VerifyReport;

/// A set of migrations and the history table that records them.
#[derive(Debug, Clone)]
pub struct Migrator {
    migrations: Cow<'static, [Migration]>,
    table: Cow<'static, str>,
}

/// Options of [`Migrator::run_with`]: start from [`DeployOptions::new`] (or `default()`) and
/// set what differs, with the builder methods or by assigning the fields.
///
/// ```
/// use std::time::Duration;
/// use migrate_runtime::{DeployOptions, Version};
///
/// let target = Version::from(20260103000000);
/// let options = DeployOptions::new().to(&target).lock_retries(3);
/// assert_eq!(options.statement_lock_timeout, None);
/// let mut options = options;
/// options.statement_lock_timeout = Some(Duration::from_secs(5));
/// ```
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct DeployOptions<'a> {
    /// Apply pending migrations up to and including this version.
    pub to: Option<&'a Version>,
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
    pub resume: Option<&'a Version>,
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

/// Options of [`Migrator::revert_with`]: start from [`RevertOptions::new`] and set what
/// differs.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct RevertOptions<'a> {
    /// Keep this version applied and revert everything newer (`0`: revert all, see
    /// [`Version::is_zero`]). `None`: revert the newest applied migration only.
    pub to: Option<&'a Version>,
    /// How long to wait for another deployer's lock (PostgreSQL).
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

/// How a verb that writes history waits for the deploy lock (as deploy does): start from
/// [`LockOptions::new`] and set what differs.
#[derive(Clone, Copy)]
#[non_exhaustive]
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

/// Options of [`Migrator::baseline_with`]: start from [`BaselineOptions::new`] and set what
/// differs.
#[derive(Clone, Copy, Default)]
#[non_exhaustive]
pub struct BaselineOptions<'a> {
    /// Record even when the live schema differs from the schema of the migrations.
    pub force: bool,
    /// How to wait for the deploy lock.
    pub lock: LockOptions<'a>,
}

impl<'a> DeployOptions<'a> {
    /// The defaults: every pending migration, in order, waiting up to 60 s for the lock, no
    /// statement lock timeout, no retry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies pending migrations up to and including `version` only.
    pub fn to(mut self, version: &'a Version) -> Self {
        self.to = Some(version);
        self
    }

    /// Applies pending migrations older than the newest applied one too.
    pub fn allow_out_of_order(mut self, allow: bool) -> Self {
        self.allow_out_of_order = allow;
        self
    }

    /// How long to wait for another deployer's lock.
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// Recorded in the history rows' `backup` column.
    pub fn backup(mut self, backup: &'a str) -> Self {
        self.backup = Some(backup);
        self
    }

    /// Told about progress as it happens.
    pub fn observer(mut self, observer: &'a (dyn Fn(&Event<'_>) + Sync)) -> Self {
        self.observer = observer;
        self
    }

    /// Stops the run when triggered (see the field [`DeployOptions::stop`]).
    pub fn stop(mut self, stop: &'a Stop) -> Self {
        self.stop = Some(stop);
        self
    }

    /// Continues this failed no-transaction migration (see the field
    /// [`DeployOptions::resume`]).
    pub fn resume(mut self, version: &'a Version) -> Self {
        self.resume = Some(version);
        self
    }

    /// How long each migration statement may wait for a lock.
    pub fn statement_lock_timeout(mut self, timeout: Duration) -> Self {
        self.statement_lock_timeout = Some(timeout);
        self
    }

    /// How often a transactional migration that gave up waiting for a lock is retried.
    pub fn lock_retries(mut self, retries: u32) -> Self {
        self.lock_retries = retries;
        self
    }
}

impl<'a> RevertOptions<'a> {
    /// The defaults: revert the newest applied migration, waiting up to 60 s for the lock.
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps `version` applied and reverts everything newer (`0`: revert all).
    pub fn to(mut self, version: &'a Version) -> Self {
        self.to = Some(version);
        self
    }

    /// How long to wait for another deployer's lock.
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// Told about progress as it happens.
    pub fn observer(mut self, observer: &'a (dyn Fn(&Event<'_>) + Sync)) -> Self {
        self.observer = observer;
        self
    }

    /// Checks and lists what would be reverted, running and recording nothing.
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }
}

impl<'a> LockOptions<'a> {
    /// The defaults: wait up to 60 s, tell nobody.
    pub fn new() -> Self {
        Self::default()
    }

    /// How long to wait for another deployer's lock.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Told when the verb starts waiting.
    pub fn observer(mut self, observer: &'a (dyn Fn(&Event<'_>) + Sync)) -> Self {
        self.observer = observer;
        self
    }
}

impl<'a> BaselineOptions<'a> {
    /// The defaults: refuse on drift, wait for the lock as [`LockOptions::new`] does.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records even when the live schema differs from the schema of the migrations.
    pub fn force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }

    /// How to wait for the deploy lock.
    pub fn lock(mut self, lock: LockOptions<'a>) -> Self {
        self.lock = lock;
        self
    }
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Record the migration as applied (its SQL was run by hand).
    Applied {
        /// The migration's version.
        version: Version,
    },
    /// Forget the migration's history row (its changes were undone by hand).
    RolledBack {
        /// The migration's version.
        version: Version,
    },
    /// Accept the file's current checksum after a reviewed edit.
    Checksum {
        /// The migration's version.
        version: Version,
    },
}

impl Resolution {
    /// The version of the migration it resolves.
    pub fn version(&self) -> &Version {
        match self {
            Resolution::Applied { version }
            | Resolution::RolledBack { version }
            | Resolution::Checksum { version } => version,
        }
    }
}

/// What a deploy did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeployReport {
    /// Each migration applied, in order.
    pub applied: Vec<Applied>,
    /// Versions another deployer applied while this one waited.
    pub already_applied: Vec<Version>,
}

/// A migration a deploy applied.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Applied {
    /// Its version.
    pub version: Version,
    /// Its name (the file name's part after the version).
    pub name: String,
    /// How long it took, statements and history row together.
    pub elapsed: Duration,
}

/// What `adopt` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AdoptReport {
    /// Versions newly recorded in our history.
    pub recorded: Vec<Version>,
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
        let mut conn = acquire(conn).await?;
        self.run_with(&mut *conn, &DeployOptions::default()).await
    }

    /// The state of every migration.
    pub async fn status<'a, A>(&self, conn: A) -> Result<Vec<StatusEntry>, MigrateError>
    where
        A: sqlx::Acquire<'a>,
        <A::Database as sqlx::Database>::Connection: Driver,
    {
        let mut conn = acquire(conn).await?;
        self.status_with(&mut *conn).await
    }

    /// Reverts the newest applied migration.
    pub async fn revert<'a, A>(&self, conn: A) -> Result<Vec<Version>, MigrateError>
    where
        A: sqlx::Acquire<'a>,
        <A::Database as sqlx::Database>::Connection: Driver,
    {
        let mut conn = acquire(conn).await?;
        self.revert_with(&mut *conn, &RevertOptions::default())
            .await
    }

    /// The state of every migration; reads only (creates nothing).
    pub async fn status_with<D: Driver>(
        &self,
        conn: &mut D,
    ) -> Result<Vec<StatusEntry>, MigrateError> {
        let rows = self.read_rows(conn, &self.table_name()).await?;
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

    /// Which deploy lock the connection uses, why, and who holds it now (`None` on SQLite).
    pub async fn lock_state_with<D: Driver>(
        &self,
        conn: &mut D,
    ) -> Result<Option<crate::LockState>, MigrateError> {
        conn.lock_state(&self.table_name())
            .await
            .map_err(|e| database("reading the deploy lock", e))
    }

    /// The migrations a deploy would apply, in order (for `--dry-run`); reads only.
    pub async fn plan_with<D: Driver>(
        &self,
        conn: &mut D,
        to: Option<&Version>,
        allow_out_of_order: bool,
    ) -> Result<Vec<&Migration>, MigrateError> {
        let entries = self.status_with(conn).await?;
        let plan = plan_deploy(&entries, to, allow_out_of_order)?;
        Ok(plan.iter().filter_map(|v| self.find(v)).collect())
    }

    fn find(&self, version: &Version) -> Option<&Migration> {
        self.migrations.iter().find(|m| m.version == *version)
    }

    /// The version rule of these migrations: diesel's text or sqlx's integers (see
    /// [`migrate_core::version`]). A version typed by a user is read by it
    /// ([`Version::parse`]).
    pub fn version_order(&self) -> VersionOrder {
        version::order_of(self.migrations.iter().map(|m| &m.version))
    }

    /// History rows as read, their versions named by the rule of the files
    /// ([`version::as_recorded`]): a diesel project's table written by an earlier release
    /// holds integers.
    fn recorded(&self, mut rows: Vec<AppliedRow>) -> Vec<AppliedRow> {
        let order = self.version_order();
        for row in &mut rows {
            let read = std::mem::replace(&mut row.version, Version::Number(0));
            row.version =
                version::as_recorded(read, order, self.migrations.iter().map(|m| &m.version));
        }
        rows
    }

    /// Reads the history rows ([`Migrator::recorded`]); none when there is no table.
    async fn read_rows<D: Driver>(
        &self,
        conn: &mut D,
        table: &TableName,
    ) -> Result<Vec<AppliedRow>, MigrateError> {
        if !conn
            .history_exists(table)
            .await
            .map_err(|e| database("looking for the history table", e))?
        {
            return Ok(Vec::new());
        }
        let rows = conn
            .read_history(table)
            .await
            .map_err(|e| database("reading the history table", e))?;
        Ok(self.recorded(rows))
    }

    /// Creates the history table or brings it up to date (under the deploy lock), then reads
    /// its rows. A diesel project's table written by an earlier release (integer versions)
    /// gets a text `version` column, and its rows the text of the diesel version each stands
    /// for (`0` becomes `00000000000000`), so that they agree with diesel's row for row.
    async fn prepare_history<D: Driver>(
        &self,
        conn: &mut D,
        table: &TableName,
    ) -> Result<Vec<AppliedRow>, MigrateError> {
        let order = self.version_order();
        let renames: Vec<(i64, Version)> = if order == VersionOrder::Text {
            let raw = if conn
                .history_exists(table)
                .await
                .map_err(|e| database("looking for the history table", e))?
            {
                conn.read_history(table)
                    .await
                    .map_err(|e| database("reading the history table", e))?
            } else {
                Vec::new()
            };
            raw.into_iter()
                .filter_map(|r| match r.version {
                    Version::Number(n) => {
                        let text = version::as_recorded(
                            Version::Number(n),
                            order,
                            self.migrations.iter().map(|m| &m.version),
                        );
                        (text.to_string() != n.to_string()).then_some((n, text))
                    }
                    Version::Text(_) => None,
                })
                .collect()
        } else {
            Vec::new()
        };
        conn.create_history(table, order)
            .await
            .map_err(|e| database("creating the history table", e))?;
        for (old, new) in renames {
            // Both are ASCII digits (see `version::legacy_text_version`): safe as literals.
            let sql = format!(
                "UPDATE {} SET version = '{new}' WHERE version = '{old}'",
                table.quoted_in(conn.dialect())
            );
            conn.execute(&sql)
                .await
                .map_err(|e| MigrateError::Database {
                    context: "giving the history rows their diesel versions".into(),
                    source: Box::new(e),
                })?;
        }
        let rows = conn
            .read_history(table)
            .await
            .map_err(|e| database("reading the history table", e))?;
        Ok(self.recorded(rows))
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

/// A connection of a pool, a transaction or a connection (`sqlx::Acquire`).
async fn acquire<'a, A: sqlx::Acquire<'a>>(conn: A) -> Result<A::Connection, MigrateError> {
    conn.acquire()
        .await
        .map_err(|e| database("acquiring a connection", e))
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
