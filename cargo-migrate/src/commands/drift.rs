//! What `verify` and `diff` share: reading the database's report, and saying what it found.

use migrate_core::{MigrationState, StatusEntry};
use migrate_runtime::{Dialect, VerifyReport};
use serde_json::Value;

use super::Context;
use super::deploy::sqlite_file_missing;
use crate::exit::HistoryError;
use crate::json::object;

/// The database URL (for messages, redacted) and its verify report. Reads only.
pub async fn inspect(cx: &Context<'_>) -> anyhow::Result<(String, VerifyReport)> {
    let (url, dialect) = cx.target()?;
    if dialect == Dialect::Sqlite && sqlite_file_missing(&url) {
        // Connecting would create the file; a read-only verb must not.
        anyhow::bail!(
            "there is no SQLite database at {}: nothing to verify (check the URL, or run `cargo migrate deploy` first)",
            cx.shown(&url)
        );
    }
    let mut session = cx.session().await?;
    let report = session.migrator.verify_with(&mut session.conn).await;
    session.conn.close().await;
    Ok((cx.shown(&url), report?))
}

/// One line per problem: the history first, then each schema difference.
pub fn review_lines(report: &VerifyReport) -> Vec<String> {
    let mut lines = Vec::new();
    if !report.history_exists {
        lines.push(format!(
            "history table {} does not exist: no migration was deployed to this database",
            report.history_table
        ));
    }
    lines.extend(report.history_problems.iter().map(history_line));
    lines.extend(
        report
            .differences
            .iter()
            .map(|d| migrate_core::diff::review(d, &report.expected)),
    );
    lines
}

fn history_line(e: &StatusEntry) -> String {
    let path = e.path.as_deref().unwrap_or("(no file)");
    let what = match e.state {
        MigrationState::Changed => format!(
            "{path} was changed after it was applied (the comparison replays the file as it is now)"
        ),
        MigrationState::Missing => {
            "is recorded as applied but its file is gone (it cannot be replayed)".to_owned()
        }
        MigrationState::Failed => "failed part-way and needs a manual fix".to_owned(),
        MigrationState::OutOfOrder => {
            format!("{path} is older than applied migrations but was never applied")
        }
        state => state.to_string(),
    };
    format!("migration {} ({}): {what}", e.version, e.name)
}

/// The remedies of the history problems, for stderr.
pub fn history_advice(report: &VerifyReport) -> Option<String> {
    if !report.history_exists {
        return Some(format!(
            "run `cargo migrate deploy`; if the schema was made another way, record it with `cargo migrate baseline <version>` or `cargo migrate adopt <tool>` (history table: {})",
            report.history_table
        ));
    }
    if report.history_problems.is_empty() {
        return None;
    }
    Some(crate::report::history_problems(&report.history_problems))
}

/// The `--format json` document of `verify`.
pub fn to_json(database: &str, report: &VerifyReport) -> Value {
    object([
        ("database", database.into()),
        ("dialect", report.expected.dialect.as_str().into()),
        ("clean", report.is_clean().into()),
        ("history_table", report.history_table.as_str().into()),
        ("history_exists", report.history_exists.into()),
        (
            "applied",
            Value::Array(report.applied.iter().map(crate::json::version).collect()),
        ),
        (
            "pending",
            Value::Array(report.pending.iter().map(crate::json::version).collect()),
        ),
        (
            "history_problems",
            Value::Array(
                report
                    .history_problems
                    .iter()
                    .map(|e| {
                        object([
                            ("version", crate::json::version(&e.version)),
                            ("name", e.name.as_str().into()),
                            ("state", e.state.as_str().into()),
                            ("path", e.path.clone().into()),
                            ("message", history_line(e).into()),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "differences",
            Value::Array(
                report
                    .differences
                    .iter()
                    .map(|d| crate::json::difference(d, &report.expected))
                    .collect(),
            ),
        ),
    ])
}

/// Refuses to build a repair on a database without history: it would drop everything.
pub fn require_history(report: &VerifyReport) -> anyhow::Result<()> {
    if report.history_exists {
        return Ok(());
    }
    Err(HistoryError(format!(
        "history table {} does not exist: no migration was deployed to this database, so there is nothing to compare it with.\n  \
         Run `cargo migrate deploy`, or record an existing schema with `cargo migrate baseline <version>`",
        report.history_table
    ))
    .into())
}
