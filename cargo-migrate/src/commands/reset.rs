//! `cargo migrate reset --force`

use migrate_runtime::DeployOptions;

use super::Context;
use crate::exit::{OK, UsageError};

/// Drop every table, view and schema of a DEVELOPMENT database, then apply all migrations
/// again. All data is lost; it refuses without --force.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example: cargo migrate reset --force --database-url sqlite:dev.db")]
pub struct Args {
    /// Really drop everything in the database
    #[arg(long)]
    pub force: bool,
}

pub async fn exec(cx: &Context<'_>, args: Args) -> anyhow::Result<i32> {
    let (url, _) = cx.target()?;
    if !args.force {
        return Err(UsageError(format!(
            "reset drops every table and all data in {}: it is for development databases only. Rerun with --force if that is what you want",
            cx.shown(&url)
        ))
        .into());
    }
    let mut session = cx.session().await?;
    let observer = cx.observer();
    let result = async {
        session
            .migrator
            .reset_with(&mut session.conn, &cx.lock_options(&observer))
            .await?;
        cx.shell.warn_status(
            "Dropped",
            &format!("every object in {}", cx.shown(&session.url)),
        );
        let options = DeployOptions::new()
            .lock_timeout(cx.lock_timeout())
            .observer(&observer);
        session.migrator.run_with(&mut session.conn, &options).await
    }
    .await;
    session.conn.close().await;
    let report = result?;
    cx.shell.status(
        "Finished",
        &format!("reset, {} migration(s) applied", report.applied.len()),
    );
    Ok(OK)
}
