//! The macros of cargo-migrate. Use them through `migrate-runtime`, which re-exports them.
//!
//! Thin by design: they parse their input with syn, ask `migrate-core` (the same code the CLI
//! and the runtime use), and emit tokens or `syn::Error`s on the exact span.

mod embed;

use proc_macro::TokenStream;

/// Embeds every migration of the package's migrations folder (or of the folder given,
/// relative to the package's `Cargo.toml`) into a `Migrator` usable in a `static`:
///
/// ```ignore
/// static MIGRATOR: migrate_runtime::Migrator = migrate_runtime::embed_migrations!();
/// static OTHER: migrate_runtime::Migrator = migrate_runtime::embed_migrations!("db/migrations");
/// ```
///
/// Files are read, ordered, checked and checksummed exactly as `cargo migrate` does. An edit
/// re-expands the macro; a new file does too when the package's `build.rs` prints
/// `cargo:rerun-if-changed=<folder>` (`cargo migrate new` writes that build script).
#[proc_macro]
pub fn embed_migrations(input: TokenStream) -> TokenStream {
    match embed::expand(input.into()) {
        Ok(tokens) => tokens.into(),
        Err(error) => error.to_compile_error().into(),
    }
}
