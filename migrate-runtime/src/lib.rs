//! Apply cargo-migrate migrations safely over sqlx: locking, one transaction per migration
//! with its history row, checksums, and refusal on a changed or missing applied migration.
//!
//! ```no_run
//! # async fn demo(pool: sqlx::SqlitePool) -> Result<(), migrate_runtime::MigrateError> {
//! use migrate_runtime::{Dialect, LoadOptions, Migrator};
//!
//! let migrator = Migrator::from_dir("migrations".as_ref(), &LoadOptions::new(Dialect::Sqlite))?;
//! let report = migrator.run(&pool).await?;
//! println!("applied {} migration(s)", report.applied.len());
//! # Ok(()) }
//! ```

#[cfg(not(any(feature = "sqlite", feature = "postgres")))]
compile_error!("enable at least one of the `sqlite` and `postgres` features of migrate-runtime");

mod check;
mod column_types;
mod connection;
mod driver;
mod error;
mod event;
mod introspect;
mod migrator;
#[cfg(feature = "sqlx-migrate")]
mod sqlx_migrator;
mod stop;
mod url;

pub use check::{ColumnType, DbEnum, Kind, Table};
pub use connection::Driver;
pub use driver::{AnyConnection, Blocker, ConnectOptions, DbError};
pub use error::{ConnectCause, MigrateError};
pub use event::Event;
pub use introspect::{Introspect, introspect};
pub use migrate_core::adopt::{AdoptProblem, AdoptProblems, Tool};
pub use migrate_core::replay::ReplayErrors;
pub use migrate_core::{
    AppliedRow, Checksum, Dialect, HistoryProblems, LineCol, LoadOptions, Migration,
    MigrationState, Progress, Script, SourceError, SourceErrors, StatusEntry,
};
pub use migrate_macros::{DbEnum, Table, embed_migrations};
pub use migrator::{
    AdoptReport, Applied, BaselineOptions, DEFAULT_TABLE, DeployOptions, DeployReport, LockOptions,
    Migrator, Resolution, Resolved, RevertOptions, VerifyReport,
};
pub use stop::Stop;
pub use url::UrlError;

/// The schema model: what [`introspect()`] reads from a live database and what replaying the
/// migrations produces ([`VerifyReport::expected`] and [`VerifyReport::actual`]), the same
/// types on both sides so they compare field by field.
pub mod schema {
    pub use migrate_core::schema::{
        Check, Column, Domain, Dropped, DroppedColumn, EnumType, ForeignKey, Generated, Identity,
        Index, IndexKey, Label, Name, Origin, Schema, Table, Unique, View,
    };
}

/// How a live schema differs from the schema its migrations produce
/// ([`VerifyReport::differences`]).
pub mod diff {
    pub use migrate_core::diff::Difference;
}

/// Not public API: used by the code `embed_migrations!` generates, and by the `cargo migrate`
/// binary (URL plumbing, error rendering). No semver promise: it changes with any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::check::{all_within, kind_in};
    pub use crate::driver::describe_cause;
    pub use migrate_core;
    pub use std::borrow::Cow;

    /// Database URLs: dialect, redaction, SQLite paths.
    pub mod url {
        pub use crate::url::{
            dialect_of, is_ephemeral_sqlite, redact_url, scrub, secrets_of, split_password,
            sqlite_path, sqlite_relative_to, with_database,
        };
    }
}
