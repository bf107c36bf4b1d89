//! `cargo migrate compat --with <git ref>`: would the previous release's code still work
//! against the schema the current migrations produce? During a rolling deploy it keeps running
//! while the new migrations are applied.
//!
//! The previous release's `#[derive(Table)]` and `#[derive(DbEnum)]` items are read from git
//! and checked, as `cargo migrate rows` checks them, against the current migrations' schema
//! and against their own release's; what fails only against the current one is a break. Every
//! `#[derive(Table)]` struct over a table is taken to be written as well as read (an INSERT
//! listing its columns): a NOT NULL column without a default that it does not map is a break.
//! Its checked queries are described over both schemas ([`queries`]).

mod git;
mod inserts;
mod locate;
mod queries;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use migrate_check::Loaded;
use migrate_core::PackageConfig;
use serde_json::json;

use super::Context;
use super::rows::scan::{self, Derive};
use super::rows::{Mismatch, check_items, package_dir, replayed, shown};
use crate::cli::Format;
use crate::exit::{FAILURE, OK};
use crate::shell::outln;

/// Check the previous release's #[derive(Table)] structs, #[derive(DbEnum)] enums and checked
/// queries (query! and friends), read from git, against the schema of the current migrations, offline: would its code still work while
/// a rolling deploy runs it against the new schema? Each break names the old code's file:line
/// and the migration's. Exit code 1 on a break.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  cargo migrate compat --with v1.4.0\n  \
                  cargo migrate compat --with origin/main --format json | jq '.breaks[]'\n\n\
                  A break is a mismatch the previous release's row types have with the new schema and did \
                  not have with their own: a column dropped or renamed, a type they cannot decode, an enum \
                  label they lack or write that is gone, a table gone, and a new NOT NULL column without a \
                  default that their INSERTs cannot fill; a checked query (query!, query_as!, query_scalar!, \
                  _file variants) that no longer describes, or whose result column changed to a type the old \
                  Rust type cannot read or became nullable.\n\n\
                  Exit code: 0 when the previous release is compatible, 1 on a break, 2 for a ref git does \
                  not know.")]
