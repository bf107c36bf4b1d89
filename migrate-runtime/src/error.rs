//! The errors of applying migrations. Each says what is wrong, where, and what to do next.

use std::time::Duration;

use migrate_core::{HistoryProblems, LineCol, SourceErrors};

/// An error of a migration run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MigrateError {
    /// The migrations folder has problems.
    #[error(transparent)]
    Source(#[from] SourceErrors),

    /// A migration cannot be replayed into a schema (`verify`, `diff`): each error names
    /// `path:line:col`.
    #[error("cannot replay the migrations:\n{0}")]
    Replay(#[from] migrate_core::replay::ReplayErrors),

    /// The database could not be reached.
    #[error("cannot connect to {url}: {message}\n  {hint}")]
    Connect {
        /// The URL, without its password.
        url: String,
        /// What went wrong.
        message: String,
        /// What to check next.
        hint: String,
    },

    /// A query of cargo-migrate's own failed (history table, lock); `source` is the driver's
    /// error.
    #[error("{context}")]
    Database {
        /// What was being done.
        context: String,
        #[source]
        /// The driver's error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// Another deployer held the lock for longer than the lock timeout.
    #[error(
        "timed out after {}s waiting for the migration lock: another deploy is running or stuck.\n  \
         Wait for it, or find the holder: {holder_hint}",
        waited.as_secs()
    )]
    LockTimeout {
        /// How long it waited.
        waited: Duration,
        /// How to find the lock's holder.
        holder_hint: String,
    },

    /// Applied migrations changed, went missing, failed part-way, or pending ones are out of order.
    #[error(transparent)]
    History(#[from] HistoryProblems),

    /// A migration's SQL failed.
    #[error(
        "{path}:{at}: migration {version} ({name}) failed: {message}\n  {}",
        if *rolled_back {
            "Nothing of it took effect (its transaction was rolled back)."
        } else {
            "It ran without a transaction, so the statements before this one stay applied; it is recorded as failed."
        }
    )]
    Failed {
        /// The migration's version.
        version: i64,
        /// The migration's name.
        name: String,
        /// The migration's file.
        path: String,
        /// Where in the file the failing statement starts.
        at: LineCol,
        /// The database's message.
        message: String,
        /// Whether the migration was rolled back (transactional) or stopped part-way (no-transaction).
        rolled_back: bool,
    },

    /// The run was asked to stop (the CLI: SIGINT or SIGTERM) and stopped; `summary` says
    /// which migration was running and exactly which of its statements are done.
    #[error("{summary}")]
    Interrupted {
        /// Why it stopped (`SIGINT`).
        reason: String,
        /// The migration that was running, if one was.
        version: Option<i64>,
        /// Whether its history row records it as failed part-way (a no-transaction migration).
        recorded: bool,
        /// The history problems, one per line.
        summary: String,
    },

    /// `baseline` found a live schema that differs from the schema of the migrations it
    /// would mark applied.
    #[error(
        "refusing to baseline at {version}: the database's schema differs from the schema the migrations up to {version} produce:\n{}\n  Nothing was recorded. Baseline at the version the database really has, or apply the missing changes first",
        differences.iter().map(|d| format!("  - {d}")).collect::<Vec<_>>().join("\n")
    )]
    BaselineDrift {
        /// The version given.
        version: i64,
        /// Each difference, one line.
        differences: Vec<String>,
    },

    /// A resume of a migration that cannot be resumed.
    #[error("cannot resume migration {version}: {why}")]
    CannotResume {
        /// The migration's version.
        version: i64,
        /// Why not.
        why: String,
    },

    /// Reverting needs down files that do not exist.
    #[error(
        "cannot revert: no down file for {}.\n  Nothing was reverted. Write the missing `<version>_<name>.down.sql` file(s) first",
        list_versions(missing)
    )]
    NoDownFile {
        /// The migrations without a down file: version and name.
        missing: Vec<(i64, String)>,
    },

    /// A version given on the command line matches no migration file.
    #[error("no migration has version {version}: run `cargo migrate status` to list them")]
    UnknownVersion {
        /// The migration's version.
        version: i64,
    },

    /// `resolve --applied` of a migration already recorded as applied.
    #[error("migration {version} is already recorded as applied: nothing to do")]
    AlreadyApplied {
        /// The migration's version.
        version: i64,
    },

    /// `resolve --rolled-back`/`--checksum` of a migration the history does not have.
    #[error(
        "migration {version} is not recorded in the history table: nothing to resolve (run `cargo migrate status`)"
    )]
    NotRecorded {
        /// The migration's version.
        version: i64,
    },

    /// Another tool's history disagrees with the files.
    #[error(transparent)]
    Adopt(#[from] migrate_core::adopt::AdoptProblems),

    /// `adopt` found no history table of that tool.
    #[error(
        "there is no table {table} in this database: nothing to adopt (is this the right database?)"
    )]
    NothingToAdopt {
        /// The table that was looked for.
        table: String,
    },

    /// The URL's database kind differs from the configured dialect.
    #[error(
        "the database URL is {url_dialect}, but the migrations are written for {configured}: use a {configured} URL or change `dialect` in [package.metadata.migrate]"
    )]
    DialectMismatch {
        /// The configured dialect.
        configured: String,
        /// The URL's dialect.
        url_dialect: String,
    },

    /// The string is not a database URL (empty, libpq key/value form, unknown scheme, …).
    #[error(transparent)]
    Url(#[from] crate::url::UrlError),

    /// The URL names a database kind this build does not support.
    #[error("unsupported database URL {url}: {reason}")]
    Unsupported {
        /// The URL, without its password.
        url: String,
        /// Why not.
        reason: String,
    },
}

fn list_versions(v: &[(i64, String)]) -> String {
    v.iter()
        .map(|(version, name)| format!("{version} ({name})"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl MigrateError {
    /// The documented exit code of the CLI for this error: 4 for history problems, 2 for a
    /// string that is not a database URL, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            MigrateError::History(_)
            | MigrateError::Adopt(_)
            | MigrateError::CannotResume { .. }
            | MigrateError::BaselineDrift { .. } => 4,
            MigrateError::Url(_) => 2,
            _ => 1,
        }
    }
}
