//! `cargo migrate deploy [--to VERSION] [--dry-run] [--allow-out-of-order]`

use crate::shell::outln;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context as _;

use migrate_core::{Migration, MigrationState, plan_deploy, status};
use migrate_runtime::{DeployOptions, Dialect, MigrateError, Stop};

use super::{Context, Session};
use crate::backup;
use crate::exit::{HistoryError, OK, UsageError};
use crate::signals;

/// Apply pending migrations in version order, each in its own transaction with its history
/// row. Refuses before running anything when an applied migration changed or went missing.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  cargo migrate deploy\n  cargo migrate deploy --to 20240101120000 --dry-run"
)]
pub struct Args {
    /// Apply pending migrations up to and including this version
    #[arg(long, value_name = "VERSION")]
    pub to: Option<String>,
    /// Print the plan and the SQL that would run; run nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Apply pending migrations older than the newest applied one too
    #[arg(long)]
    pub allow_out_of_order: bool,
    /// Continue the failed no-transaction migration VERSION at its first statement not
    /// done (refused when the text of its done statements changed), then apply the rest
    #[arg(long, value_name = "VERSION", conflicts_with = "dry_run")]
    pub resume: Option<String>,
    /// `--to`, read by the project's version rule (see `super::typed_version`).
    #[arg(skip)]
    pub to_version: Option<migrate_core::Version>,
    /// `--resume`, read by the project's version rule.
    #[arg(skip)]
    pub resume_version: Option<migrate_core::Version>,
    /// Seconds each migration statement may wait for a lock before it fails (PostgreSQL
    /// lock_timeout, SQLite busy timeout); 0: no limit. Default: `statement-lock-timeout`
    /// of [package.metadata.migrate], else 10
    #[arg(long, value_name = "SECS")]
    pub statement_lock_timeout: Option<u64>,
    /// Times a transactional migration that hit the statement lock timeout is retried, with
    /// backoff (1 s, 2 s, 4 s, …). Default: `lock-retries` of [package.metadata.migrate], else 3
    #[arg(long, value_name = "N")]
    pub lock_retries: Option<u32>,
    /// Deploy to `--env NAME` even when its `requires` environment lacks a migration
    #[arg(long)]
    pub skip_promotion_check: bool,
    /// Back the database up before applying anything (SQLite: VACUUM INTO; PostgreSQL:
    /// pg_dump). DIR defaults to `backups/` beside Cargo.toml; the path is printed and
    /// recorded in the history rows
    #[arg(long, value_name = "DIR", num_args = 0..=1)]
    pub backup: Option<Option<PathBuf>>,
}

