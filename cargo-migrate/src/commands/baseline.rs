//! `cargo migrate baseline VERSION`

use super::Context;
use crate::exit::OK;

/// Mark every migration up to VERSION as applied without running it, on a database that
/// already has that schema (made by hand or by another tool).
#[derive(Debug, clap::Args)]
#[command(after_help = "Example: cargo migrate baseline 20240101120000")]
pub struct Args {
    /// The newest migration the database already has
    pub version: i64,
}

pub async fn exec(cx: &Context<'_>, args: Args) -> anyhow::Result<i32> {
    let mut session = cx.session().await?;
    let result = session
        .migrator
        .baseline_with(&mut session.conn, args.version)
        .await;
    session.conn.close().await;
    let recorded = result?;
    cx.shell.status(
        "Baselined",
        &format!(
            "{} migration(s) up to {} recorded as applied on {} (no SQL was run)",
            recorded.len(),
            args.version,
            cx.shown(&session.url)
        ),
    );
    Ok(OK)
}
