//! `cargo migrate revert [--to VERSION]`

use std::path::Path;

use migrate_core::{Version, layout};
use migrate_runtime::{MigrateError, Migrator, MissingDown, RevertOptions};

use super::Context;
use crate::exit::OK;
use crate::shell::outln;

/// Run down migrations, newest first: by default the newest applied one. Refuses, before
/// running anything, when a needed down file is missing.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  cargo migrate revert\n  cargo migrate revert --to 20240101120000   # keeps 20240101120000 applied\n  cargo migrate revert --to 0                # reverts everything"
)]
pub struct Args {
    /// Keep this version applied and revert every newer one (`0` reverts all)
    #[arg(long, value_name = "VERSION")]
    pub to: Option<String>,
    /// Print the down scripts a revert would run, newest first, and run nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub async fn exec(cx: &Context<'_>, args: Args) -> anyhow::Result<i32> {
    let mut session = cx.session().await?;
    let to = match &args.to {
        Some(typed) => Some(super::typed_version(&session.migrator, "--to", typed)?),
        None => None,
    };
    let observer = cx.observer();
    let mut options = RevertOptions::new()
        .dry_run(args.dry_run)
        .lock_timeout(cx.lock_timeout())
        .observer(&observer);
    options.to = to.as_ref();
    let result = session
        .migrator
        .revert_with(&mut session.conn, &options)
        .await;
    session.conn.close().await;
    let reverted = match result {
        Ok(reverted) => reverted,
        Err(MigrateError::NoDownFile { missing }) => {
            return Err(no_down_file(cx, &missing));
        }
        Err(e) => return Err(e.into()),
    };
    if args.dry_run {
        return dry_run(cx, &session.url, &session.migrator, &reverted);
    }
    if reverted.is_empty() {
        cx.shell.status("Finished", "nothing to revert");
    } else {
        cx.shell.status(
            "Finished",
            &format!(
                "{} migration(s) reverted on {}",
                reverted.len(),
                cx.shown(&session.url)
            ),
        );
    }
    Ok(OK)
}

/// Prints the down scripts a revert would run, newest first.
fn dry_run(
    cx: &Context<'_>,
    url: &str,
    migrator: &Migrator,
    versions: &[Version],
) -> anyhow::Result<i32> {
    if versions.is_empty() {
        cx.shell.status(
            "Finished",
            &format!("dry run: nothing to revert on {}", cx.shown(url)),
        );
        return Ok(OK);
    }
    for version in versions {
        let Some(m) = migrator.migrations().iter().find(|m| m.version == *version) else {
            continue;
        };
        let Some(down) = &m.down else { continue };
        let mode = if down.no_transaction {
            "without a transaction"
        } else {
            "in a transaction"
        };
        outln!("-- revert {} {} ({}, {mode})", m.version, m.name, down.path);
        outln!("{}", down.sql.trim_end());
        outln!();
    }
    cx.shell.status(
        "Dry run",
        &format!(
            "{} migration(s) would be reverted on {}; nothing was run",
            versions.len(),
            cx.shown(url)
        ),
    );
    Ok(OK)
}

/// "No down file", or, where the file is there but holds no statement, says so: diesel writes
/// an empty `down.sql` for a migration nothing can undo, which the loader reads as none.
fn no_down_file(cx: &Context<'_>, missing: &[MissingDown]) -> anyhow::Error {
    let empty: Vec<String> = missing
        .iter()
        .filter_map(|m| {
            empty_down_file(&cx.config.dir, &cx.config.shown_dir(), &m.version, &m.name)
        })
        .collect();
    if empty.is_empty() {
        return MigrateError::NoDownFile {
            missing: missing.to_vec(),
        }
        .into();
    }
    anyhow::anyhow!(
        "cannot revert: the down file {} is empty (it holds no statement).\n  Nothing was \
         reverted. Write the SQL that undoes the migration in it first",
        empty.join(", the down file ")
    )
}

/// The path of `version`'s down file, as messages show it (under `shown`, the folder as
/// shown), when it exists and holds no statement.
fn empty_down_file(dir: &Path, shown: &str, version: &Version, name: &str) -> Option<String> {
    let entries = std::fs::read_dir(dir).ok()?;
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let candidate = if file_name.ends_with(".down.sql") {
            entry.path()
        } else if entry.path().is_dir() {
            entry.path().join("down.sql")
        } else {
            continue;
        };
        let stem = file_name.trim_end_matches(".down.sql");
        let named = layout::parse_name(stem, version.order());
        if !named.is_ok_and(|n| n.version == *version) || !stem.ends_with(name) {
            continue;
        }
        let text = std::fs::read_to_string(&candidate).ok()?;
        let only_comments = text
            .lines()
            .map(str::trim)
            .all(|l| l.is_empty() || l.starts_with("--"));
        if only_comments {
            let inside = candidate.strip_prefix(dir).unwrap_or(&candidate);
            return Some(Path::new(shown).join(inside).display().to_string());
        }
    }
    None
}
