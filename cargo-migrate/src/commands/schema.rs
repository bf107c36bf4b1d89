//! `cargo migrate schema [--format sql|json]`

use crate::shell::{out, outln};
use migrate_core::replay::replay;
use migrate_core::schema::to_sql;

use super::Context;
use crate::exit::OK;

/// Print the schema the migrations produce, replayed offline: no database is touched. The
/// dialect is the configured one, else the database URL's (when one is set), else SQLite.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  cargo migrate schema\n  cargo migrate schema --format json | jq '.tables[].name'"
)]
pub struct Args {
    /// Output format: readable CREATE statements, or a JSON document
    #[arg(long, value_enum, default_value_t = SchemaFormat::Sql)]
    pub format: SchemaFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaFormat {
    Sql,
    Json,
}

pub fn exec(cx: &Context<'_>, args: Args) -> anyhow::Result<i32> {
    let explicit = cx.common.database_url.is_some() || cx.common.env.is_some();
    let url = if explicit {
        Some(cx.config.database_url(&cx.common)?)
    } else if cx.config.dialect.is_none() {
        // Only the URL's scheme is used, to pick the dialect; nothing connects.
        cx.config.database_url(&cx.common).ok()
    } else {
        None
    };
    let dialect = cx.config.dialect_for(url.as_deref())?;
    cx.note_assumed_dialect(url.as_deref(), dialect);
    let migrator = cx.config.migrator(dialect)?;
    let schema = replay(migrator.migrations(), dialect).map_err(|e| {
        anyhow::anyhow!(
            "cannot replay the migrations of {}:\n{e}",
            cx.config.shown_dir()
        )
    })?;
    match args.format {
        SchemaFormat::Sql => out!("{}", to_sql(&schema)),
        SchemaFormat::Json => outln!("{}", crate::json::pretty(&crate::json::schema(&schema))),
    }
    cx.shell.status(
        "Replayed",
        &format!(
            "{} migration(s) of {} ({dialect}): {} table(s)",
            migrator.migrations().len(),
            cx.config.shown_dir(),
            schema.tables.len()
        ),
    );
    Ok(OK)
}