pub async fn exec(cx: &Context<'_>, mut args: Args) -> anyhow::Result<i32> {
    if args.to.is_some() || args.resume.is_some() {
        let (_, dialect) = cx.target()?;
        let migrator = cx.config.migrator(dialect)?;
        if let Some(resume) = &args.resume {
            args.resume_version = Some(super::typed_version(&migrator, "--resume", resume)?);
        }
        if let Some(typed) = &args.to {
            let to = super::typed_version(&migrator, "--to", typed)?;
            if !migrator.migrations().iter().any(|m| m.version == to) {
                return Err(UsageError(format!(
                    "--to {typed}: no migration has version {to} (`cargo migrate status` lists them)"
                ))
                .into());
            }
            args.to_version = Some(to);
        }
    }
    if !args.skip_promotion_check {
        promotion_check(cx, &args).await?;
    }
    if args.dry_run {
        return dry_run(cx, &args).await;
    }
    let stop = Stop::new();
    signals::forward_to(&stop)?;
    let mut session = cx.session().await?;
    // `--resume` continues a migration of ours: there is a history of ours already.
    if args.resume.is_none() {
        let foreign = session
            .migrator
            .foreign_history_with(&mut session.conn)
            .await;
        if let Some(tool) = foreign? {
            session.conn.close().await;
            return Err(HistoryError(format!(
                "{} has `{}` ({}'s history) and no history of cargo-migrate: deploying would run \
                 again what {} applied.\n  Take its history over with `cargo migrate adopt {}` \
                 (it checks every applied file and runs nothing), then deploy",
                cx.shown(&session.url),
                tool.table(),
                tool.name(),
                tool.name(),
                tool.name()
            ))
            .into());
        }
    }
    let started = Instant::now();
    let backup = match &args.backup {
        Some(dir) => take_backup(cx, &mut session, dir.as_deref(), &args).await?,
        None => None,
    };
    let observer = cx.observer();
    let mut options = DeployOptions::new()
        .allow_out_of_order(args.allow_out_of_order)
        .lock_timeout(cx.lock_timeout())
        .observer(&observer)
        .stop(&stop)
        .lock_retries(
            args.lock_retries
                .or(cx.config.lock_retries)
                .unwrap_or(DEFAULT_LOCK_RETRIES),
        );
    options.to = args.to_version.as_ref();
    options.backup = backup.as_deref();
    options.resume = args.resume_version.as_ref();
    options.statement_lock_timeout = statement_lock_timeout(cx, &args);
    // PostgreSQL and MySQL/MariaDB: a second connection cancels the running statement on
    // SIGINT/SIGTERM (PostgreSQL: and reports who holds a lock a statement waits for).
    let mut sidecar = match session.conn.dialect() {
        Dialect::Postgres | Dialect::Mysql => cx.connect(&session.url).await.ok(),
        _ => None,
    };
    let result = session
        .migrator
        .run_watched(&mut session.conn, sidecar.as_mut(), &options)
        .await;
    session.conn.close().await;
    if let Some(sidecar) = sidecar {
        sidecar.close().await;
    }
    let report = match result {
        Err(MigrateError::Interrupted {
            reason,
            version,
            recorded,
            summary,
        }) => {
            let next = match version {
                Some(v) if recorded => format!(
                    "\n  Continue it with `cargo migrate deploy --resume {v}`, or finish its remaining statements by hand \
                     and run `cargo migrate resolve --applied {v}`, or undo its done statements by hand and run \
                     `cargo migrate resolve --rolled-back {v}`"
                ),
                _ => "\n  Deploy again to apply what is pending".to_owned(),
            };
            cx.shell.error(&format!("{summary}{next}"));
            return Ok(signals::exit_code(&reason));
        }
        other => other?,
    };
    let ms = started.elapsed().as_millis();
    if report.applied.is_empty() {
        cx.shell.status(
            "Finished",
            &format!("nothing to apply: {} is up to date", cx.shown(&session.url)),
        );
    } else {
        let n = report.applied.len();
        cx.shell.status(
            "Finished",
            &format!(
                "{n} migration{} applied to {} in {ms} ms",
                if n == 1 { "" } else { "s" },
                cx.shown(&session.url)
            ),
        );
    }
    Ok(OK)
}

/// A migration statement waits at most this long for a lock by default: long enough for
/// ordinary transactions to finish, short enough that the queue behind a waiting
/// `ACCESS EXCLUSIVE` request (every query on the table) is not an outage.
pub const DEFAULT_STATEMENT_LOCK_TIMEOUT: u64 = 10;
/// Retries of a transactional migration that hit that timeout, by default.
pub const DEFAULT_LOCK_RETRIES: u32 = 3;

/// The flag, else the config key, else the default; 0 means no limit.
pub fn statement_lock_timeout(cx: &Context<'_>, args: &Args) -> Option<Duration> {
    let secs = args
        .statement_lock_timeout
        .or(cx.config.statement_lock_timeout)
        .unwrap_or(DEFAULT_STATEMENT_LOCK_TIMEOUT);
    (secs > 0).then(|| Duration::from_secs(secs))
}

