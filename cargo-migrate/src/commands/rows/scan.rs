//! The `#[derive(Table)]` and `#[derive(DbEnum)]` items of a package's Rust files, found by
//! parsing them (syn), as the compiler would hand them to the derives.

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use syn::punctuated::Punctuated;
use syn::{Attribute, DeriveInput, Item, Token};

/// Which derive an item has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Derive {
    Table,
    DbEnum,
}

/// One derived item and the file it is in.
pub struct Found {
    pub file: PathBuf,
    pub derive: Derive,
    pub input: DeriveInput,
}

/// A file that does not parse (the build would fail on it too).
pub struct Unparsed {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

/// Every `.rs` file under `root`, sorted, leaving out `target/`, hidden folders and nested
/// packages (folders with their own `Cargo.toml`).
pub fn rust_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                let skip = name.starts_with('.')
                    || (dir == root && name == "target")
                    || path.join("Cargo.toml").is_file();
                if !skip {
                    pending.push(path);
                }
            } else if name.ends_with(".rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The derived items of the files, in file order; the files that do not parse.
pub fn derived_items(files: &[PathBuf]) -> (Vec<Found>, Vec<Unparsed>) {
    let mut found = Vec::new();
    let mut unparsed = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        match syn::parse_file(&text) {
            Ok(parsed) => collect(file, parsed.items, &mut found),
            Err(e) => unparsed.push(Unparsed {
                file: file.clone(),
                line: e.span().start().line,
                message: e.to_string(),
            }),
        }
    }
    (found, unparsed)
}

fn collect(file: &Path, items: Vec<Item>, found: &mut Vec<Found>) {
    for item in items {
        let input = match item {
            Item::Mod(module) => {
                if let Some((_, items)) = module.content {
                    collect(file, items, found);
                }
                continue;
            }
            Item::Struct(s) => DeriveInput::from(s),
            Item::Enum(e) => DeriveInput::from(e),
            _ => continue,
        };
        let mut input = input;
        input.attrs = expand_cfg_attr(std::mem::take(&mut input.attrs));
        input.data = match input.data {
            syn::Data::Struct(mut data) => {
                for field in data.fields.iter_mut() {
                    field.attrs = expand_cfg_attr(std::mem::take(&mut field.attrs));
                }
                syn::Data::Struct(data)
            }
            syn::Data::Enum(mut data) => {
                for variant in data.variants.iter_mut() {
                    variant.attrs = expand_cfg_attr(std::mem::take(&mut variant.attrs));
                }
                syn::Data::Enum(data)
            }
            other => other,
        };
        // One check per item: both derives on one item is itself an error the check reports.
        if let Some(&derive) = derives(&input.attrs).first() {
            found.push(Found {
                file: file.to_path_buf(),
                derive,
                input,
            });
        }
    }
}

/// `#[cfg_attr(condition, a, b)]` as `#[a] #[b]`: whatever the condition, some build
/// expands the derive with those attributes, so the check reads them.
fn expand_cfg_attr(attrs: Vec<Attribute>) -> Vec<Attribute> {
    let mut out = Vec::new();
    for attr in attrs {
        let syn::Meta::List(list) = &attr.meta else {
            out.push(attr);
            continue;
        };
        if !attr.path().is_ident("cfg_attr") {
            out.push(attr);
            continue;
        }
        let parser = Punctuated::<syn::Meta, Token![,]>::parse_terminated;
        match syn::parse::Parser::parse2(parser, list.tokens.clone()) {
            Ok(metas) => {
                let inner: Vec<Attribute> = metas
                    .into_iter()
                    .skip(1)
                    .map(|meta| syn::parse_quote!(#[#meta]))
                    .collect();
                out.extend(expand_cfg_attr(inner));
            }
            Err(_) => out.push(attr),
        }
    }
    out
}

/// Our derives among the item's `#[derive(…)]` attributes (`cfg_attr` already expanded).
fn derives(attrs: &[Attribute]) -> Vec<Derive> {
    let mut out = Vec::new();
    for attr in attrs {
        if attr.path().is_ident("derive")
            && let syn::Meta::List(list) = &attr.meta
        {
            derived_in(list.tokens.clone(), &mut out);
        }
    }
    out.dedup();
    out
}

fn derived_in(tokens: TokenStream, out: &mut Vec<Derive>) {
    let parser = Punctuated::<syn::Path, Token![,]>::parse_terminated;
    let Ok(paths) = syn::parse::Parser::parse2(parser, tokens) else {
        return;
    };
    for path in paths {
        match path.segments.last().map(|s| s.ident.to_string()).as_deref() {
            Some("Table") => out.push(Derive::Table),
            Some("DbEnum") => out.push(Derive::DbEnum),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<(String, Derive)> {
        let mut found = Vec::new();
        collect(
            Path::new("x.rs"),
            syn::parse_file(source).unwrap().items,
            &mut found,
        );
        found
            .into_iter()
            .map(|f| (f.input.ident.to_string(), f.derive))
            .collect()
    }

    #[test]
    fn finds_the_derives_however_they_are_written() {
        let source = r#"
            #[derive(Debug, sqlx::FromRow, Table)]
            struct A { id: i64 }
            #[derive(migrate_runtime::DbEnum, sqlx::Type)]
            enum B { X }
            mod inner {
                #[cfg_attr(feature = "checks", derive(migrate_runtime::Table))]
                pub struct C { id: i64 }
            }
            #[derive(Debug)]
            struct NotOurs { id: i64 }
        "#;
        let mut found = Vec::new();
        let with_cfg = "#[cfg_attr(x, derive(Table), migrate(table = \"t\"))] struct D { a: i64 }";
        collect(
            Path::new("x.rs"),
            syn::parse_file(with_cfg).unwrap().items,
            &mut found,
        );
        let attrs: Vec<String> = found[0]
            .input
            .attrs
            .iter()
            .map(|a| a.path().get_ident().unwrap().to_string())
            .collect();
        assert_eq!(
            attrs,
            ["derive", "migrate"],
            "cfg_attr reads as the attributes it holds"
        );
        assert_eq!(
            kinds(source),
            [
                ("A".to_owned(), Derive::Table),
                ("B".to_owned(), Derive::DbEnum),
                ("C".to_owned(), Derive::Table)
            ]
        );
    }
}
