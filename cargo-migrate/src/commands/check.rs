//! `cargo migrate check`

use std::time::{SystemTime, UNIX_EPOCH};

use migrate_core::integrity::{self, SUM_FILE};
use migrate_runtime::__private::url::with_database;
use migrate_runtime::{AnyConnection, ConnectOptions, DeployOptions, Dialect, RevertOptions};

use super::{Context, Session};
use crate::exit::{FAILURE, HISTORY, OK, PENDING};

/// Check the migrations for CI, without a database: every file is well-formed, versions are
/// unique, the checksums match the committed `migrate.sum`, and `cargo migrate lint` passes on
/// the migrations not yet in it (exit 1 on an error finding). With --database-url (or
/// --env), also a round trip on a scratch database created and dropped for it: apply
/// everything, revert everything that has down files, apply again.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  cargo migrate check\n  cargo migrate check --database-url postgres://ci@localhost/postgres"
)]
pub struct Args {}

pub async fn exec(cx: &Context<'_>, _args: Args) -> anyhow::Result<i32> {
    let explicit_url = cx.common.database_url.is_some() || cx.common.env.is_some();
    let url = if explicit_url {
        Some(cx.config.database_url(&cx.common)?)
    } else {
        None
    };
    // Without a configured dialect, DATABASE_URL's scheme picks it (nothing connects to it).
    let dialect_url = match (&url, cx.config.dialect) {
        (None, None) => cx.config.database_url(&cx.common).ok(),
        _ => url.clone(),
    };
    let dialect = cx.config.dialect_for(dialect_url.as_deref())?;
    cx.note_assumed_dialect(dialect_url.as_deref(), dialect);
    // Well-formed, unique versions, ordered: loading checks all of it and reports every problem.
    let migrator = cx.config.migrator(dialect)?;
    cx.shell.status(
        "Checked",
        &format!(
            "{} migration(s) in {}",
            migrator.migrations().len(),
            cx.config.shown_dir()
        ),
    );

    let entries = integrity::entries(migrator.migrations(), &cx.config.shown_dir());
    let sum_path = cx.config.dir.join(SUM_FILE);
    let mut code = OK;
    match std::fs::read_to_string(&sum_path) {
        Ok(text) => {
            let problems = integrity::compare(&entries, &text);
            for p in &problems {
                cx.shell.error(&format!("{}/{p}", cx.config.shown_dir()));
            }
            if problems.iter().any(|p| !p.is_pending()) {
                code = HISTORY;
            } else if !problems.is_empty() {
                code = PENDING;
            } else {
                cx.shell.status("Checked", &format!("{} files against {SUM_FILE}", entries.len()));
            }
        }
        Err(_) => cx.shell.warn(&format!(
            "no {}/{SUM_FILE}: run `cargo migrate hash` and commit it, so edited or unreviewed migrations fail CI",
            cx.config.shown_dir()
        )),
    }
    // Down files are loaded even when they do not parse (deploy never runs them): here
    // they must, before a `revert` needs them.
    let down_problems: Vec<_> = migrator
        .migrations()
        .iter()
        .filter_map(|m| m.down.as_ref())
        .flat_map(|down| down.problems(dialect))
        .collect();
    if !down_problems.is_empty() {
        for e in &down_problems {
            cx.shell.error(&e.to_string());
        }
        anyhow::bail!(
            "{} problem(s) in down files: `revert` would refuse them; fix them, then run `cargo migrate hash`",
            down_problems.len()
        );
    }
    // The whole folder replays (what the compile-time checks and `verify` stand on).
    match migrate_core::replay::replay(migrator.migrations(), dialect) {
        Ok(schema) => cx.shell.status(
            "Replayed",
            &format!(
                "{} table(s), {} enum type(s)",
                schema.tables.len(),
                schema.enums.len()
            ),
        ),
        Err(errors) => {
            for e in &errors.0 {
                cx.shell.error(&e.to_string());
            }
            anyhow::bail!(
                "the migrations do not replay ({} error(s)): give each statement above a replay override in {}/.replay/ (its way out), or fix it in a file not yet applied",
                errors.0.len(),
                cx.config.shown_dir()
            );
        }
    }
    // Lint, on the migrations it chooses by default offline (those not in migrate.sum).
    let request = super::lint::Request {
        offline: true,
        dialect: Some(dialect),
        ..Default::default()
    };
    let report = super::lint::run(cx, &request, None, &[]).await?;
    for finding in &report.findings {
        crate::shell::outln!("{}", super::lint::text(finding));
    }
    super::lint::status(cx, &report);
    if report.has_errors() && code != HISTORY {
        code = FAILURE;
    }
    if let Some(url) = url {
        round_trip(cx, &url, dialect).await?;
    }
    Ok(code)
}

