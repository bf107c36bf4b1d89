//! The pure logic of cargo-migrate: migration files and their layouts, the statement
//! splitter, checksums and migration states. No I/O beyond reading the migrations folder,
//! no async, no database: this crate runs inside every user's `cargo build`.
//!
//! The folders follow what the code is about:
//! - [`files`]: the migrations folder (layouts, loading, splitting, checksums, `migrate.sum`);
//! - [`history`]: states and deploy plans from files and history rows, adopting other tools;
//! - [`schema`], [`replay`], [`diff`], [`compat`]: the schema model, the replay that builds it
//!   from the migrations, the comparison of two models, and which Rust types read which SQL
//!   types;
//! - [`config`], [`dialect`](Dialect): configuration and shared small pieces.

#![warn(missing_docs)]

pub mod compat;
pub mod config;
mod dialect;
pub mod diff;
pub mod files;
pub mod history;
pub mod lint;
pub mod query;
pub mod replay;
pub mod schema;
pub mod suggest;

pub use config::{DEFAULT_TABLE, LintConfig, PackageConfig, Severity};
pub use dialect::{Dialect, UnknownDialect};
pub use files::checksum::{BadChecksum, Checksum};
pub use files::error::{SourceError, SourceErrors};
pub use files::migration::{
    DIRECTIVES, LATE_DIRECTIVES_IGNORED, Migration, RUN_WITHOUT_TRANSACTION, Script, TEMPLATE_LINE,
    template,
};
pub use files::position::LineCol;
pub use files::source::{LoadOptions, load};
pub use files::split::{SplitError, Statement, split};
pub use files::version::{Version, VersionOrder};
pub use files::{integrity, layout, source, split, version};
pub use history::adopt;
pub use history::status::{
    AppliedRow, HistoryProblems, MigrationState, Progress, StatusEntry, plan_deploy, status,
};
