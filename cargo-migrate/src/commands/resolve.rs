//! `cargo migrate resolve --applied V | --rolled-back V | --checksum V`

use migrate_runtime::{Resolution, Resolved};

use super::Context;
use crate::exit::OK;

/// Record a manual fix in the history table without running any migration SQL.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  cargo migrate resolve --applied 20240101120000      # you ran its SQL by hand\n  cargo migrate resolve --rolled-back 20240101120000  # you undid it by hand\n  cargo migrate resolve --checksum 20240101120000     # accept a reviewed edit of an applied file"
)]
#[group(id = "resolution", required = true, multiple = false)]
pub struct Args {
    /// Record the migration as applied (after running or finishing it by hand)
    #[arg(long, value_name = "VERSION", group = "resolution")]
    pub applied: Option<String>,
    /// Remove the migration's history row (after undoing it by hand)
    #[arg(long, value_name = "VERSION", group = "resolution")]
    pub rolled_back: Option<String>,
    /// Accept the file's current checksum for an applied migration (after a reviewed edit)
    #[arg(long, value_name = "VERSION", group = "resolution")]
    pub checksum: Option<String>,
}

pub async fn exec(cx: &Context<'_>, args: Args) -> anyhow::Result<i32> {
    let mut session = cx.session().await?;
    let typed = |flag: &str, text: &str| super::typed_version(&session.migrator, flag, text);
    let (resolution, verb, what) = match (args.applied, args.rolled_back, args.checksum) {
        (Some(v), _, _) => (
            Resolution::Applied {
                version: typed("--applied", &v)?,
            },
            "Resolved",
            format!("{v} recorded as applied"),
        ),
        (_, Some(v), _) => (
            Resolution::RolledBack {
                version: typed("--rolled-back", &v)?,
            },
            "Resolved",
            format!("{v} recorded as rolled back"),
        ),
        (_, _, Some(v)) => (
            Resolution::Checksum {
                version: typed("--checksum", &v)?,
            },
            "Resolved",
            format!("{v} now expects the file's current checksum"),
        ),
        _ => unreachable!("clap requires one of the group"),
    };
    let observer = cx.observer();
    let result = session
        .migrator
        .resolve_with(&mut session.conn, resolution, &cx.lock_options(&observer))
        .await;
    session.conn.close().await;
    match result? {
        Resolved::Recorded => cx.shell.status(verb, &format!("{what} (no SQL was run)")),
        Resolved::NothingToChange => cx.shell.status(
            verb,
            &format!("nothing to change: the history already has {what}"),
        ),
    }
    Ok(OK)
}
