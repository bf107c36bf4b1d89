//! `embed_migrations!`: migration files -> a `static` `Migrator`.

use migrate_core::{Dialect, LoadOptions, Migration, Script, Version};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::LitStr;

use crate::package;

pub fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let dir_arg: Option<LitStr> = if input.is_empty() {
        None
    } else {
        Some(syn::parse2(input)?)
    };
    let span = dir_arg.as_ref().map_or_else(Span::call_site, LitStr::span);
    let manifest_dir = package::manifest_dir(span)?;
    let config = package::config(&manifest_dir, span)?;
    let dir = match &dir_arg {
        Some(lit) => manifest_dir.join(lit.value()),
        None => config.dir.clone(),
    };
    let options = LoadOptions {
        dialect: config.dialect.unwrap_or(Dialect::Sqlite),
        ignore: config.ignore.clone(),
        display_dir: Some(package::relative(&dir, &manifest_dir)),
    };
    let migrations = migrate_core::load(&dir, &options)
        .map_err(|errors| package::combined(span, errors.0.iter().map(ToString::to_string)))?;

    let tracked = migrations
        .iter()
        .flat_map(|m| std::iter::once(&m.up).chain(&m.down).chain(&m.replay))
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

/// The errors, in statement position inside a block that is still a `Migrator`: the compiler
/// shows each message once and nothing else (several `compile_error!`s in expression position
/// would not parse, and bury the messages under syntax errors).
pub fn failed(error: syn::Error) -> TokenStream {
    let errors = error.into_iter().map(|e| e.into_compile_error());
    quote! {{
        #(#errors)*
        ::migrate_runtime::Migrator::from_static(&[], "")
    }}
}

fn migration_tokens(m: &Migration) -> TokenStream {
    let version = match &m.version {
        Version::Number(n) => {
            quote! { ::migrate_runtime::__private::migrate_core::Version::Number(#n) }
        }
        Version::Text(t) => {
            let t = t.as_ref();
            quote! {
                ::migrate_runtime::__private::migrate_core::Version::Text(
                    ::migrate_runtime::__private::Cow::Borrowed(#t),
                )
            }
        }
    };
    let name = m.name.as_ref();
    let up = script_tokens(&m.up);
    let down = match &m.down {
        Some(down) => {
            let down = script_tokens(down);
            quote! { ::core::option::Option::Some(#down) }
        }
        None => quote! { ::core::option::Option::None },
    };
    let replay = match &m.replay {
        Some(replay) => {
            let replay = script_tokens(replay);
            quote! { ::core::option::Option::Some(#replay) }
        }
        None => quote! { ::core::option::Option::None },
    };
    quote! {
        ::migrate_runtime::__private::migrate_core::Migration {
            version: #version,
            name: ::migrate_runtime::__private::Cow::Borrowed(#name),
            up: #up,
            down: #down,
            replay: #replay,
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
