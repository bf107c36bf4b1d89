#![doc = include_str!("../GUIDE.md")]
#![warn(missing_docs)]

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
pub use error::MigrateError;
pub use event::Event;
pub use introspect::{Introspect, introspect};
pub use migrate_core::adopt::Tool;
pub use migrate_core::{
    AppliedRow, Checksum, Dialect, LoadOptions, Migration, MigrationState, Progress, Script,
    SourceError, SourceErrors, StatusEntry,
};
/// Checks an enum against its enum type or `CHECK` list at build time.
///
/// ```
/// #[derive(sqlx::Type, migrate_runtime::DbEnum)]
/// #[sqlx(rename_all = "snake_case")]
/// #[migrate(check = "tasks.status")]
/// enum TaskStatus { Todo, InProgress, Done }
/// ```
pub use migrate_macros::DbEnum;
/// Checks a struct against its table at build time.
///
/// ```
/// #[derive(sqlx::FromRow, migrate_runtime::Table)]
/// #[migrate(table = "users")]
/// struct User { id: i64, email: String, name: Option<String> }
/// ```
pub use migrate_macros::Table;
/// Embeds the migrations folder in the binary.
///
/// ```
/// use migrate_runtime::{Migrator, embed_migrations};
///
/// static MIGRATOR: Migrator = embed_migrations!();
/// static SAME: Migrator = embed_migrations!("tests/fixtures/guide");
/// assert_eq!(MIGRATOR.migrations(), SAME.migrations());
/// ```
pub use migrate_macros::embed_migrations;
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
