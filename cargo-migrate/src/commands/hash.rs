//! `cargo migrate hash`

use migrate_core::integrity::{self, SUM_FILE};

use super::Context;
use crate::exit::OK;

/// Write `migrations/migrate.sum`: every file's checksum and a final line hashing them all.
/// Commit it; `cargo migrate check` then catches edited, missing and unreviewed files.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example: cargo migrate hash && git add migrations/migrate.sum")]
pub struct Args {}

pub fn exec(cx: &Context<'_>, _args: Args) -> anyhow::Result<i32> {
    let written = write_sum(cx)?;
    cx.shell.status(
        "Wrote",
        &format!("{}/{SUM_FILE} ({written} files)", cx.config.shown_dir()),
    );
    Ok(OK)
}

/// Rewrites the integrity file from the folder; returns how many files it lists.
pub fn write_sum(cx: &Context<'_>) -> anyhow::Result<usize> {
    let dialect = cx.config.dialect_for(None)?;
    let migrator = cx.config.migrator(dialect)?;
    let entries = integrity::entries(migrator.migrations(), &cx.config.shown_dir());
    let path = cx.config.dir.join(SUM_FILE);
    std::fs::write(&path, integrity::render(&entries))
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    Ok(entries.len())
}
