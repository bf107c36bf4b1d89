//! Running down scripts, newest first.

use std::time::Instant;

use migrate_core::{HistoryProblems, MigrationState, SourceErrors, StatusEntry, Version, status};

use super::apply::run_statements;
use super::progress::one_transaction;
use super::watch::Watch;
use super::{Migrator, RevertOptions, database, release};
use crate::Driver;
use crate::driver::TableName;
use crate::{Event, MigrateError, MissingDown};

impl Migrator {
    /// Runs the down scripts of applied migrations, newest first.
    pub async fn revert_with<D: Driver>(
        &self,
        conn: &mut D,
        options: &RevertOptions<'_>,
    ) -> Result<Vec<Version>, MigrateError> {
        let table = self.table_name();
        let key = conn
            .lock(&table, options.lock_timeout, options.observer)
            .await?;
        let result = self.revert_locked(conn, &table, options).await;
        release(conn, key, result).await
    }

    async fn revert_locked<D: Driver>(
        &self,
        conn: &mut D,
        table: &TableName,
        options: &RevertOptions<'_>,
    ) -> Result<Vec<Version>, MigrateError> {
        // A diesel project's table of an earlier release gets its text versions first, so the
        // rows deleted below are found; no table: nothing to revert, and nothing is created.
        let rows = if conn
            .history_exists(table)
            .await
            .map_err(|e| database("looking for the history table", e))?
        {
            self.prepare_history(conn, table).await?
        } else {
            Vec::new()
        };
        let entries = status(&self.migrations, &rows);
        let problems: Vec<StatusEntry> = entries
            .iter()
            .filter(|e| e.state.is_problem())
            .cloned()
            .collect();
        if !problems.is_empty() {
            return Err(HistoryProblems(problems).into());
        }
        let applied: Vec<&StatusEntry> = entries
            .iter()
            .filter(|e| e.state == MigrationState::Applied)
            .collect();
        let targets: Vec<&StatusEntry> = match options.to {
            None => applied.last().copied().into_iter().collect(),
            Some(to) if to.is_zero() && self.find(to).is_none() => {
                applied.iter().rev().copied().collect()
            }
            Some(to) => {
                if !applied.iter().any(|e| e.version == *to) {
                    return Err(MigrateError::UnknownVersion {
                        version: to.clone(),
                    });
                }
                applied
                    .iter()
                    .rev()
                    .filter(|e| e.version > *to)
                    .copied()
                    .collect()
            }
        };
        let missing: Vec<MissingDown> = targets
            .iter()
            .filter_map(|e| self.find(&e.version))
            .filter(|m| m.down.is_none())
            .map(|m| MissingDown {
                version: m.version.clone(),
                name: m.name.to_string(),
            })
            .collect();
        if !missing.is_empty() {
            return Err(MigrateError::NoDownFile { missing });
        }
        // A down file that does not parse is loaded (deploy never runs it); reverting stops
        // here, before anything is reverted.
        let problems: Vec<_> = targets
            .iter()
            .filter_map(|e| self.find(&e.version)?.down.as_ref())
            .flat_map(|down| down.problems(conn.dialect()))
            .collect();
        if !problems.is_empty() {
            return Err(SourceErrors(problems).into());
        }
        if options.dry_run {
            return Ok(targets.iter().map(|e| e.version.clone()).collect());
        }
        let mut reverted = Vec::new();
        for entry in targets {
            let Some(migration) = self.find(&entry.version) else {
                continue;
            };
            let Some(down) = &migration.down else {
                continue;
            };
            (options.observer)(&Event::Reverting { migration });
            let started = Instant::now();
            if !one_transaction(conn, down, false) {
                run_statements(
                    conn,
                    migration,
                    down,
                    false,
                    &mut Watch::quiet(options.observer),
                )
                .await?;
                conn.delete_row(table, &migration.version)
                    .await
                    .map_err(|e| database("updating the history table", e))?;
            } else {
                let begin = conn.begin_sql();
                conn.execute(begin)
                    .await
                    .map_err(|e| MigrateError::Database {
                        context: format!(
                            "starting the transaction of reverting {}",
                            migration.version
                        ),
                        source: Box::new(e),
                    })?;
                let body = async {
                    run_statements(
                        conn,
                        migration,
                        down,
                        true,
                        &mut Watch::quiet(options.observer),
                    )
                    .await?;
                    conn.delete_row(table, &migration.version)
                        .await
                        .map_err(|e| database("updating the history table", e))
                }
                .await;
                match body {
                    Ok(()) => conn
                        .execute("COMMIT")
                        .await
                        .map_err(|e| MigrateError::Database {
                            context: format!("committing the revert of {}", migration.version),
                            source: Box::new(e),
                        })?,
                    Err(e) => {
                        let _ = conn.execute("ROLLBACK").await;
                        return Err(e);
                    }
                }
            }
            (options.observer)(&Event::Reverted {
                migration,
                elapsed: started.elapsed(),
            });
            reverted.push(migration.version.clone());
        }
        Ok(reverted)
    }
}
