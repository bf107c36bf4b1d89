//! `cargo migrate lint [--all | --since REF | --offline] [--postgres-version N] [--disable RULE]
//! [--format text|json|sarif]`

mod output;
mod select;

use migrate_core::Severity;
use migrate_core::lint::{LintOptions, RULES, lint};

pub use output::{Judged, text};
pub use select::Request;

use super::Context;
use crate::exit::{FAILURE, OK};
use crate::shell::outln;

/// Find migrations that are correct but unsafe on a live database: locks that block writes,
/// table rewrites, changes that break the code still running. Offline: each migration is
/// judged against the schema replayed up to it, so changes to a table created by a migration
/// not yet deployed are free. By default the migrations not yet applied on the database of
/// the URL (--database-url, --env, DATABASE_URL, .env), which also gives the server version;
/// without one, those not yet listed in migrate.sum (every one when there is none). Silence a
/// finding with `-- migrate:allow <rule> <reason>` above its statement (or above the first
/// statement, for the whole file); `[package.metadata.migrate.lint]` turns rules off or into
/// warnings. Exit code 1 when a finding is an error.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  cargo migrate lint\n  cargo migrate lint --since origin/main --format sarif > lint.sarif\n  cargo migrate lint --all --postgres-version 12\n  cargo migrate lint --list"
)]
pub struct Args {
    /// Lint every migration, each judged as if the ones before it were deployed
    #[arg(long, conflicts_with_all = ["since"])]
    pub all: bool,
    /// Lint the migration files added since this git ref (a branch, tag or commit), judged
    /// together as one change
    #[arg(long, value_name = "REF")]
    pub since: Option<String>,
    /// Use no database even when a URL is configured: lint the migrations missing from
    /// migrate.sum
    #[arg(long)]
    pub offline: bool,
    /// The PostgreSQL major version the migrations will run on (version-gated rules); wins
    /// over the server's and over `lint.postgres-version` (default 15)
    #[arg(long, value_name = "MAJOR")]
    pub postgres_version: Option<u32>,
    /// A rule not to report (repeat for more)
    #[arg(long, value_name = "RULE")]
    pub disable: Vec<String>,
    /// List the rules, why each matters and the safe alternative, then exit
    #[arg(long)]
    pub list: bool,
    /// Output format (GitHub Actions annotations are added to text when GITHUB_ACTIONS=true)
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    pub format: LintFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LintFormat {
    Text,
    Json,
    Sarif,
}

/// What one lint run found.
pub struct Report {
    pub findings: Vec<Judged>,
    pub linted: usize,
    pub scope: String,
    pub dialect: migrate_runtime::Dialect,
    pub postgres_version: u32,
}

impl Report {
    /// Whether a finding fails the exit code.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|(_, s)| *s == Severity::Error)
    }
}

pub async fn exec(cx: &Context<'_>, args: Args) -> anyhow::Result<i32> {
    if args.list {
        for rule in RULES {
            let severity = match cx.config.lint.severity(rule.id) {
                Severity::Off => "off",
                Severity::Warning => "warning",
                Severity::Error => "error",
            };
            outln!(
                "{}\n    why: {}\n    fix: {}\n    severity: {severity}",
                rule.id,
                rule.why,
                rule.fix
            );
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
    let request = Request {
        all: args.all,
        since: args.since.clone(),
        offline: args.offline,
        dialect: None,
    };
    let report = run(cx, &request, args.postgres_version, &args.disable).await?;
    match args.format {
        LintFormat::Text => {
            for f in &report.findings {
                outln!("{}", text(f));
            }
            if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
                for f in &report.findings {
                    outln!("{}", output::github(f));
                }
            }
        }
        LintFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&output::json(report.linted, &report.findings))?
        ),
        LintFormat::Sarif => outln!(
            "{}",
            serde_json::to_string_pretty(&output::sarif(&report.findings))?
        ),
    }
    status(cx, &report);
    Ok(if report.has_errors() { FAILURE } else { OK })
}

/// The `Linted …` status line.
pub fn status(cx: &Context<'_>, report: &Report) {
    let errors = report
        .findings
        .iter()
        .filter(|(_, s)| *s == Severity::Error)
        .count();
    let version = if report.dialect == migrate_runtime::Dialect::Postgres {
        format!(" {}", report.postgres_version)
    } else {
        String::new()
    };
    if report.linted == 0 {
        // Nothing chosen (every migration is in migrate.sum, applied, …): no counts to give.
        cx.shell.status(
            "Linted",
            &format!("no migration: none {} ({})", report.scope, report.dialect),
        );
        return;
    }
    cx.shell.status(
        "Linted",
        &format!(
            "{} migration(s) {} ({}{version}): {} finding(s), {errors} error(s)",
            report.linted,
            report.scope,
            report.dialect,
            report.findings.len(),
        ),
    );
}

/// Chooses the migrations and lints them with the configuration's rules and severities;
/// `postgres_version` (a flag) wins over the server's, then `lint.postgres-version`, then 15.
pub async fn run(
    cx: &Context<'_>,
    request: &Request,
    postgres_version: Option<u32>,
    disable: &[String],
) -> anyhow::Result<Report> {
    let choice = select::choose(cx, request).await?;
    let dialect = choice.dialect;
    let config = &cx.config.lint;
    let mut options = LintOptions::default();
    options.postgres_version = postgres_version
        .or(choice.server_version)
        .or(config.postgres_version)
        .unwrap_or(options.postgres_version);
    options.disabled = disable.to_vec();
    options.disabled.extend(
        config
            .rules
            .iter()
            .filter(|(_, s)| **s == Severity::Off)
            .map(|(r, _)| r.clone()),
    );
    options.each_alone = request.all;
    let linted = choice.linted.iter().filter(|l| **l).count();
    let findings = lint(
        choice.migrator.migrations(),
        dialect,
        |i, _| choice.linted[i],
        &options,
    )
    .into_iter()
    .map(|f| {
        let severity = config.severity(f.rule);
        (f, severity)
    })
    .collect();
    Ok(Report {
        findings,
        linted,
        scope: choice.scope,
        dialect,
        postgres_version: options.postgres_version,
    })
}