/// Applies, reverts and re-applies everything on a scratch database next to `url`.
async fn round_trip(cx: &Context<'_>, url: &str, dialect: Dialect) -> anyhow::Result<()> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = format!("migrate_check_{}_{nanos}", std::process::id());
    let options = ConnectOptions::default();
    let (scratch_url, _dir, mut admin) = match dialect {
        Dialect::Postgres | Dialect::Mysql => {
            let mut admin = AnyConnection::connect(url, &options).await?;
            admin
                .execute(&format!("CREATE DATABASE {}", quote(dialect, &name)))
                .await
                .map_err(|e| {
                    anyhow::anyhow!(
                        "cannot create a scratch database next to {}: {}",
                        cx.shown(url),
                        e.message
                    )
                })?;
            (with_database(url, &name), None, Some(admin))
        }
        _ => {
            let dir = tempfile::tempdir()?;
            (
                format!("sqlite:{}", dir.path().join("check.db").display()),
                Some(dir),
                None,
            )
        }
    };
    let result = async {
        let mut s: Session = cx.session_at(scratch_url.clone()).await?;
        let result = exercise(cx, &mut s).await;
        s.conn.close().await;
        result
    }
    .await;
    if let Some(admin) = admin.as_mut() {
        if dialect == Dialect::Postgres {
            // Sessions the exercise left behind (`DROP DATABASE … WITH (FORCE)` does this on
            // PostgreSQL 13 and later only; 12 refuses the option).
            let _ = admin
                .execute(&format!(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                     WHERE datname = '{name}' AND pid <> pg_backend_pid()"
                ))
                .await;
        }
        let _ = admin
            .execute(&format!(
                "DROP DATABASE IF EXISTS {}",
                quote(dialect, &name)
            ))
            .await;
    }
    if let Some(admin) = admin {
        admin.close().await;
    }
    result
}

/// The scratch database's name as `dialect` quotes identifiers (it is ours: letters, digits
/// and `_`).
fn quote(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::Mysql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    }
}

async fn exercise(cx: &Context<'_>, s: &mut Session) -> anyhow::Result<()> {
    let options = DeployOptions::new().lock_timeout(cx.lock_timeout());
    let applied = s
        .migrator
        .run_with(&mut s.conn, &options)
        .await?
        .applied
        .len();
    verify_clean(s, "after applying everything").await?;
    // Revert as far as down files allow: everything newer than the newest migration without one.
    let floor = s
        .migrator
        .migrations()
        .iter()
        .filter(|m| m.down.is_none())
        .map(|m| m.version.clone())
        .max()
        .unwrap_or(migrate_core::Version::Number(0));
    let revert = RevertOptions::new()
        .to(&floor)
        .lock_timeout(cx.lock_timeout());
    let reverted = s.migrator.revert_with(&mut s.conn, &revert).await?.len();
    let again = s
        .migrator
        .run_with(&mut s.conn, &options)
        .await?
        .applied
        .len();
    verify_clean(s, "after reverting and applying again").await?;
    cx.shell.status(
        "Round trip",
        &format!("applied {applied}, reverted {reverted}, applied {again} again on a scratch database (dropped)"),
    );
    Ok(())
}

/// The scratch database must have exactly the schema the replay predicts (`verify`).
async fn verify_clean(s: &mut Session, when: &str) -> anyhow::Result<()> {
    let report = s.migrator.verify_with(&mut s.conn).await?;
    if report.is_clean() {
        return Ok(());
    }
    let lines: Vec<String> = report
        .differences
        .iter()
        .map(|d| format!("  {}", migrate_core::diff::review(d, &report.expected)))
        .collect();
    anyhow::bail!(
        "the scratch database {when} differs from the schema the migrations replay to:\n{}\n\
         The replay mis-reads a statement: give what it does in a replay override (`.replay/<migration>.sql` in the migrations folder, see \"Replay overrides\" in the cargo-migrate book, docs/src/replay.md), or report it",
        lines.join("\n")
    )
}
