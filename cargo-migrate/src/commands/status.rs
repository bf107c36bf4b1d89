//! `cargo migrate status [--format json]`

use crate::shell::{out, outln};
use migrate_core::{MigrationState, StatusEntry};
use migrate_runtime::Dialect;
use serde_json::json;

use super::Context;
use super::deploy::sqlite_file_missing;
use crate::cli::Format;
use crate::exit::{HISTORY, OK, PENDING};

/// Show each migration's state. Exit code 3 when something is pending, 4 when a migration
/// changed, went missing, failed or is out of order.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example: cargo migrate status --format json | jq '.migrations[] | select(.state != \"applied\")'"
)]
pub struct Args {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// One matrix for every environment of [package.metadata.migrate.environments]:
    /// migrations as rows, environments as columns
    #[arg(long, conflicts_with_all = ["database_url", "env"])]
    pub all_envs: bool,
}

pub async fn exec(cx: &Context<'_>, args: Args) -> anyhow::Result<i32> {
    if args.all_envs {
        return super::matrix::exec(cx, args.format).await;
    }
    let (url, dialect) = cx.target()?;
    let entries = if dialect == Dialect::Sqlite && sqlite_file_missing(&url) {
        migrate_core::status(cx.config.migrator(dialect)?.migrations(), &[])
    } else {
        let mut session = cx.session().await?;
        let entries = session.migrator.status_with(&mut session.conn).await;
        session.conn.close().await;
        entries?
    };
    match args.format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(&to_json(&entries))?),
        Format::Human => print_table(cx, &url, &entries)?,
    }
    Ok(exit_code(&entries))
}

pub fn exit_code<'a>(entries: impl IntoIterator<Item = &'a StatusEntry>) -> i32 {
    let entries: Vec<&StatusEntry> = entries.into_iter().collect();
    if entries
        .iter()
        .any(|e| e.state.is_problem() || e.state == MigrationState::OutOfOrder)
    {
        HISTORY
    } else if entries.iter().any(|e| e.state == MigrationState::Pending) {
        PENDING
    } else {
        OK
    }
}

fn to_json(entries: &[StatusEntry]) -> serde_json::Value {
    let count = |s: MigrationState| entries.iter().filter(|e| e.state == s).count();
    json!({
        "migrations": entries.iter().map(|e| json!({
            "version": e.version,
            "name": e.name,
            "state": e.state.as_str(),
            "path": e.path,
            "checksum": e.file_checksum.map(|c| c.to_hex()),
            "recorded_checksum": e.row.as_ref().map(|r| &r.checksum),
            "applied_at": e.row.as_ref().map(|r| &r.applied_at),
            "execution_ms": e.row.as_ref().map(|r| r.execution_ms),
            "applied_by": e.row.as_ref().map(|r| &r.applied_by),
            "error": e.row.as_ref().and_then(|r| r.error.as_ref()),
            "backup": e.row.as_ref().and_then(|r| r.backup.as_ref()),
        })).collect::<Vec<_>>(),
        "summary": {
            "applied": count(MigrationState::Applied),
            "pending": count(MigrationState::Pending),
            "changed": count(MigrationState::Changed),
            "missing": count(MigrationState::Missing),
            "out_of_order": count(MigrationState::OutOfOrder),
            "failed": count(MigrationState::Failed),
        }
    })
}

fn print_table(cx: &Context<'_>, url: &str, entries: &[StatusEntry]) -> anyhow::Result<()> {
    use std::fmt::Write;
    let mut out = String::new();
    let name_width = entries
        .iter()
        .map(|e| e.name.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let _ = writeln!(
        out,
        "{:<16} {:<name_width$} {:<12} {:<24} {:>9}",
        "VERSION", "NAME", "STATE", "APPLIED AT", "DURATION"
    );
    for e in entries {
        let (at, ms) = e.row.as_ref().map_or((String::new(), String::new()), |r| {
            (r.applied_at.clone(), format!("{} ms", r.execution_ms))
        });
        let _ = writeln!(
            out,
            "{:<16} {:<name_width$} {:<12} {:<24} {:>9}",
            e.version,
            e.name,
            e.state.as_str(),
            at,
            ms
        );
    }
    out!("{out}");
    let problems: Vec<&StatusEntry> = entries
        .iter()
        .filter(|e| e.state != MigrationState::Applied && e.state != MigrationState::Pending)
        .collect();
    if !problems.is_empty() {
        let owned: Vec<StatusEntry> = problems.into_iter().cloned().collect();
        cx.shell
            .warn(&migrate_core::HistoryProblems(owned).to_string());
    }
    let pending = entries
        .iter()
        .filter(|e| e.state == MigrationState::Pending)
        .count();
    let applied = entries
        .iter()
        .filter(|e| e.state == MigrationState::Applied)
        .count();
    cx.shell.status(
        "Status",
        &format!("{applied} applied, {pending} pending on {}", cx.shown(url)),
    );
    Ok(())
}
