//! The apply loop: one migration at a time, each in its own transaction with its row.

use std::time::Instant;

use migrate_core::{LineCol, Migration, Script, plan_deploy, split, status};

use super::{DeployOptions, DeployReport, Migrator, database, elapsed_ms, release};
use crate::driver::{Driver, NewRow, TableName, applied_by};
use crate::{Event, MigrateError};

enum Outcome {
    Done(u64),
    AlreadyApplied,
}

impl Migrator {
    /// Applies pending migrations under the deploy lock.
    pub async fn run_with<D: Driver>(
        &self,
        conn: &mut D,
        options: &DeployOptions<'_>,
    ) -> Result<DeployReport, MigrateError> {
        let table = self.table_name();
        let key = conn
            .lock(&table, options.lock_timeout, options.observer)
            .await?;
        let result = self.run_locked(conn, &table, options).await;
        release(conn, key, result).await
    }

    async fn run_locked<D: Driver>(
        &self,
        conn: &mut D,
        table: &TableName,
        options: &DeployOptions<'_>,
    ) -> Result<DeployReport, MigrateError> {
        conn.create_history(table)
            .await
            .map_err(|e| database("creating the history table", e))?;
        let rows = conn
            .read_history(table)
            .await
            .map_err(|e| database("reading the history table", e))?;
        let entries = status(&self.migrations, &rows);
        let plan = plan_deploy(&entries, options.to, options.allow_out_of_order)?;
        let mut report = DeployReport::default();
        for version in plan {
            let Some(migration) = self.find(version) else {
                continue;
            };
            (options.observer)(&Event::Applying(migration));
            match self.apply_one(conn, table, migration, options).await? {
                Outcome::Done(ms) => {
                    (options.observer)(&Event::Applied(migration, ms));
                    report
                        .applied
                        .push((migration.version, migration.name.to_string(), ms));
                }
                Outcome::AlreadyApplied => {
                    (options.observer)(&Event::AlreadyApplied(migration));
                    report.already_applied.push(migration.version);
                }
            }
        }
        Ok(report)
    }

    async fn apply_one<D: Driver>(
        &self,
        conn: &mut D,
        table: &TableName,
        migration: &Migration,
        options: &DeployOptions<'_>,
    ) -> Result<Outcome, MigrateError> {
        let script = &migration.up;
        let checksum = migration.checksum().to_hex();
        let by = applied_by("deploy");
        let row = |ms: u64, error: Option<String>| NewRow {
            version: migration.version,
            name: &migration.name,
            checksum: &checksum,
            execution_ms: ms as i64,
            success: error.is_none(),
            error,
            applied_by: &by,
            backup: options.backup,
        };
        let started = Instant::now();
        if script.no_transaction || !conn.transactional_ddl() {
            if conn.recheck_in_transaction()
                && conn
                    .is_recorded(table, migration.version)
                    .await
                    .map_err(|e| database("reading the history table", e))?
            {
                return Ok(Outcome::AlreadyApplied);
            }
            if let Err(failure) = run_statements(conn, migration, script, false).await {
                let error = failure.to_string();
                let ms = elapsed_ms(started);
                conn.insert_row(table, &row(ms, Some(error)))
                    .await
                    .map_err(|e| database("recording the failed migration", e))?;
                return Err(failure);
            }
            let ms = elapsed_ms(started);
            conn.insert_row(table, &row(ms, None))
                .await
                .map_err(|e| database("recording the migration", e))?;
            return Ok(Outcome::Done(ms));
        }

        let begin = conn.begin_sql();
        conn.execute(begin)
            .await
            .map_err(|e| MigrateError::Database {
                context: format!(
                    "starting the transaction of migration {}",
                    migration.version
                ),
                source: Box::new(e),
            })?;
        let body = async {
            if conn.recheck_in_transaction()
                && conn
                    .is_recorded(table, migration.version)
                    .await
                    .map_err(|e| database("reading the history table", e))?
            {
                return Ok(Outcome::AlreadyApplied);
            }
            run_statements(conn, migration, script, true).await?;
            let ms = elapsed_ms(started);
            conn.insert_row(table, &row(ms, None))
                .await
                .map_err(|e| database("recording the migration", e))?;
            Ok(Outcome::Done(ms))
        }
        .await;
        match body {
            Ok(outcome) => {
                let end = if matches!(outcome, Outcome::AlreadyApplied) {
                    "ROLLBACK"
                } else {
                    "COMMIT"
                };
                conn.execute(end).await.map_err(|e| MigrateError::Failed {
                    version: migration.version,
                    name: migration.name.to_string(),
                    path: script.path.to_string(),
                    at: LineCol { line: 1, col: 1 },
                    message: format!("the commit failed: {}", e.message),
                    rolled_back: true,
                })?;
                Ok(outcome)
            }
            Err(e) => {
                let _ = conn.execute("ROLLBACK").await;
                Err(e)
            }
        }
    }
}

/// Runs a script's statements one by one; a failure names the statement's `path:line:col`.
pub(super) async fn run_statements<D: Driver>(
    conn: &mut D,
    migration: &Migration,
    script: &Script,
    in_transaction: bool,
) -> Result<(), MigrateError> {
    let fail = |offset: usize, message: String| MigrateError::Failed {
        version: migration.version,
        name: migration.name.to_string(),
        path: script.path.to_string(),
        at: LineCol::of(&script.sql, offset),
        message,
        rolled_back: in_transaction,
    };
    let statements =
        split(&script.sql, conn.dialect()).map_err(|e| fail(e.offset, e.to_string()))?;
    let mut last_ok: Option<usize> = None;
    for statement in &statements {
        if let Err(e) = conn.execute(statement.sql).await {
            let within = e
                .position
                .and_then(|p| statement.sql.char_indices().nth(p.saturating_sub(1)))
                .map_or(0, |(byte, _)| byte);
            let mut message = e.message;
            if !in_transaction {
                match last_ok {
                    Some(offset) => message.push_str(&format!(
                        "; the statements up to the one at line {} succeeded",
                        LineCol::of(&script.sql, offset).line
                    )),
                    None => message.push_str("; no statement of it had succeeded"),
                }
            }
            return Err(fail(statement.offset + within, message));
        }
        last_ok = Some(statement.offset);
    }
    Ok(())
}
