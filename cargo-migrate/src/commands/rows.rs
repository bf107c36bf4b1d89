//! `cargo migrate rows [--format json]`: every `#[derive(Table)]` and `#[derive(DbEnum)]` of
//! the package checked at once, by the engine the derives use (`migrate-check`).

pub(crate) mod scan;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use migrate_check::{Checked, Loaded};
use migrate_runtime::Dialect;
use serde_json::json;

use super::Context;
use crate::cli::Format;
use crate::exit::{FAILURE, OK};
use crate::shell::outln;
use scan::{Derive, Found};

/// Check every #[derive(Table)] struct and #[derive(DbEnum)] enum of the package against the
/// schema its migrations replay to, offline, with the checks the derives run at build time, and
/// list every mismatch of the whole crate at once, each with a one-line fix. Exit code 1 when
/// there is a mismatch.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  cargo migrate rows\n  cargo migrate rows --format json | jq -r '.mismatches[].fix'\n\n\
                  Each mismatch is printed as `file:line: Type.field: problem; fix: …`. Fields whose type \
                  only the compiler can judge (a newtype, an imported alias) are listed, not checked: the \
                  build checks them through their ColumnType impl.\n\n\
                  Exit code: 0 when every item matches, 1 on a mismatch (or migrations that do not replay)."
)]
pub struct Args {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// One mismatch, as printed.
pub(crate) struct Mismatch {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub item: String,
    pub member: Option<String>,
    pub problem: String,
    pub fix: Option<String>,
}

/// A field left to the compiler.
pub(crate) struct Left {
    pub file: String,
    pub line: usize,
    pub item: String,
    pub member: String,
    pub ty: String,
}

pub fn exec(cx: &Context<'_>, args: Args) -> anyhow::Result<i32> {
    let root = &cx.config.package.manifest_dir;
    let loaded = replayed(cx, "the row types")?;
    let files = scan::rust_files(root);
    let (found, unparsed) = scan::derived_items(&files);
    for u in &unparsed {
        cx.shell.warn(&format!(
            "{}:{}: not checked, the file does not parse: {}",
            shown(root, &u.file),
            u.line,
            u.message
        ));
    }

    let (mismatches, left) = check_items(&found, &loaded, root);
    let tables = found.iter().filter(|f| f.derive == Derive::Table).count();
    let enums = found.len() - tables;
    match args.format {
        Format::Json => {
            let value = json!({
                "checked": { "tables": tables, "enums": enums, "files": files.len() },
                "mismatches": mismatches.iter().map(|m| json!({
                    "file": m.file,
                    "line": m.line,
                    "column": m.column,
                    "item": m.item,
                    "member": m.member,
                    "problem": m.problem,
                    "fix": m.fix,
                })).collect::<Vec<_>>(),
                "left_to_the_compiler": left.iter().map(|l| json!({
                    "file": l.file,
                    "line": l.line,
                    "item": l.item,
                    "member": l.member,
                    "type": l.ty,
                })).collect::<Vec<_>>(),
            });
            outln!("{}", serde_json::to_string_pretty(&value)?);
        }
        Format::Human => {
            for m in &mismatches {
                let subject = match &m.member {
                    Some(member) => format!("{}.{member}", m.item),
                    None => m.item.clone(),
                };
                let fix = m
                    .fix
                    .as_deref()
                    .map_or_else(String::new, |f| format!("; fix: {f}"));
                outln!("{}:{}: {subject}: {}{fix}", m.file, m.line, m.problem);
            }
            if !left.is_empty() {
                let names: Vec<String> = left
                    .iter()
                    .map(|l| format!("{}.{} ({})", l.item, l.member, l.ty))
                    .collect();
                cx.shell.status(
                    "Left",
                    &format!(
                        "{} field(s) to the build, whose type only the compiler can judge (its ColumnType impl): {}",
                        left.len(),
                        names.join(", ")
                    ),
                );
            }
        }
    }
    let summary = format!(
        "{tables} row type(s) and {enums} enum(s) in {} file(s) against the schema of {}",
        files.len(),
        cx.config.shown_dir()
    );
    if mismatches.is_empty() {
        cx.shell
            .status("Checked", &format!("{summary}: no mismatch"));
        Ok(OK)
    } else {
        cx.shell.status(
            "Checked",
            &format!("{summary}: {} mismatch(es)", mismatches.len()),
        );
        Ok(FAILURE)
    }
}

/// Every mismatch of the items against the schema of `loaded`, in file order (paths shown
/// relative to `root`), and the fields left to the compiler.
pub(crate) fn check_items(
    found: &[Found],
    loaded: &Arc<Loaded>,
    root: &Path,
) -> (Vec<Mismatch>, Vec<Left>) {
    let load = |_| Ok(loaded.clone());
    let enum_kinds = enum_kinds(found, loaded.schema.dialect);
    let mut mismatches = Vec::new();
    let mut left = Vec::new();
    for item in found {
        let checked: Checked = match item.derive {
            Derive::Table => migrate_check::table(&item.input, &load),
            Derive::DbEnum => migrate_check::db_enum(&item.input, &load),
        };
        let file = shown(root, &item.file);
        let name = item.input.ident.to_string();
        for f in checked.errors.findings {
            let at = f.span.start();
            mismatches.push(Mismatch {
                file: file.clone(),
                line: at.line,
                column: at.column + 1,
                item: name.clone(),
                member: f.member,
                problem: f.problem.unwrap_or(f.message),
                fix: f.fix,
            });
        }
        for d in checked.errors.deferred {
            let at = d.span.start();
            // A local #[derive(DbEnum)] enum: its kind is known without the compiler.
            let last = d.ty.rsplit("::").next().unwrap_or(&d.ty);
            match enum_kinds.get(last) {
                Some(kinds) if kinds.len() == 1 => {
                    let squash = |s: &str| s.replace(' ', "");
                    if !d.allowed.iter().any(|a| squash(a) == squash(&kinds[0])) {
                        mismatches.push(Mismatch {
                            file: file.clone(),
                            line: at.line,
                            column: at.column + 1,
                            item: name.clone(),
                            member: Some(d.member),
                            problem: d.message,
                            fix: Some(d.fix),
                        });
                    }
                }
                _ => left.push(Left {
                    file: file.clone(),
                    line: at.line,
                    item: name.clone(),
                    member: d.member,
                    ty: d.ty,
                }),
            }
        }
    }

    // In file order, whatever judged them (the derive itself, or a local enum's kind).
    mismatches.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    (mismatches, left)
}

/// Each local `#[derive(DbEnum)]` enum's `Kind`, by name (a name used twice has both).
fn enum_kinds(found: &[Found], dialect: Dialect) -> BTreeMap<String, Vec<String>> {
    let mut kinds: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in found.iter().filter(|f| f.derive == Derive::DbEnum) {
        if let Some(kind) = migrate_check::db_enum_kind(&f.input, dialect) {
            let entry = kinds.entry(f.input.ident.to_string()).or_default();
            if !entry.contains(&kind) {
                entry.push(kind);
            }
        }
    }
    kinds
}

/// The package's migrations folder as messages show it (relative to the package).
pub(crate) fn package_dir(package: &migrate_core::PackageConfig) -> String {
    package
        .dir
        .strip_prefix(&package.manifest_dir)
        .unwrap_or(&package.dir)
        .display()
        .to_string()
}

/// The schema the package's migrations replay to, or their errors printed and why `what`
/// cannot be checked.
pub(crate) fn replayed(cx: &Context<'_>, what: &str) -> anyhow::Result<Arc<Loaded>> {
    let package = &cx.config.package;
    let loaded = Loaded::replay(package, package_dir(package), None).map_err(|errors| {
        for e in &errors {
            cx.shell.error(e);
        }
        anyhow::anyhow!(
            "no schema to check {what} against: the migrations of {} have {} error(s); fix them (or give a statement a replay override), then run this again",
            cx.config.shown_dir(),
            errors.len()
        )
    })?;
    Ok(Arc::new(loaded))
}

/// A path as messages show it: relative to the package.
pub(crate) fn shown(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .display()
        .to_string()
}
