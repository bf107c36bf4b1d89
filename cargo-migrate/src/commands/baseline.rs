//! `cargo migrate baseline VERSION`

use migrate_runtime::BaselineOptions;

use super::Context;
use crate::exit::OK;

/// Mark every migration up to VERSION as applied without running it, on a database that
/// already has that schema (made by hand or by another tool). Takes the deploy lock, and
/// refuses when the live schema differs from the schema of those migrations.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example: cargo migrate baseline 20240101120000")]
pub struct Args {
    /// The newest migration the database already has
    pub version: String,
    /// Record them even when the live schema differs from what they produce
    #[arg(long)]
    pub force: bool,
}

pub async fn exec(cx: &Context<'_>, args: Args) -> anyhow::Result<i32> {
    let mut session = cx.session().await?;
    let version = super::typed_version(&session.migrator, "baseline", &args.version)?;
    let observer = cx.observer();
    let options = BaselineOptions::new()
        .force(args.force)
        .lock(cx.lock_options(&observer));
    let result = session
        .migrator
        .baseline_with(&mut session.conn, &version, &options)
        .await;
    session.conn.close().await;
    let recorded = result.map_err(|e| match e {
        e @ migrate_runtime::MigrateError::BaselineDrift { .. } => {
            anyhow::Error::new(e).context("baseline refused (pass --force to record anyway)")
        }
        e => e.into(),
    })?;
    cx.shell.status(
        "Baselined",
        &format!(
            "{} migration(s) up to {} recorded as applied on {} (no SQL was run)",
            recorded.len(),
            version,
            cx.shown(&session.url)
        ),
    );
    Ok(OK)
}
