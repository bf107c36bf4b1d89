//! Which migrations lint judges: every one (`--all`), the files added since a git ref
//! (`--since`), the ones not applied on the database of the URL given, or those missing from
//! `migrate.sum`.

use std::path::Path;
use std::process::Command;

use anyhow::Context as _;
use migrate_core::MigrationState;
use migrate_core::integrity::SUM_FILE;
use migrate_runtime::{Dialect, Migrator};

use super::super::Context;
use crate::exit::UsageError;

/// How to choose.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `--all`.
    pub all: bool,
    /// `--since <ref>`.
    pub since: Option<String>,
    /// Use no database even when a URL is configured.
    pub offline: bool,
    /// The dialect, when the caller already knows it (`check`).
    pub dialect: Option<Dialect>,
}

/// The migrations read, and which of them to lint.
pub struct Choice {
    pub migrator: Migrator,
    pub dialect: Dialect,
    /// One per migration, in order.
    pub linted: Vec<bool>,
    /// How they were chosen, for the status line.
    pub scope: String,
    /// The server's major version, when lint read it from the database.
    pub server_version: Option<u32>,
}

pub async fn choose(cx: &Context<'_>, request: &Request) -> anyhow::Result<Choice> {
    let url = if request.offline || request.all || request.since.is_some() {
        None
    } else {
        cx.config.database_url(&cx.common).ok()
    };
    let dialect = match request.dialect {
        Some(dialect) => dialect,
        None => {
            let dialect = cx.config.dialect_for(url.as_deref())?;
            cx.note_assumed_dialect(url.as_deref(), dialect);
            dialect
        }
    };
    let migrator = cx.config.migrator(dialect)?;
    let prefix = format!("{}/", cx.config.shown_dir().trim_end_matches('/'));
    let relative = |m: &migrate_core::Migration| {
        m.up.path
            .strip_prefix(prefix.as_str())
            .unwrap_or(&m.up.path)
            .to_owned()
    };
    let migrations = migrator.migrations();
    let every = || {
        (
            vec![true; migrations.len()],
            "(every migration)".to_owned(),
            None,
        )
    };
    let (linted, scope, server_version) = if request.all {
        every()
    } else if let Some(since) = &request.since {
        let added = added_since(&cx.config.dir, since)?;
        let linted = migrations
            .iter()
            .map(|m| added.contains(&relative(m)))
            .collect();
        (linted, format!("added since {since}"), None)
    } else if let Some(url) = url {
        let mut session = cx.session_at(url.clone()).await.with_context(|| {
            format!(
                "lint reads the applied migrations and the server version from {}; pass --offline to lint the migrations missing from {SUM_FILE} instead",
                cx.shown(&url)
            )
        })?;
        let entries = session.migrator.status_with(&mut session.conn).await?;
        let server_version = session.conn.server_major_version().await.map_err(|e| {
            anyhow::anyhow!("cannot read the server version of {}: {e}", cx.shown(&url))
        })?;
        session.conn.close().await;
        let pending = |m: &migrate_core::Migration| {
            entries.iter().any(|e| {
                e.version == m.version
                    && matches!(
                        e.state,
                        MigrationState::Pending
                            | MigrationState::OutOfOrder
                            | MigrationState::Failed
                    )
            })
        };
        let linted = migrations.iter().map(pending).collect();
        (
            linted,
            format!("not applied on {}", cx.shown(&url)),
            server_version,
        )
    } else {
        let sum_path = cx.config.dir.join(SUM_FILE);
        match std::fs::read_to_string(&sum_path) {
            Ok(text) => {
                let listed: Vec<String> = text
                    .lines()
                    .filter(|l| !l.starts_with('#'))
                    .filter_map(|l| l.split_once("  ").map(|(_, name)| name.trim().to_owned()))
                    .collect();
                let linted = migrations
                    .iter()
                    .map(|m| !listed.contains(&relative(m)))
                    .collect();
                (linted, format!("new since {SUM_FILE}"), None)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => every(),
            Err(e) => {
                return Err(e).with_context(|| format!("cannot read {}", sum_path.display()));
            }
        }
    };
    Ok(Choice {
        migrator,
        dialect,
        linted,
        scope,
        server_version,
    })
}

/// The files under `dir` (relative to it) added since git ref `since`: committed, staged or
/// in the work tree, and the untracked ones.
fn added_since(dir: &Path, since: &str) -> anyhow::Result<Vec<String>> {
    let git = |args: &[&str]| {
        Command::new("git")
            .current_dir(dir)
            .args(args)
            .output()
            .context("cannot run git (is it installed?) for --since")
    };
    let inside = git(&["rev-parse", "--is-inside-work-tree"])?;
    if !inside.status.success() {
        return Err(UsageError(format!(
            "--since {since}: {} is not in a git repository; use --all, or lint without --since",
            dir.display()
        ))
        .into());
    }
    let commit = format!("{since}^{{commit}}");
    if !git(&["rev-parse", "--verify", "--quiet", &commit])?
        .status
        .success()
    {
        return Err(UsageError(format!(
            "--since {since}: git knows no commit of that name (try a branch, a tag or a hash: `git log --oneline` lists them)"
        ))
        .into());
    }
    let mut added = Vec::new();
    for args in [
        &[
            "diff",
            "--name-only",
            "--relative",
            "--diff-filter=A",
            since,
            "--",
            ".",
        ][..],
        &["ls-files", "--others", "--exclude-standard", "--", "."][..],
    ] {
        let out = git(args)?;
        if !out.status.success() {
            anyhow::bail!(
                "git {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        added.extend(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(str::to_owned),
        );
    }
    Ok(added)
}