pub struct Args {
    /// The previous release: a git tag, branch or commit
    #[arg(long = "with", value_name = "REF")]
    pub with: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// One break, as reported.
struct Break {
    /// Where the old code is (its file relative to the package, the item's or field's line).
    old: Mismatch,
    /// The migration statement that made the change, where known.
    migration: Option<(String, usize)>,
}

pub fn exec(cx: &Context<'_>, args: Args) -> anyhow::Result<i32> {
    let package = &cx.config.package;
    let root = &package.manifest_dir;
    let shown_dir = package_dir(package);
    let new = replayed(cx, "the previous release")?;
    let old = git::old_release(root, &args.with)?;
    let mut old_config = old.config.clone();
    old_config.dialect = package.dialect;
    let old_root = old_config.manifest_dir.clone();
    let current = relative_to_top(root, &package.dir);
    if current.as_deref() != Some(old.migrations.as_str()) {
        cx.shell.warn_status(
            "Note",
            &format!(
                "at {} the migrations were in {}, now in {}: its code is checked against the current folder",
                old.reference,
                old.migrations,
                current.as_deref().unwrap_or(&shown_dir)
            ),
        );
    }
    let history = history_continues(package, &old_config, &old.reference, &shown_dir, cx.shell)?;
    let baseline = match Loaded::replay(&old_config, shown_dir.clone(), None) {
        Ok(loaded) => Some(Arc::new(loaded)),
        Err(errors) => {
            cx.shell.warn(&format!(
                "the migrations of {} do not replay ({}), so mismatches its code already had there cannot be told apart: all are reported",
                old.reference,
                errors.first().map_or("", String::as_str)
            ));
            None
        }
    };

    let files = scan::rust_files(&old_root);
    let (found, unparsed) = scan::derived_items(&files);
    for u in &unparsed {
        cx.shell.warn(&format!(
            "{}:{}: not checked, the file does not parse at {}: {}",
            shown(&old_root, &u.file),
            u.line,
            old.reference,
            u.message
        ));
    }
    let (now, left) = check_items(&found, &new, &old_root);
    let before: BTreeSet<String> = match &baseline {
        Some(loaded) => check_items(&found, loaded, &old_root)
            .0
            .iter()
            .map(|m| key(m, &shown_dir))
            .collect(),
        None => BTreeSet::new(),
    };
    let (already, now): (Vec<Mismatch>, Vec<Mismatch>) = now
        .into_iter()
        .partition(|m| before.contains(&key(m, &shown_dir)));
    let mut breaks: Vec<Break> = now
        .into_iter()
        .map(|m| Break {
            migration: origins(&m.problem, &shown_dir).pop(),
            old: m,
        })
        .collect();
    if let Some(history) = &history {
        for b in breaks.iter_mut() {
            if b.migration.as_ref().is_some_and(|(f, _)| history.is_new(f)) {
                continue;
            }
            // The message cites an older migration (where the column was defined): find the
            // new statement after which the old code meets the problem.
            let wanted = key(&b.old, &shown_dir);
            let holds = |schema: &migrate_core::schema::Schema| {
                let loaded = Arc::new(Loaded {
                    schema: schema.clone(),
                    types: new.types.clone(),
                    dir: shown_dir.clone(),
                });
                check_items(&found, &loaded, &old_root)
                    .0
                    .iter()
                    .any(|m| key(m, &shown_dir) == wanted)
            };
            if let Some((file, line)) = locate::first_statement(history, new.schema.dialect, &holds)
            {
                b.old.problem.push_str(&format!(" (since {file}:{line})"));
                b.migration = Some((file, line));
            }
        }
    }
    breaks.extend(inserts::unfilled(
        &found,
        &new,
        baseline.as_deref(),
        history.as_ref(),
        &old_root,
    ));
    let (queries, unread) = queries::find(&files, &old_root);
    for u in &unread {
        cx.shell.warn(&format!(
            "{}:{}: not checked at {}: {}",
            shown(&old_root, &u.file),
            u.line,
            old.reference,
            u.why
        ));
    }
    let (query_breaks, unchecked) = queries::breaks(
        &queries,
        &new.schema,
        baseline.as_deref().map(|l| &l.schema),
        history.as_ref(),
        &old_root,
    );
    breaks.extend(query_breaks);
    if unchecked > 0 {
        cx.shell.warn_status(
            "Skipped",
            &format!(
                "{unchecked} quer(ies) the inference cannot describe over the schema of {} (`cargo build` at that release says why)",
                old.reference
            ),
        );
    }
    breaks.sort_by(|a, b| {
        (&a.old.file, a.old.line, a.old.column).cmp(&(&b.old.file, b.old.line, b.old.column))
    });

    let tables = found.iter().filter(|f| f.derive == Derive::Table).count();
    let enums = found.len() - tables;
    match args.format {
        Format::Json => {
            let value = json!({
                "with": { "ref": old.reference, "commit": old.commit },
                "checked": { "tables": tables, "enums": enums, "queries": queries.len(), "files": files.len() },
                "breaks": breaks.iter().map(|b| json!({
                    "file": b.old.file,
                    "line": b.old.line,
                    "column": b.old.column,
                    "item": b.old.item,
                    "member": b.old.member,
                    "problem": b.old.problem,
                    "migration": b.migration.as_ref().map(|(file, line)| json!({ "file": file, "line": line })),
                })).collect::<Vec<_>>(),
                "already_mismatched": already.len(),
                "left_to_the_compiler": left.len(),
            });
            outln!("{}", serde_json::to_string_pretty(&value)?);
        }
        Format::Human => {
            for b in &breaks {
                let subject = match &b.old.member {
                    Some(member) => format!("{}.{member}", b.old.item),
                    None => b.old.item.clone(),
                };
                outln!(
                    "{}:{}: {subject}: {}",
                    b.old.file,
                    b.old.line,
                    b.old.problem
                );
            }
        }
    }
    if !already.is_empty() {
        cx.shell.warn_status(
            "Skipped",
            &format!(
                "{} mismatch(es) the code of {} already had with its own migrations (not caused by the new ones; `cargo migrate rows` at that release lists them)",
                already.len(),
                old.reference
            ),
        );
    }
    if !left.is_empty() {
        cx.shell.status(
            "Left",
            &format!(
                "{} field(s) whose type only the compiler can judge (a newtype, an imported alias): not checked",
                left.len()
            ),
        );
    }
    let items = if queries.is_empty() {
        format!("{tables} row type(s) and {enums} enum(s)")
    } else {
        format!(
            "{tables} row type(s), {enums} enum(s) and {} checked quer(ies)",
            queries.len()
        )
    };
    let summary = format!(
        "{items} of {} ({}) against the schema of {}",
        old.reference,
        old.commit,
        cx.config.shown_dir()
    );
    if breaks.is_empty() {
        cx.shell.status(
            "Compatible",
            &format!("{summary}: the previous release keeps working during the deploy"),
        );
        return Ok(OK);
    }
    cx.shell
        .status("Checked", &format!("{summary}: {} break(s)", breaks.len()));
    cx.shell.warn(&format!(
        "the code of {} breaks while it runs against the new schema: expand first (add, backfill, keep the old shape), deploy, and contract in a later release (see the book's chapter \"Rolling deploys\")",
        old.reference
    ));
    Ok(FAILURE)
}

/// Refuses a current folder that lacks a migration of the previous release: databases deployed
/// from it have that migration applied, so the new schema is not what the files say.
/// The current migrations and the old release's versions, when both folders load.
fn history_continues(
    current: &PackageConfig,
    old: &PackageConfig,
    reference: &str,
    shown_dir: &str,
    shell: &crate::shell::Shell,
) -> anyhow::Result<Option<locate::History>> {
    let load = |config: &PackageConfig| {
        let options = migrate_core::LoadOptions {
            dialect: current.dialect.unwrap_or(migrate_core::Dialect::Sqlite),
            ignore: config.ignore.clone(),
            display_dir: Some(shown_dir.to_owned()),
        };
        migrate_core::load(&config.dir, &options).ok()
    };
    let (Some(now), Some(then)) = (load(current), load(old)) else {
        return Ok(None);
    };
    let gone: Vec<String> = then
        .iter()
        .filter(|m| !now.iter().any(|n| n.version == m.version))
        .map(|m| format!("{}_{}", m.version, m.name))
        .collect();
    if !gone.is_empty() {
        anyhow::bail!(
            "the current migrations lack {} of {reference}: {}; databases deployed from {reference} have them applied, so the schema after this release is not what the files replay to: restore them (or compare with a release whose migrations the current folder continues)",
            if gone.len() == 1 {
                "a migration"
            } else {
                "migrations"
            },
            gone.join(", ")
        );
    }
    let edited: Vec<String> = then
        .iter()
        .filter(|m| {
            now.iter()
                .any(|n| n.version == m.version && n.checksum() != m.checksum())
        })
        .map(|m| format!("{}_{}", m.version, m.name))
        .collect();
    if !edited.is_empty() {
        shell.warn(&format!(
            "{} of {reference} changed since: {}; databases deployed from {reference} ran the old text (`cargo migrate status` calls it changed), so the schema they have may differ from the replay",
            if edited.len() == 1 { "a migration" } else { "migrations" },
            edited.join(", ")
        ));
    }
    Ok(Some(locate::History {
        old_versions: then.into_iter().map(|m| m.version).collect(),
        now,
        before: std::cell::OnceCell::new(),
    }))
}

/// What identifies a mismatch across the two schemas: the item, the member and the problem
/// without the migration positions it cites (the same problem may cite another line).
fn key(m: &Mismatch, dir: &str) -> String {
    let mut problem = m.problem.clone();
    for (file, line) in origins(&m.problem, dir).into_iter().rev() {
        problem = problem.replace(&format!("{file}:{line}"), "");
    }
    format!(
        "{}\u{0}{}\u{0}{}\u{0}{problem}",
        m.file,
        m.item,
        m.member.as_deref().unwrap_or("")
    )
}

/// The migration positions (`<dir>/<file>:<line>`) a message cites, in order.
fn origins(text: &str, dir: &str) -> Vec<(String, usize)> {
    let needle = format!("{}/", dir.trim_end_matches('/'));
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(&needle) {
        let tail = &rest[at..];
        let end = tail
            .find(|c: char| c.is_whitespace() || c == ')' || c == ',' || c == ';')
            .unwrap_or(tail.len());
        let cited = tail[..end].trim_end_matches(['.', ':']);
        if let Some((file, line)) = cited.rsplit_once(':')
            && let Ok(line) = line.parse()
        {
            out.push((file.to_owned(), line));
        }
        rest = &tail[end..];
    }
    out
}

/// `dir` relative to the repository's top level, as git names it.
fn relative_to_top(manifest_dir: &Path, dir: &Path) -> Option<String> {
    let top = git::Git::at(manifest_dir).ok()?.top;
    let top = top.canonicalize().ok()?;
    let dir = dir.canonicalize().ok()?;
    Some(
        dir.strip_prefix(&top)
            .ok()?
            .to_string_lossy()
            .replace('\\', "/"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_migration_positions_a_message_cites() {
        let text = "table `users` has no column `email`; it was renamed to `mail` by migrations/2_a.sql:3, then dropped by migrations/3_b.sql:12 (see migrations/x.sql:7).";
        assert_eq!(
            origins(text, "migrations"),
            [
                ("migrations/2_a.sql".to_owned(), 3),
                ("migrations/3_b.sql".to_owned(), 12),
                ("migrations/x.sql".to_owned(), 7)
            ]
        );
        assert!(origins("no position here: migrations/", "migrations").is_empty());
    }
}