/// `deploy --env prod`, where prod `requires = "staging"`: every migration about to reach prod
/// must already be applied in staging (also when `--database-url` names prod's database).
async fn promotion_check(cx: &Context<'_>, args: &Args) -> anyhow::Result<()> {
    // With --database-url too, the URL is the target and `env`'s gate still applies to it.
    let Some(env) = &cx.common.env else {
        return Ok(());
    };
    let Some(required) = cx
        .config
        .environments
        .get(env)
        .and_then(|e| e.requires.clone())
    else {
        return Ok(());
    };
    let mut target = cx.session().await?;
    let plan: Vec<(migrate_core::Version, String)> = target
        .migrator
        .plan_with(
            &mut target.conn,
            args.to_version.as_ref(),
            args.allow_out_of_order,
        )
        .await?
        .into_iter()
        .map(|m| (m.version.clone(), m.name.to_string()))
        .collect();
    target.conn.close().await;
    if plan.is_empty() {
        return Ok(());
    }
    let url = cx
        .config
        .env_url(&required)
        .with_context(|| format!("checking `{required}`, which `{env}` requires"))?;
    let mut upstream = cx
        .session_at(url)
        .await
        .with_context(|| format!("checking `{required}`, which `{env}` requires"))?;
    let entries = upstream.migrator.status_with(&mut upstream.conn).await;
    upstream.conn.close().await;
    let entries = entries?;
    let missing: Vec<String> = plan
        .iter()
        .filter(|(version, _)| {
            !entries
                .iter()
                .any(|e| e.version == *version && e.state == MigrationState::Applied)
        })
        .map(|(version, name)| format!("{version} ({name})"))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    anyhow::bail!(
        "refusing to deploy to `{env}`: {} not applied in `{required}`, which `{env}` requires.\n  \
         Deploy to `{required}` first (`cargo migrate deploy --env {required}`), or pass --skip-promotion-check",
        if missing.len() == 1 {
            format!("migration {} is", missing[0])
        } else {
            format!("migrations {} are", missing.join(", "))
        }
    )
}

/// Backs the database up when something is pending; returns the backup's path.
async fn take_backup(
    cx: &Context<'_>,
    session: &mut Session,
    dir: Option<&Path>,
    args: &Args,
) -> anyhow::Result<Option<String>> {
    let plan = session
        .migrator
        .plan_with(
            &mut session.conn,
            args.to_version.as_ref(),
            args.allow_out_of_order,
        )
        .await?;
    if plan.is_empty() {
        return Ok(None);
    }
    let dir = dir.map_or_else(|| cx.config.manifest_dir.join("backups"), Path::to_path_buf);
    let dialect = session.conn.dialect();
    let path = backup::backup(&mut session.conn, &session.url, dialect, &dir)
        .await
        .context("nothing was applied, because the backup failed")?;
    cx.shell.status(
        "Backed up",
        &format!("{} to {}", cx.shown(&session.url), path.display()),
    );
    Ok(Some(path.display().to_string()))
}

/// Prints what a deploy would do; connects only to read the history.
async fn dry_run(cx: &Context<'_>, args: &Args) -> anyhow::Result<i32> {
    let (url, dialect) = cx.target()?;
    let plan: Vec<Migration> = if dialect == Dialect::Sqlite && sqlite_file_missing(&url) {
        // Nothing applied yet, and a dry run must not create the file.
        let migrator = cx.config.migrator(dialect)?;
        let entries = status(migrator.migrations(), &[]);
        let versions = plan_deploy(&entries, args.to_version.as_ref(), args.allow_out_of_order)?;
        migrator
            .migrations()
            .iter()
            .filter(|m| versions.contains(&m.version))
            .cloned()
            .collect()
    } else {
        let mut session = cx.session().await?;
        let plan = session
            .migrator
            .plan_with(
                &mut session.conn,
                args.to_version.as_ref(),
                args.allow_out_of_order,
            )
            .await;
        let plan = plan.map(|p| p.into_iter().cloned().collect());
        session.conn.close().await;
        plan?
    };
    if plan.is_empty() {
        cx.shell.status(
            "Finished",
            &format!("dry run: nothing to apply to {}", cx.shown(&url)),
        );
        return Ok(OK);
    }
    for m in &plan {
        let mode = if m.up.no_transaction {
            "without a transaction"
        } else {
            "in a transaction"
        };
        outln!("-- {} {} ({}, {mode})", m.version, m.name, m.up.path);
        outln!("{}", m.up.sql.trim_end());
        outln!();
    }
    cx.shell.status(
        "Dry run",
        &format!(
            "{} migration(s) would be applied to {}; nothing was run",
            plan.len(),
            cx.shown(&url)
        ),
    );
    Ok(OK)
}

/// Whether a `sqlite:` URL names a file that does not exist yet.
pub fn sqlite_file_missing(url: &str) -> bool {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let path = rest.split('?').next().unwrap_or(rest);
    !(path.is_empty() || path.contains(":memory:") || std::path::Path::new(path).exists())
}
