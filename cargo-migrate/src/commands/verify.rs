//! `cargo migrate verify [--format json]`

use super::{Context, drift};
use crate::cli::Format;
use crate::exit::{HISTORY, OK};
use crate::shell::outln;

/// Check that the database is what its applied migrations say it is: the history against the
/// files, and the live schema against the schema replayed from the applied migrations (in
/// the order they were applied). Reads only. Exit code 4 on any drift or history problem.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example: cargo migrate verify --env prod\n\nEach difference is one line, e.g.\n  table users: column avatar_url is missing (added by migrations/20260104000000_add_avatar_url.up.sql:1)"
)]
pub struct Args {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

pub async fn exec(cx: &Context<'_>, args: Args) -> anyhow::Result<i32> {
    let (database, report) = drift::inspect(cx).await?;
    match args.format {
        Format::Json => outln!(
            "{}",
            crate::json::pretty(&drift::to_json(&database, &report))
        ),
        Format::Human => {
            for line in drift::review_lines(&report) {
                outln!("{line}");
            }
            if let Some(advice) = drift::history_advice(&report) {
                cx.shell.warn(&advice);
            }
            if !report.pending.is_empty() {
                cx.shell.warn(&format!(
                    "{} migration(s) pending: not part of the comparison (see `cargo migrate status`)",
                    report.pending.len()
                ));
            }
            let summary = format!(
                "{database} against {} applied migration(s)",
                report.applied.len()
            );
            if report.is_clean() {
                cx.shell.status("Verified", &format!("{summary}: no drift"));
            } else {
                cx.shell.warn_status(
                    "Drifted",
                    &format!(
                        "{summary}: {} difference(s), {} history problem(s){}",
                        report.differences.len(),
                        report.history_problems.len() + usize::from(!report.history_exists),
                        if report.differences.is_empty() {
                            ""
                        } else {
                            " (`cargo migrate diff --script` writes a repair)"
                        }
                    ),
                );
            }
        }
    }
    Ok(if report.is_clean() { OK } else { HISTORY })
}
