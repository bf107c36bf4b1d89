//! The macros of cargo-migrate. Use them through `migrate-runtime`, which re-exports them
//! (its documentation is the guide, with compiled examples).
//!
//! Thin by design: they parse their input with syn, ask `migrate-core` and `migrate-check` (the
//! same code the CLI and the runtime use), and emit tokens or `syn::Error`s on the exact span.

#![warn(missing_docs)]

mod embed;
mod package;
mod query;
mod schema_cache;

use proc_macro::TokenStream;
use syn::DeriveInput;

/// Embeds every migration of the package's migrations folder (or of the folder given,
/// relative to the package's `Cargo.toml`) into a `Migrator` usable in a `static`:
/// `static MIGRATOR: Migrator = embed_migrations!();` or `embed_migrations!("db/migrations")`.
/// Use it through `migrate_runtime::embed_migrations!`, whose documentation has compiled
/// examples.
///
/// Files are read, ordered, checked and checksummed exactly as `cargo migrate` does. An edit
/// re-expands the macro; a new file does too when the package's `build.rs` prints
/// `cargo:rerun-if-changed=<folder>` (`cargo migrate new` writes that build script).
#[proc_macro]
pub fn embed_migrations(input: TokenStream) -> TokenStream {
    match embed::expand(input.into()) {
        Ok(tokens) => tokens.into(),
        Err(error) => embed::failed(error).into(),
    }
}

/// Checks a struct against the table (or view) the migrations produce, field by field, as
/// `sqlx::FromRow` maps fields to columns: missing tables and columns, types sqlx cannot
/// decode, nullable columns read into non-`Option` fields, enum columns read into the wrong
/// enum. Implements `migrate_runtime::Table`. Use it through `migrate_runtime::Table`, whose
/// documentation has compiled examples.
///
/// Reads `#[sqlx(rename, rename_all, skip, default, flatten, json, try_from)]`; per field,
/// `#[migrate(sql_type = "…")]`, `#[migrate(unchecked)]` and `#[migrate(not_null)]`.
#[proc_macro_derive(Table, attributes(migrate, sqlx))]
pub fn derive_table(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    migrate_check::table(&input, &schema_cache::load)
        .into_tokens()
        .into()
}

/// Checks an enum against the PostgreSQL enum type it maps to (sqlx's `type_name`,
/// `rename_all`, `rename`), or against a `CHECK (col IN (…))` list with
/// `#[migrate(check = "table.column")]`: every variant's label exists, and every label has a
/// variant unless `#[migrate(non_exhaustive)]`. Implements `migrate_runtime::DbEnum`. Use it
/// through `migrate_runtime::DbEnum`, whose documentation has compiled examples.
#[proc_macro_derive(DbEnum, attributes(migrate, sqlx))]
pub fn derive_db_enum(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    migrate_check::db_enum(&input, &schema_cache::load)
        .into_tokens()
        .into()
}

/// Checks a query against the schema the migrations produce and returns sqlx's `QueryAs`
/// over a generated record (one field per result column, `Option` unless NOT NULL is proven).
/// Use it through `migrate_runtime::query!`, whose documentation has compiled examples.
#[proc_macro]
pub fn query(input: TokenStream) -> TokenStream {
    query_tokens(query::Kind::Record, input)
}

/// As [`query!`], into the given struct, field by column name: `query_as!(User, "…", args…)`.
/// Use it through `migrate_runtime::query_as!`.
#[proc_macro]
pub fn query_as(input: TokenStream) -> TokenStream {
    query_tokens(query::Kind::As, input)
}

/// As [`query!`], for a query of one column: sqlx's `QueryScalar` of its type. Use it
/// through `migrate_runtime::query_scalar!`.
#[proc_macro]
pub fn query_scalar(input: TokenStream) -> TokenStream {
    query_tokens(query::Kind::Scalar, input)
}

/// As [`query!`], with the query read from a file (relative to the package's `Cargo.toml`):
/// `query_file!("queries/user.sql", id)`. Use it through `migrate_runtime::query_file!`.
#[proc_macro]
pub fn query_file(input: TokenStream) -> TokenStream {
    query_tokens_from(query::Kind::Record, true, input)
}

/// As [`query_as!`], with the query read from a file: `query_file_as!(User, "q.sql", args…)`.
/// Use it through `migrate_runtime::query_file_as!`.
#[proc_macro]
pub fn query_file_as(input: TokenStream) -> TokenStream {
    query_tokens_from(query::Kind::As, true, input)
}

/// As [`query_scalar!`], with the query read from a file. Use it through
/// `migrate_runtime::query_file_scalar!`.
#[proc_macro]
pub fn query_file_scalar(input: TokenStream) -> TokenStream {
    query_tokens_from(query::Kind::Scalar, true, input)
}

fn query_tokens(kind: query::Kind, input: TokenStream) -> TokenStream {
    query_tokens_from(kind, false, input)
}

fn query_tokens_from(kind: query::Kind, from_file: bool, input: TokenStream) -> TokenStream {
    match query::expand(kind, from_file, input.into()) {
        Ok(tokens) => tokens.into(),
        Err(error) => error.to_compile_error().into(),
    }
}
