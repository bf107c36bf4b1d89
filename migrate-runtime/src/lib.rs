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
pub mod introspect;
mod migrator;
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
            dialect_of, is_ephemeral_sqlite, percent_decode, redact_url, scrub, secrets_of,
            split_password, sqlite_path, sqlite_relative_to, with_database,
        };
    }
}
