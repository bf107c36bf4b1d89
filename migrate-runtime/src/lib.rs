#![doc = include_str!("../GUIDE.md")]
#![warn(missing_docs)]

#[cfg(not(any(feature = "sqlite", feature = "postgres", feature = "mysql")))]
compile_error!(
    "enable at least one of the `sqlite`, `postgres` and `mysql` features of migrate-runtime"
);

mod check;
mod column_types;
mod connection;
mod driver;
mod error;
mod event;
mod introspect;
mod migrator;
mod query_args;
mod query_enum_args;
#[cfg(feature = "sqlx-migrate")]
mod sqlx_migrator;
mod stop;
mod url;

pub use check::{ColumnType, DbEnum, Kind, Table};
pub use connection::Driver;
#[cfg(feature = "postgres")]
pub use driver::SessionlessPg;
pub use driver::{
    AnyConnection, Blocker, ConnectOptions, DEFAULT_LEASE, DbError, LockKind, LockMode, LockState,
};
pub use error::{ConnectCause, MigrateError, MissingDown};
pub use event::Event;
pub use introspect::{Introspect, introspect};
pub use migrate_core::adopt::{AdoptProblem, AdoptProblems, Tool};
pub use migrate_core::replay::{ReplayError, ReplayErrors, WayOut};
pub use migrate_core::{
    AppliedRow, Checksum, Dialect, HistoryProblems, LineCol, LoadOptions, Migration,
    MigrationState, Progress, Script, SourceError, SourceErrors, StatusEntry, Version,
    VersionOrder,
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
/// Checks a query against the schema the migrations produce, at build time, with no
/// database: the result is sqlx's query, mapped to a record with a typed field per column.
///
/// ```
/// # async fn run(db: &sqlx::SqlitePool) -> Result<(), sqlx::Error> {
/// let user = migrate_runtime::query!("SELECT id, email, name FROM users WHERE id = ?", 1_i64)
///     .fetch_one(db)
///     .await?;
/// let (id, email, name): (i64, String, Option<String>) = (user.id, user.email, user.name);
/// # Ok(()) }
/// ```
pub use migrate_macros::query;
/// As [`query!`], into a struct of yours, field by column name.
///
/// ```
/// struct Task { id: i64, title: String }
/// # async fn run(db: &sqlx::SqlitePool) -> Result<(), sqlx::Error> {
/// let tasks: Vec<Task> = migrate_runtime::query_as!(Task, "SELECT id, title FROM tasks")
///     .fetch_all(db)
///     .await?;
/// # Ok(()) }
/// ```
pub use migrate_macros::query_as;
/// As [`query!`], for a query of one column: its value.
///
/// ```
/// # async fn run(db: &sqlx::SqlitePool) -> Result<(), sqlx::Error> {
/// let count: i64 = migrate_runtime::query_scalar!("SELECT count(*) FROM tasks")
///     .fetch_one(db)
///     .await?;
/// # Ok(()) }
/// ```
pub use migrate_macros::query_scalar;
/// As [`query!`], [`query_as!`] and [`query_scalar!`], with the query read from a file
/// (relative to the package's `Cargo.toml`).
pub use migrate_macros::{query_file, query_file_as, query_file_scalar};
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
    pub use crate::query_args::{Arg, arg, sqlite, types};
    pub use crate::query_enum_args::{Ch, End, EnumArg, OfSqlEnum, enum_arg};
    pub use migrate_core;
    pub use sqlx;
    pub use std::borrow::Cow;

    /// Database URLs: dialect, redaction, SQLite paths.
    pub mod url {
        pub use crate::url::{
            dialect_of, is_ephemeral_sqlite, percent_decode, redact_url, scrub, secrets_of,
            split_password, sqlite_path, sqlite_relative_to, with_database,
        };
    }
}
