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
pub mod driver;
mod error;
mod event;
pub mod introspect;
mod migrator;
#[cfg(feature = "sqlx-migrate")]
mod sqlx_migrator;
mod stop;
pub mod url;

pub use check::{ColumnType, DbEnum, Kind, Table};
pub use driver::{AnyConnection, ConnectOptions, Driver, describe_cause};
pub use error::{ConnectCause, MigrateError};
pub use event::Event;
pub use introspect::{Introspect, introspect};
pub use migrate_core::adopt::Tool;
pub use migrate_core::{
    AppliedRow, Checksum, Dialect, LoadOptions, Migration, MigrationState, Progress, Script,
    SourceError, SourceErrors, StatusEntry,
};
pub use migrate_macros::{DbEnum, Table, embed_migrations};
pub use migrator::{
    AdoptReport, BaselineOptions, DEFAULT_TABLE, DeployOptions, DeployReport, LockOptions,
    Migrator, Resolution, Resolved, RevertOptions, VerifyReport,
};
pub use stop::Stop;

/// Not public API: used by the code `embed_migrations!` generates.
#[doc(hidden)]
pub mod __private {
    pub use crate::check::{all_within, kind_in};
    pub use migrate_core;
    pub use std::borrow::Cow;
}
