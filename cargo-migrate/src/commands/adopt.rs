//! `cargo migrate adopt sqlx|diesel|prisma`

use migrate_runtime::Tool;

use super::Context;
use crate::exit::OK;

/// Take over another tool's history table without re-running anything: every applied row
/// is checked against the files, then recorded in cargo-migrate's history. The other
/// tool's table is left as it is.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example: cargo migrate adopt sqlx")]
pub struct Args {
    /// The tool whose history to take over (`_sqlx_migrations`, `__diesel_schema_migrations`, `_prisma_migrations`)
    #[arg(value_enum)]
    pub tool: ToolArg,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ToolArg {
    Sqlx,
    Diesel,
    Prisma,
}

pub async fn exec(cx: &Context<'_>, args: Args) -> anyhow::Result<i32> {
    let tool = match args.tool {
        ToolArg::Sqlx => Tool::Sqlx,
        ToolArg::Diesel => Tool::Diesel,
        ToolArg::Prisma => Tool::Prisma,
    };
    let mut session = cx.session().await?;
    let observer = cx.observer();
    let result = session
        .migrator
        .adopt_with(&mut session.conn, tool, &cx.lock_options(&observer))
        .await;
    session.conn.close().await;
    let report = result?;
    cx.shell.status(
        "Adopted",
        &format!(
            "{} applied migration(s) from {} ({} already recorded); nothing was re-run. \
             The old table {} is untouched: drop it when you no longer need it",
            report.recorded.len(),
            tool.table(),
            report.already_recorded,
            tool.table()
        ),
    );
    Ok(OK)
}
