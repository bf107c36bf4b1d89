//! The package whose build runs the macro: its manifest folder and migrations configuration.

use std::path::{Path, PathBuf};

use migrate_core::PackageConfig;
use proc_macro2::Span;

/// The environment variable that overrides `CARGO_MANIFEST_DIR` (for tests that build
/// cases in another folder, such as trybuild's).
pub const MANIFEST_DIR_OVERRIDE: &str = "MIGRATE_MANIFEST_DIR";

pub fn manifest_dir(span: Span) -> syn::Result<PathBuf> {
    std::env::var_os(MANIFEST_DIR_OVERRIDE)
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR"))
        .map(PathBuf::from)
        .ok_or_else(|| syn::Error::new(span, "CARGO_MANIFEST_DIR is not set: build with cargo"))
}

pub fn config(manifest_dir: &Path, span: Span) -> syn::Result<PackageConfig> {
    PackageConfig::from_manifest(&manifest_dir.join("Cargo.toml")).map_err(|e| {
        syn::Error::new(
            span,
            format!("cannot read the migrations configuration: {e}"),
        )
    })
}

/// `dir` relative to `base` when it is below it (paths in messages and in the history).
pub fn relative(dir: &Path, base: &Path) -> String {
    dir.strip_prefix(base).unwrap_or(dir).display().to_string()
}

/// One `syn::Error` holding every message, all on `span`.
pub fn combined(span: Span, messages: impl IntoIterator<Item = String>) -> syn::Error {
    let mut iter = messages.into_iter().map(|m| syn::Error::new(span, m));
    let mut first = iter
        .next()
        .unwrap_or_else(|| syn::Error::new(span, "cannot read the migrations"));
    for e in iter {
        first.combine(e);
    }
    first
}
