//! The errors of applying migrations. Each says what is wrong, where, and what to do next.

use std::time::Duration;

use migrate_core::{HistoryProblems, LineCol, SourceErrors, Version};

/// An error of a migration run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MigrateError {
    /// The migrations folder has problems.
    #[error(transparent)]
    Source {
        /// Every problem of the folder.
        #[from]
        errors: SourceErrors,
    },

    /// A migration cannot be replayed into a schema (`verify`, `diff`): the source lists the
    /// errors, each naming `path:line:col`.
    #[error("cannot replay the migrations")]
    Replay {
        /// Every statement that does not replay.
        #[from]
        errors: migrate_core::replay::ReplayErrors,
    },

    /// The database could not be reached. `source` says why (the driver's error, kept
    /// whole, with its text scrubbed of the URL's secrets); `hint` what to check next.
    #[error("cannot connect to {url}")]
    Connect {
        /// The URL with its password replaced by `***`.
        url: String,
        /// What to check next ("check the URL, the credentials and that the database exists").
        hint: String,
        /// How long connecting was retried before giving up, when the server never answered.
        gave_up_after: Option<Duration>,
        /// Why connecting failed, scrubbed of the URL's secrets.
        #[source]
        source: ConnectCause,
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
    History {
        /// Each migration whose history is wrong.
        #[from]
        problems: HistoryProblems,
    },

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
        version: Version,
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
        version: Option<Version>,
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
        version: Version,
        /// Each difference, one line.
        differences: Vec<String>,
    },

    /// A resume of a migration that cannot be resumed.
    #[error("cannot resume migration {version}: {why}")]
    CannotResume {
        /// The migration's version.
        version: Version,
        /// Why not.
        why: String,
    },

    /// Reverting needs down files that do not exist.
    #[error(
        "cannot revert: no down file for {}.\n  Nothing was reverted. Write the missing `<version>_<name>.down.sql` file(s) first",
        list_versions(missing)
    )]
    NoDownFile {
        /// The migrations without a down file.
        missing: Vec<MissingDown>,
    },

    /// A version given on the command line matches no migration file.
    #[error("no migration has version {version}")]
    UnknownVersion {
        /// The migration's version.
        version: Version,
    },

    /// `resolve --applied` of a migration already recorded as applied.
    #[error("migration {version} is already recorded as applied: nothing to do")]
    AlreadyApplied {
        /// The migration's version.
        version: Version,
    },

    /// `resolve --rolled-back`/`--checksum` of a migration the history does not have.
    #[error("migration {version} is not recorded in the history table: nothing to resolve")]
    NotRecorded {
        /// The migration's version.
        version: Version,
    },

    /// Another tool's history disagrees with the files.
    #[error(transparent)]
    Adopt {
        /// Each disagreement.
        #[from]
        problems: migrate_core::adopt::AdoptProblems,
    },

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
    Url {
        /// What is wrong with it.
        #[from]
        error: crate::url::UrlError,
    },

    /// The URL names a database kind this build does not support.
    #[error("unsupported database URL {url}: {reason}")]
    Unsupported {
        /// The URL, without its password.
        url: String,
        /// Why not.
        reason: String,
    },
}

/// Why connecting failed: the driver's error when there is one (see [`ConnectCause::driver`]),
/// shown as a text scrubbed of the URL's secrets.
///
/// The driver's error is not in the `source()` chain: sqlx's texts can echo parts of the URL
/// (`unknown value "…" for sslmode`, a socket path), so the chain shows only the scrubbed
/// text and a password never reaches output that prints the chain.
#[derive(Debug)]
pub struct ConnectCause {
    text: String,
    driver: Option<Box<sqlx::Error>>,
}

impl ConnectCause {
    /// A cause with a driver error; `text` must already be scrubbed.
    pub(crate) fn new(text: String, driver: Option<sqlx::Error>) -> ConnectCause {
        ConnectCause {
            text,
            driver: driver.map(Box::new),
        }
    }

    /// The driver's error, to match on its kind (I/O, database code, TLS, configuration).
    /// Its `Display` may contain parts of the URL: print the [`ConnectCause`] instead.
    pub fn driver(&self) -> Option<&sqlx::Error> {
        self.driver.as_deref()
    }
}

impl std::fmt::Display for ConnectCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for ConnectCause {}

/// A migration [`MigrateError::NoDownFile`] cannot revert: it has no down file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MissingDown {
    /// Its version.
    pub version: Version,
    /// Its name (the file name's part after the version).
    pub name: String,
}

fn list_versions(v: &[MissingDown]) -> String {
    v.iter()
        .map(|m| format!("{} ({})", m.version, m.name))
        .collect::<Vec<_>>()
        .join(", ")
}

impl MigrateError {
    /// The documented exit code of the CLI for this error: 4 for history problems, 2 for a
    /// string that is not a database URL, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            MigrateError::History { .. }
            | MigrateError::Adopt { .. }
            | MigrateError::CannotResume { .. }
            | MigrateError::BaselineDrift { .. } => 4,
            MigrateError::Url { .. } => 2,
            _ => 1,
        }
    }
}
