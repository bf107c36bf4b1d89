//! `embed_migrations!`: migration files -> a `static` `Migrator`.

use std::path::{Path, PathBuf};

use migrate_core::{Dialect, LoadOptions, Migration, PackageConfig, Script};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::LitStr;

/// The environment variable that overrides `CARGO_MANIFEST_DIR` (for tests that build
/// cases in another folder, such as trybuild's).
pub const MANIFEST_DIR_OVERRIDE: &str = "MIGRATE_MANIFEST_DIR";

pub fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let dir_arg: Option<LitStr> = if input.is_empty() {
        None
    } else {
        Some(syn::parse2(input)?)
    };
    let span = dir_arg.as_ref().map_or_else(Span::call_site, LitStr::span);
    let manifest_dir = manifest_dir().map_err(|message| syn::Error::new(span, message))?;
    let config = PackageConfig::from_manifest(&manifest_dir.join("Cargo.toml")).map_err(|e| {
        syn::Error::new(
            span,
            format!("cannot read the migrations configuration: {e}"),
        )
    })?;
    let dir = match &dir_arg {
        Some(lit) => manifest_dir.join(lit.value()),
        None => config.dir.clone(),
    };
    let options = LoadOptions {
        dialect: config.dialect.unwrap_or(Dialect::Sqlite),
        ignore: config.ignore.clone(),
        display_dir: Some(relative(&dir, &manifest_dir)),
    };
    let migrations = migrate_core::load(&dir, &options).map_err(|errors| {
        let mut iter = errors
            .0
            .iter()
            .map(|e| syn::Error::new(span, e.to_string()));
        let mut first = iter
            .next()
            .unwrap_or_else(|| syn::Error::new(span, "cannot read the migrations"));
        for e in iter {
            first.combine(e);
        }
        first
    })?;

    let tracked = migrations
        .iter()
        .flat_map(|m| std::iter::once(&m.up).chain(&m.down))
        .map(|script| {
            let absolute = manifest_dir.join(script.path.as_ref());
            let absolute = absolute.to_string_lossy();
            quote! { const _: &[u8] = ::core::include_bytes!(#absolute); }
        });
    let items = migrations.iter().map(migration_tokens);
    let count = migrations.len();
    let table = &config.table;
    Ok(quote! {{
        // Each file is included so that editing it makes the next build re-embed it.
        #(#tracked)*
        static MIGRATIONS: [::migrate_runtime::__private::migrate_core::Migration; #count] = [#(#items),*];
        ::migrate_runtime::Migrator::from_static(&MIGRATIONS, #table)
    }})
}

fn migration_tokens(m: &Migration) -> TokenStream {
    let version = m.version;
    let name = m.name.as_ref();
    let up = script_tokens(&m.up);
    let down = match &m.down {
        Some(down) => {
            let down = script_tokens(down);
            quote! { ::core::option::Option::Some(#down) }
        }
        None => quote! { ::core::option::Option::None },
    };
    quote! {
        ::migrate_runtime::__private::migrate_core::Migration {
            version: #version,
            name: ::migrate_runtime::__private::Cow::Borrowed(#name),
            up: #up,
            down: #down,
        }
    }
}

fn script_tokens(s: &Script) -> TokenStream {
    let path = s.path.as_ref();
    let sql = s.sql.as_ref();
    let bytes = s.checksum.0;
    let no_transaction = s.no_transaction;
    quote! {
        ::migrate_runtime::__private::migrate_core::Script {
            path: ::migrate_runtime::__private::Cow::Borrowed(#path),
            sql: ::migrate_runtime::__private::Cow::Borrowed(#sql),
            checksum: ::migrate_runtime::__private::migrate_core::Checksum([#(#bytes),*]),
            no_transaction: #no_transaction,
        }
    }
}

fn manifest_dir() -> Result<PathBuf, String> {
    std::env::var_os(MANIFEST_DIR_OVERRIDE)
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR"))
        .map(PathBuf::from)
        .ok_or_else(|| "CARGO_MANIFEST_DIR is not set: build with cargo".to_owned())
}

/// `dir` relative to `base` when it is below it (paths in messages and in the history).
fn relative(dir: &Path, base: &Path) -> String {
    dir.strip_prefix(base).unwrap_or(dir).display().to_string()
}
