//! The pure logic of cargo-migrate: migration files and their layouts, the statement
//! splitter, checksums and migration states. No I/O beyond reading the migrations folder,
//! no async, no database: this crate runs inside every user's `cargo build`.

pub mod adopt;
mod checksum;
pub mod compat;
pub mod config;
mod dialect;
pub mod diff;
mod error;
pub mod integrity;
pub mod json;
pub mod layout;
mod migration;
mod position;
pub mod replay;
pub mod schema;
pub mod source;
pub mod split;
mod status;

pub use checksum::{BadChecksum, Checksum};
pub use config::{DEFAULT_TABLE, PackageConfig};
pub use dialect::{Dialect, UnknownDialect};
pub use error::{SourceError, SourceErrors};
pub use migration::{DIRECTIVES, Migration, Script, TEMPLATE_LINE, template};
pub use position::LineCol;
pub use source::{LoadOptions, load};
pub use split::{SplitError, Statement, split};
pub use status::{
    AppliedRow, HistoryProblems, MigrationState, Progress, StatusEntry, plan_deploy, status,
};
