//! `cargo migrate revert [--to VERSION]`

use migrate_runtime::RevertOptions;

use super::Context;
use crate::exit::OK;

/// Run down migrations, newest first: by default the newest applied one. Refuses, before
/// running anything, when a needed down file is missing.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  cargo migrate revert\n  cargo migrate revert --to 20240101120000   # keeps 20240101120000 applied\n  cargo migrate revert --to 0                # reverts everything"
)]
pub struct Args {
    /// Keep this version applied and revert every newer one (`0` reverts all)
    #[arg(long, value_name = "VERSION")]
    pub to: Option<i64>,
}

pub async fn exec(cx: &Context<'_>, args: Args) -> anyhow::Result<i32> {
    let mut session = cx.session().await?;
    let observer = cx.observer();
    let options = RevertOptions {
        to: args.to,
        lock_timeout: cx.lock_timeout(),
        observer: &observer,
    };
    let result = session
        .migrator
        .revert_with(&mut session.conn, &options)
        .await;
    session.conn.close().await;
    let reverted = result?;
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
