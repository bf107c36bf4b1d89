//! `cargo migrate diff [--script] [--out FILE]`

use crate::shell::out;
use std::io::Write;
use std::path::Path;

use anyhow::Context as _;
use migrate_core::diff::repair;

use super::{Context, drift};
use crate::exit::UsageError;

/// Show how the database differs from its applied migrations, one line per difference (as
/// `verify` does); with --script, write a repair migration instead: SQL that brings the
/// database back to the migrations' schema, with `-- TODO:` comments for what SQL cannot undo
/// in this dialect. Reads only; exit code 0 whenever the comparison ran (`verify` is the gate).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  cargo migrate diff\n  cargo migrate diff --script --out migrations/20260301000000_repair.sql"
)]
pub struct Args {
    /// Print a repair migration (SQL) instead of the list of differences
    #[arg(long)]
    pub script: bool,
    /// Write to this file instead of stdout (refuses to overwrite an existing file)
    #[arg(long, value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,
}

pub async fn exec(cx: &Context<'_>, args: Args) -> anyhow::Result<i32> {
    if let Some(out) = &args.out {
        refuse_existing(out)?;
    }
    let (database, report) = drift::inspect(cx).await?;
    let text = if args.script {
        drift::require_history(&report)?;
        let r = repair(&report.expected, &report.actual, &report.differences);
        let mut text = r.script;
        if !report.history_problems.is_empty() || !report.pending.is_empty() {
            text = format!(
                "-- Compared with the {} applied migration(s) of {database}; {} pending, {} with history problems (`cargo migrate verify`).\n{text}",
                report.applied.len(),
                report.pending.len(),
                report.history_problems.len()
            );
        }
        let todo = if r.todos > 0 {
            format!(", {} to do by hand (`-- TODO:`)", r.todos)
        } else {
            String::new()
        };
        cx.shell.status(
            "Repair",
            &format!("{} statement(s){todo} for {database}", r.statements),
        );
        text
    } else {
        let lines = drift::review_lines(&report);
        cx.shell.status(
            "Compared",
            &format!(
                "{database} with {} applied migration(s): {} difference(s)",
                report.applied.len(),
                report.differences.len()
            ),
        );
        lines.iter().map(|l| format!("{l}\n")).collect()
    };
    match &args.out {
        Some(out) => {
            write_new(out, &text)?;
            cx.shell.status("Wrote", &out.display().to_string());
        }
        None => out!("{text}"),
    }
    Ok(crate::exit::OK)
}

fn refuse_existing(path: &Path) -> anyhow::Result<()> {
    if path.exists() {
        return Err(UsageError(format!(
            "--out {}: the file exists; refusing to overwrite it (choose another path or remove it)",
            path.display()
        ))
        .into());
    }
    Ok(())
}

/// Creates `path` (never replacing a file, even one made since the check) and writes `text`.
fn write_new(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                anyhow::Error::from(UsageError(format!(
                    "--out {}: the file exists; refusing to overwrite it",
                    path.display()
                )))
            } else {
                anyhow::Error::from(e).context(format!("cannot create {}", path.display()))
            }
        })?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}
