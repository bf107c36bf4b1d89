//! `status --all-envs`: one matrix, migrations as rows and environments as columns.

use crate::shell::{out, outln};
use std::collections::BTreeMap;

use migrate_core::{MigrationState, StatusEntry};
use serde_json::json;

use super::Context;
use super::status::exit_code;
use crate::cli::Format;
use crate::exit::{FAILURE, HISTORY, OK, PENDING};

pub async fn exec(cx: &Context<'_>, format: Format) -> anyhow::Result<i32> {
    let envs = cx.config.environment_order();
    if envs.is_empty() {
        anyhow::bail!(
            "--all-envs needs environments: add [package.metadata.migrate.environments.<name>] tables with a `url` to {}",
            cx.config.manifest_dir.join("Cargo.toml").display()
        );
    }
    let mut columns: Vec<(String, Result<Vec<StatusEntry>, String>)> = Vec::new();
    for env in &envs {
        let result = async {
            let mut session = cx.session_at(cx.config.env_url(env)?).await?;
            let entries = session.migrator.status_with(&mut session.conn).await;
            session.conn.close().await;
            Ok::<_, anyhow::Error>(entries?)
        }
        .await
        .map_err(|e| format!("{e:#}"));
        columns.push((env.clone(), result));
    }

    // Rows: every version any environment or the files know, with its name.
    let mut rows: BTreeMap<migrate_core::Version, String> = BTreeMap::new();
    for entries in columns.iter().filter_map(|(_, r)| r.as_ref().ok()) {
        for e in entries {
            rows.entry(e.version.clone())
                .or_insert_with(|| e.name.clone());
        }
    }
    let state = |entries: &[StatusEntry], version: &migrate_core::Version| {
        entries
            .iter()
            .find(|e| e.version == *version)
            .map(|e| e.state)
    };

    match format {
        Format::Json => {
            let doc = json!({
                "environments": envs,
                "errors": columns.iter().filter_map(|(env, r)| r.as_ref().err().map(|e| (env.clone(), json!(e)))).collect::<serde_json::Map<_, _>>(),
                "migrations": rows.iter().map(|(version, name)| json!({
                    "version": super::version_json(version),
                    "name": name,
                    "states": columns.iter().map(|(env, r)| {
                        let cell = r.as_ref().ok().and_then(|entries| state(entries, version)).map(MigrationState::as_str);
                        (env.clone(), json!(cell))
                    }).collect::<serde_json::Map<_, _>>(),
                })).collect::<Vec<_>>(),
            });
            outln!("{}", serde_json::to_string_pretty(&doc)?);
        }
        Format::Human => {
            use std::fmt::Write;
            let name_width = rows.values().map(String::len).max().unwrap_or(4).max(4);
            let widths: Vec<usize> = envs.iter().map(|e| e.len().max(12)).collect();
            let mut out = format!("{:<16} {:<name_width$}", "VERSION", "NAME");
            for (env, w) in envs.iter().zip(&widths) {
                let _ = write!(out, " {env:<w$}");
            }
            out.push('\n');
            for (version, name) in &rows {
                let _ = write!(out, "{version:<16} {name:<name_width$}");
                for ((_, r), w) in columns.iter().zip(&widths) {
                    let cell = match r {
                        Ok(entries) => state(entries, version).map_or("-", MigrationState::as_str),
                        Err(_) => "unavailable",
                    };
                    let _ = write!(out, " {cell:<w$}");
                }
                out.push('\n');
            }
            out!("{out}");
        }
    }
    let mut codes = Vec::new();
    for (env, r) in &columns {
        match r {
            Ok(entries) => codes.push(exit_code(entries)),
            Err(e) => {
                cx.shell
                    .warn(&format!("environment `{env}` is unavailable: {e}"));
                codes.push(FAILURE);
            }
        }
    }
    // A history problem (4) outranks an unavailable environment (1), which outranks pending work (3).
    Ok([HISTORY, FAILURE, PENDING]
        .into_iter()
        .find(|c| codes.contains(c))
        .unwrap_or(OK))
}
