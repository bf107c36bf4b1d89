//! `cargo migrate status [--format json]`

use crate::shell::{out, outln};
use migrate_core::{MigrationState, Progress, StatusEntry};
use migrate_runtime::{Dialect, LockKind, LockState};
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
    let (entries, live, lock) = if dialect == Dialect::Sqlite && sqlite_file_missing(&url) {
        (
            migrate_core::status(cx.config.migrator(dialect)?.migrations(), &[]),
            false,
            None,
        )
    } else {
        let mut session = cx.session().await?;
        let entries = session.migrator.status_with(&mut session.conn).await;
        // A `running` row is still running only while a deployer holds the lock.
        let live = match &entries {
            Ok(entries) if entries.iter().any(is_running) => {
                session
                    .migrator
                    .deploy_in_progress_with(&mut session.conn)
                    .await
            }
            _ => Ok(false),
        };
        let lock = session.migrator.lock_state_with(&mut session.conn).await;
        session.conn.close().await;
        (entries?, live?, lock?)
    };
    match args.format {
        Format::Json => {
            let mut json = to_json(&entries, live);
            json["lock"] = lock.as_ref().map_or(serde_json::Value::Null, lock_json);
            outln!("{}", serde_json::to_string_pretty(&json)?)
        }
        Format::Human => {
            print_table(cx, &url, &entries, live)?;
            if let Some(line) = lock.as_ref().and_then(lock_line) {
                cx.shell.status("Lock", &line);
            }
        }
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

fn lock_json(lock: &LockState) -> serde_json::Value {
    json!({
        "kind": match lock.kind {
            LockKind::Advisory => "advisory",
            LockKind::Lease => "lease",
            _ => "database",
        },
        "why": lock.why,
        "holder": lock.holder,
        "expires_in_s": lock.expires_in,
        "lease_s": lock.lease.map(|d| d.as_secs()),
    })
}

/// The lock line of the human output: shown for the lease lock, and for an advisory lock
/// someone holds now (a free advisory lock, the usual case, says nothing).
pub fn lock_line(lock: &LockState) -> Option<String> {
    let holder = match (&lock.holder, lock.expires_in) {
        (Some(h), Some(left)) if left > 0.0 => format!("held by {h}, expires in {left:.0}s"),
        (Some(h), Some(left)) => {
            format!("free: the lease of {h} expired {:.0}s ago", -left)
        }
        (Some(h), None) => format!("held by {h}"),
        (None, _) => "free".to_owned(),
    };
    match lock.kind {
        LockKind::Lease => Some(format!("{} ({holder}): {}", lock.kind, lock.why)),
        _ if lock.holder.is_some() => Some(format!("{} ({holder})", lock.kind)),
        _ => None,
    }
}

/// Whether the row was committed as `running` and never finished.
fn is_running(e: &StatusEntry) -> bool {
    progress(e).is_some_and(|p| p.running)
}

fn progress(e: &StatusEntry) -> Option<&Progress> {
    e.row.as_ref().and_then(|r| r.progress.as_ref())
}

/// The state shown: `running` for a row a live deployer is working on.
fn shown_state(e: &StatusEntry, live: bool) -> &'static str {
    if live && is_running(e) {
        "running"
    } else {
        e.state.as_str()
    }
}

fn to_json(entries: &[StatusEntry], live: bool) -> serde_json::Value {
    let count = |s: MigrationState| entries.iter().filter(|e| e.state == s).count();
    json!({
        "migrations": entries.iter().map(|e| json!({
            "version": super::version_json(&e.version),
            "name": e.name,
            "state": shown_state(e, live),
            "statements_done": progress(e).map(|p| p.done),
            "statements_total": progress(e).map(|p| p.total),
            "interrupted": progress(e).map(|p| p.running && !live),
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

fn print_table(
    cx: &Context<'_>,
    url: &str,
    entries: &[StatusEntry],
    live: bool,
) -> anyhow::Result<()> {
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
        let progress = progress(e)
            .filter(|_| e.state == MigrationState::Failed)
            .map(|p| format!("  {}", p.summary()))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{:<16} {:<name_width$} {:<12} {:<24} {:>9}{progress}",
            e.version,
            e.name,
            shown_state(e, live),
            at,
            ms
        );
    }
    out!("{out}");
    let problems: Vec<&StatusEntry> = entries
        .iter()
        .filter(|e| e.state != MigrationState::Applied && e.state != MigrationState::Pending)
        .filter(|e| !(live && is_running(e)))
        .collect();
    for e in entries.iter().filter(|e| live && is_running(e)) {
        cx.shell.warn_status(
            "Running",
            &format!(
                "migration {} ({}) is being applied by a deploy that holds the lock now: {} so far",
                e.version,
                e.name,
                progress(e).map(Progress::summary).unwrap_or_default()
            ),
        );
    }
    if !problems.is_empty() {
        let owned: Vec<StatusEntry> = problems.into_iter().cloned().collect();
        cx.shell.warn(&crate::report::history_problems(&owned));
    }
    cx.shell.status(
        "Status",
        &format!("{} on {}", summary(entries), cx.shown(url)),
    );
    Ok(())
}

/// `3 applied, 1 pending, 1 failed, 1 changed, 1 missing`: applied and pending always, every
/// other state when some migration is in it.
pub fn summary(entries: &[StatusEntry]) -> String {
    use MigrationState::*;
    let mut parts = Vec::new();
    for state in [Applied, Pending, Failed, Changed, Missing, OutOfOrder] {
        let n = entries.iter().filter(|e| e.state == state).count();
        if n > 0 || matches!(state, Applied | Pending) {
            parts.push(format!("{n} {}", state.as_str()));
        }
    }
    parts.join(", ")
}
