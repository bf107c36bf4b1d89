//! `cargo migrate lint [--all] [--postgres-version N] [--disable RULE] [--format text|json]`

use anyhow::Context as _;
use migrate_core::integrity::SUM_FILE;
use migrate_core::lint::{Finding, LintOptions, RULES, lint};
use serde_json::json;

use super::Context;
use crate::exit::{FAILURE, OK};
use crate::shell::outln;

/// Find migrations that are correct but unsafe on a live database: locks that block writes,
/// table rewrites, changes that break the code still running. Offline: each migration is
/// judged against the schema replayed up to it, so changes to a table created by a migration
/// not yet deployed are free. By default only the migrations not yet listed in migrate.sum
/// (new since the last `cargo migrate hash`) are linted; every one when there is no
/// migrate.sum. Silence a finding with `-- migrate:allow <rule> <reason>` above its statement
/// (or above the first statement, for the whole file). Exit code 1 when anything is found.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  cargo migrate lint\n  cargo migrate lint --all --postgres-version 12\n  cargo migrate lint --list"
)]
pub struct Args {
    /// Lint every migration, each judged as if the ones before it were deployed (by default
    /// only those missing from migrate.sum, judged together as one change)
    #[arg(long)]
    pub all: bool,
    /// The PostgreSQL major version the migrations will run on (version-gated rules)
    #[arg(long, value_name = "MAJOR", default_value_t = 15)]
    pub postgres_version: u32,
    /// A rule not to report (repeat for more)
    #[arg(long, value_name = "RULE")]
    pub disable: Vec<String>,
    /// List the rules, why each matters and the safe alternative, then exit
    #[arg(long)]
    pub list: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    pub format: LintFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LintFormat {
    Text,
    Json,
}

pub fn exec(cx: &Context<'_>, args: Args) -> anyhow::Result<i32> {
    if args.list {
        for rule in RULES {
            outln!("{}\n    why: {}\n    fix: {}", rule.id, rule.why, rule.fix);
        }
        return Ok(OK);
    }
    if let Some(unknown) = args
        .disable
        .iter()
        .find(|d| !RULES.iter().any(|r| r.id == d.as_str()))
    {
        return Err(crate::exit::UsageError(format!(
            "--disable {unknown}: no such rule (see `cargo migrate lint --list`)"
        ))
        .into());
    }
    let dialect = cx.config.dialect_for(None)?;
    cx.note_assumed_dialect(None, dialect);
    if !matches!(
        dialect,
        migrate_runtime::Dialect::Postgres | migrate_runtime::Dialect::Sqlite
    ) {
        cx.shell.warn(&format!(
            "lint has rules for PostgreSQL and SQLite only so far: nothing is judged for {dialect}"
        ));
    }
    let migrator = cx.config.migrator(dialect)?;
    let migrations = migrator.migrations();
    let sum_path = cx.config.dir.join(SUM_FILE);
    let listed: Option<Vec<String>> = if args.all {
        None
    } else {
        match std::fs::read_to_string(&sum_path) {
            Ok(text) => Some(
                text.lines()
                    .filter(|l| !l.starts_with('#'))
                    .filter_map(|l| l.split_once("  ").map(|(_, name)| name.trim().to_owned()))
                    .collect(),
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(e).with_context(|| format!("cannot read {}", sum_path.display()));
            }
        }
    };
    let prefix = format!("{}/", cx.config.shown_dir().trim_end_matches('/'));
    let is_new = |m: &migrate_core::Migration| match &listed {
        None => true,
        Some(names) => {
            let name =
                m.up.path
                    .strip_prefix(prefix.as_str())
                    .unwrap_or(&m.up.path);
            !names.iter().any(|n| n == name)
        }
    };
    let linted = migrations.iter().filter(|m| is_new(m)).count();
    let mut options = LintOptions::default();
    options.postgres_version = args.postgres_version;
    options.disabled = args.disable.clone();
    options.each_alone = args.all;
    let findings = lint(migrations, dialect, |_, m| is_new(m), &options);
    match args.format {
        LintFormat::Text => {
            for f in &findings {
                outln!("{}", render(f));
            }
        }
        LintFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "linted": linted,
                "findings": findings.iter().map(|f| json!({
                    "rule": f.rule,
                    "path": f.path,
                    "line": f.at.line,
                    "column": f.at.col,
                    "message": f.message,
                    "help": f.help,
                })).collect::<Vec<_>>(),
            }))?
        ),
    }
    let scope = if listed.is_some() {
        "new since migrate.sum"
    } else {
        "(every migration)"
    };
    cx.shell.status(
        "Linted",
        &format!(
            "{linted} migration(s) {scope} ({dialect}): {} finding(s)",
            findings.len()
        ),
    );
    Ok(if findings.is_empty() { OK } else { FAILURE })
}

/// A finding as rustc shows a warning: the rule, the place, the line, a caret, the fix.
fn render(f: &Finding) -> String {
    let line = f.at.line.to_string();
    let pad = " ".repeat(line.len());
    // The line shown starts where the statement starts: the caret is under its first word.
    let caret = "^";
    format!(
        "warning[{rule}]: {message}\n{pad}--> {path}:{at}\n{pad} |\n{line} | {text}\n{pad} | {caret}\n{pad} = help: {help}\n",
        rule = f.rule,
        message = f.message,
        path = f.path,
        at = f.at,
        text = f.line_text,
        help = f.help,
    )
}
