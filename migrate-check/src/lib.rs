//! The checks of `#[derive(Table)]` and `#[derive(DbEnum)]`: a Rust row type or enum, read as
//! sqlx reads it (its `#[sqlx(…)]` attributes and ours), against the schema the migrations
//! replay to.
//!
//! One engine for two callers: the derives (migrate-macros) turn the findings into compile
//! errors on the exact span and emit the impls; `cargo migrate rows` parses a crate's files and
//! lists every finding of every item at once, each with its one-line fix.

#![warn(missing_docs)]

mod attrs;
mod case;
mod db_enum;
mod errors;
mod inserts;
mod loaded;
mod sql_types;
mod table;
#[cfg(test)]
mod tests;

pub use db_enum::sql_enum_name;
pub use errors::{Checked, Deferred, Errors, Finding};
pub use inserts::{Unfilled, table_columns, unfilled_columns};
pub use loaded::{Loaded, Loader};

use syn::DeriveInput;

/// Checks a `#[derive(Table)]` struct.
pub fn table(input: &DeriveInput, load: Loader<'_>) -> Checked {
    table::check(input, load)
}

/// Checks a `#[derive(DbEnum)]` enum.
pub fn db_enum(input: &DeriveInput, load: Loader<'_>) -> Checked {
    db_enum::check(input, load)
}

/// The `::migrate_runtime::Kind` a `#[derive(DbEnum)]` enum implements `ColumnType` with (as
/// tokens, comparable with [`Deferred::allowed`]), without the schema: `Enum("schema.name")`
/// for a PostgreSQL enum type, `String` for a CHECK list or a SQLite enum, an integer for
/// `#[repr(i…)]`. `None` when the attributes do not parse.
pub fn db_enum_kind(input: &DeriveInput, dialect: migrate_core::Dialect) -> Option<String> {
    db_enum::kind(input, dialect).map(|k| k.to_string())
}
