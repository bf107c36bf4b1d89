//! The apply loop: one migration at a time, each in its own transaction with its row, or,
//! when it cannot be one transaction, statement by statement with its progress recorded.

use std::time::{Duration, Instant};

use migrate_core::{
    LineCol, Migration, Script, Statement, StatusEntry, Version, plan_deploy, split, status,
};

use super::progress::{is_dml, one_transaction, prefix_checksum};
use super::watch::Watch;
use super::{Applied, DeployOptions, DeployReport, Migrator, database, elapsed_ms, release};
use crate::Driver;
use crate::driver::{NewRow, ProgressUpdate, TableName, applied_by};
use crate::stop::stopped;
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
        self.run_watched(conn, None, options).await
    }

    /// Like [`Migrator::run_with`], with a second connection to the same database
    /// (PostgreSQL): through it a stop request cancels the running statement, and a statement
    /// waiting for a lock is reported with the sessions holding it ([`Event::StatementBlocked`]).
    ///
    /// A stop while waiting for the deploy lock returns at once; close `conn` then (a lock
    /// request in flight may have been granted).
    pub async fn run_watched<D: Driver>(
        &self,
        conn: &mut D,
        sidecar: Option<&mut D>,
        options: &DeployOptions<'_>,
    ) -> Result<DeployReport, MigrateError> {
        let table = self.table_name();
        let key = tokio::select! {
            key = conn.lock(&table, options.lock_timeout, options.observer) => key?,
            reason = stopped(options.stop) => {
                return Err(MigrateError::Interrupted {
                    summary: format!("stopped by {reason} while waiting for the migration lock: nothing was applied"),
                    reason,
                    version: None,
                    recorded: false,
                });
            }
        };
        let session = match sidecar {
            Some(_) => conn.session_id().await,
            None => None,
        };
        let mut watch = Watch {
            sidecar,
            session,
            stop: options.stop,
            observer: options.observer,
            lock_timed_out: false,
        };
        let armed = match options.stop {
            Some(_) => conn.interrupt_on(options.stop).await.is_ok(),
            None => false,
        };
        let result = self.run_locked(conn, &table, options, &mut watch).await;
        if armed {
            let _ = conn.interrupt_on(None).await;
        }
        if options.statement_lock_timeout.is_some() {
            let restore = conn
                .lock_wait_is_deploy_lock()
                .then_some(options.lock_timeout);
            let _ = conn.set_lock_wait(restore).await;
        }
        release(conn, key, result).await
    }

    async fn run_locked<D: Driver>(
        &self,
        conn: &mut D,
        table: &TableName,
        options: &DeployOptions<'_>,
        watch: &mut Watch<'_, D>,
    ) -> Result<DeployReport, MigrateError> {
        let rows = self.prepare_history(conn, table).await?;
        if !conn.lock_wait_is_deploy_lock() {
            conn.set_lock_wait(options.statement_lock_timeout)
                .await
                .map_err(|e| database("setting lock_timeout", e))?;
        }
        let mut entries = status(&self.migrations, &rows);
        let resume = match options.resume {
            Some(version) => Some(self.check_resume(&mut entries, version, conn)?),
            None => None,
        };
        let mut plan = plan_deploy(&entries, options.to, options.allow_out_of_order)?;
        if let Some((version, _)) = &resume {
            plan.insert(0, version.clone());
        }
        let mut report = DeployReport::default();
        for version in plan {
            let Some(migration) = self.find(&version) else {
                continue;
            };
            if let Some(reason) = watch.stopped() {
                return Err(MigrateError::Interrupted {
                    summary: format!(
                        "stopped by {reason} before migration {version} ({}) started: {} migration(s) were applied before it, nothing of it ran",
                        migration.name,
                        report.applied.len()
                    ),
                    reason,
                    version: None,
                    recorded: false,
                });
            }
            (options.observer)(&Event::Applying { migration });
            let resume_at = resume
                .as_ref()
                .filter(|(v, _)| *v == version)
                .map(|(_, done)| *done);
            let transactional = one_transaction(conn, &migration.up, resume_at.is_some());
            let mut attempt = 0;
            let outcome = loop {
                watch.lock_timed_out = false;
                match self
                    .apply_one(conn, table, migration, options, watch, resume_at)
                    .await
                {
                    Err(_)
                        if transactional
                            && watch.lock_timed_out
                            && attempt < options.lock_retries
                            && watch.stopped().is_none() =>
                    {
                        attempt += 1;
                        let delay = Duration::from_secs(1 << (attempt - 1).min(5))
                            .min(Duration::from_secs(30));
                        (options.observer)(&Event::Retrying {
                            migration,
                            attempt,
                            of: options.lock_retries,
                            delay,
                        });
                        tokio::select! {
                            _ = tokio::time::sleep(delay) => {}
                            _ = stopped(options.stop) => {}
                        }
                    }
                    other => break other?,
                }
            };
            match outcome {
                Outcome::Done(ms) => {
                    let elapsed = Duration::from_millis(ms);
                    (options.observer)(&Event::Applied { migration, elapsed });
                    report.applied.push(Applied {
                        version: migration.version.clone(),
                        name: migration.name.to_string(),
                        elapsed,
                    });
                }
                Outcome::AlreadyApplied => {
                    (options.observer)(&Event::AlreadyApplied { migration });
                    report.already_applied.push(migration.version.clone());
                }
            }
        }
        Ok(report)
    }

    /// Checks that `version` can be resumed and takes it out of `entries` (so its failed row
    /// does not stop the plan); returns it with its count of statements done.
    fn check_resume<D: Driver>(
        &self,
        entries: &mut Vec<StatusEntry>,
        version: &Version,
        conn: &D,
    ) -> Result<(Version, u32), MigrateError> {
        let cannot = |why: String| MigrateError::CannotResume {
            version: version.clone(),
            why,
        };
        let migration = self
            .find(version)
            .ok_or_else(|| MigrateError::UnknownVersion {
                version: version.clone(),
            })?;
        let entry = entries.iter().position(|e| e.version == *version);
        let row = entry.and_then(|i| entries[i].row.as_ref());
        let Some(row) = row.filter(|r| !r.success) else {
            return Err(cannot(format!(
                "it is not recorded as failed ({})",
                entry.map_or("pending", |i| entries[i].state.as_str())
            )));
        };
        let Some(progress) = &row.progress else {
            return Err(cannot(
                "its history row records no per-statement progress (it failed before this version \
                 recorded progress): finish or undo it by hand"
                    .into(),
            ));
        };
        let script = &migration.up;
        let statements = split(&script.sql, conn.dialect())
            .map_err(|e| cannot(format!("{}: {e}", script.path)))?;
        let done = progress.done as usize;
        if done > statements.len() || prefix_checksum(&statements, done) != progress.done_checksum {
            return Err(cannot(format!(
                "the text of its {done} done statement(s) in {} changed since they ran; restore them \
                 (see `git log -p -- {}`) so the resume starts at the right statement",
                script.path, script.path
            )));
        }
        let done = progress.done;
        if let Some(i) = entry {
            entries.remove(i);
        }
        Ok((version.clone(), done))
    }

    async fn apply_one<D: Driver>(
        &self,
        conn: &mut D,
        table: &TableName,
        migration: &Migration,
        options: &DeployOptions<'_>,
        watch: &mut Watch<'_, D>,
        resume_at: Option<u32>,
    ) -> Result<Outcome, MigrateError> {
        let script = &migration.up;
        if !one_transaction(conn, script, resume_at.is_some()) {
            return apply_by_statement(conn, table, migration, options, watch, resume_at).await;
        }
        let checksum = migration.checksum().to_hex();
        let by = applied_by("deploy");
        let started = Instant::now();
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
        let sqlite_like =
            conn.lock_wait_is_deploy_lock() && options.statement_lock_timeout.is_some();
        if sqlite_like {
            conn.set_lock_wait(options.statement_lock_timeout)
                .await
                .map_err(|e| database("setting the busy timeout", e))?;
        }
        let body = async {
            if conn.recheck_in_transaction()
                && conn
                    .is_recorded(table, &migration.version)
                    .await
                    .map_err(|e| database("reading the history table", e))?
            {
                return Ok(Outcome::AlreadyApplied);
            }
            run_statements(conn, migration, script, true, watch).await?;
            let ms = elapsed_ms(started);
            let row = NewRow {
                version: &migration.version,
                name: &migration.name,
                checksum: &checksum,
                execution_ms: ms as i64,
                success: true,
                error: None,
                applied_by: &by,
                backup: options.backup,
            };
            conn.insert_row(table, &row)
                .await
                .map_err(|e| database("recording the migration", e))?;
            Ok(Outcome::Done(ms))
        }
        .await;
        if sqlite_like {
            let _ = conn.set_lock_wait(Some(options.lock_timeout)).await;
        }
        match body {
            Ok(outcome) => {
                let end = if matches!(outcome, Outcome::AlreadyApplied) {
                    "ROLLBACK"
                } else {
                    "COMMIT"
                };
                conn.execute(end).await.map_err(|e| MigrateError::Failed {
                    version: migration.version.clone(),
                    name: migration.name.to_string(),
                    path: script.path.to_string(),
                    at: LineCol { line: 1, col: 1 },
                    message: format!("the commit failed: {}", e.message),
                    rolled_back: true,
                })?;
                Ok(outcome)
            }
            Err(e) => {
                let reason = watch.stopped();
                if reason.is_some() {
                    let _ = conn.interrupt_on(None).await;
                }
                let _ = conn.execute("ROLLBACK").await;
                match reason {
                    Some(reason) => Err(MigrateError::Interrupted {
                        summary: format!(
                            "{}: migration {} ({}) was interrupted by {reason} and rolled back: nothing of it was applied or recorded",
                            script.path, migration.version, migration.name
                        ),
                        reason,
                        version: Some(migration.version.clone()),
                        recorded: false,
                    }),
                    None => Err(e),
                }
            }
        }
    }
}

/// Runs a migration that cannot be one transaction statement by statement: its row is
/// committed as `running` first and counts the statements done after each one, so a crash
/// leaves an exact record and `resume_at` continues at the first statement not done.
async fn apply_by_statement<D: Driver>(
    conn: &mut D,
    table: &TableName,
    migration: &Migration,
    options: &DeployOptions<'_>,
    watch: &mut Watch<'_, D>,
    resume_at: Option<u32>,
) -> Result<Outcome, MigrateError> {
    let script = &migration.up;
    let version = &migration.version;
    if resume_at.is_none()
        && conn.recheck_in_transaction()
        && conn
            .is_recorded(table, version)
            .await
            .map_err(|e| database("reading the history table", e))?
    {
        return Ok(Outcome::AlreadyApplied);
    }
    let fail = |offset: usize, message: String| MigrateError::Failed {
        version: version.clone(),
        name: migration.name.to_string(),
        path: script.path.to_string(),
        at: LineCol::of(&script.sql, offset),
        message,
        rolled_back: false,
    };
    let statements =
        split(&script.sql, conn.dialect()).map_err(|e| fail(e.offset, e.to_string()))?;
    let total = statements.len() as u32;
    // MySQL/MariaDB: the migration is split because each DDL statement commits.
    let implicit_commits = !script.no_transaction && !conn.transactional_ddl();
    let atomic_step = |statement: &Statement<'_>| implicit_commits && is_dml(statement);
    let checksum = migration.checksum().to_hex();
    let started = Instant::now();
    let mut done = match resume_at {
        None => {
            let by = applied_by("deploy");
            let row = NewRow {
                version,
                name: &migration.name,
                checksum: &checksum,
                execution_ms: 0,
                success: false,
                error: None,
                applied_by: &by,
                backup: options.backup,
            };
            let start = ProgressUpdate::Start {
                row: &row,
                total,
                done_checksum: &prefix_checksum(&statements, 0),
            };
            conn.update_progress(table, &start)
                .await
                .map_err(|e| database("recording the migration as running", e))?;
            0
        }
        Some(done) => {
            conn.update_progress(table, &ProgressUpdate::Restart { version })
                .await
                .map_err(|e| database("recording the migration as running", e))?;
            done
        }
    };
    // SQLite: the busy timeout is the deploy lock's wait between statements, and the
    // statement lock timeout while each statement runs (as PostgreSQL's lock_timeout).
    let busy_per_statement =
        conn.lock_wait_is_deploy_lock() && options.statement_lock_timeout.is_some();
    for statement in statements.iter().skip(done as usize) {
        let result = if watch.stopped().is_some() {
            None
        } else if busy_per_statement {
            conn.set_lock_wait(options.statement_lock_timeout)
                .await
                .map_err(|e| database("setting the busy timeout", e))?;
            let result = watch.execute(conn, migration, statement.sql).await;
            conn.set_lock_wait(Some(options.lock_timeout))
                .await
                .map_err(|e| database("setting the busy timeout", e))?;
            Some(result)
        } else if atomic_step(statement) {
            // MySQL: a DML statement commits with its count, so a crash never leaves it
            // applied but uncounted (a resume would run it twice).
            conn.execute(conn.begin_sql())
                .await
                .map_err(|e| MigrateError::Database {
                    context: format!("starting the transaction of statement {}", done + 1),
                    source: Box::new(e),
                })?;
            let result = watch.execute(conn, migration, statement.sql).await;
            if result.is_err() {
                let _ = conn.execute("ROLLBACK").await;
            }
            Some(result)
        } else {
            Some(watch.execute(conn, migration, statement.sql).await)
        };
        let error = match result {
            Some(Ok(())) => {
                done += 1;
                let step = ProgressUpdate::Step {
                    version,
                    done,
                    done_checksum: &prefix_checksum(&statements, done as usize),
                };
                let recorded = conn.update_progress(table, &step).await;
                if atomic_step(statement) {
                    let end = if recorded.is_ok() {
                        "COMMIT"
                    } else {
                        "ROLLBACK"
                    };
                    conn.execute(end)
                        .await
                        .map_err(|e| MigrateError::Database {
                            context: format!("committing statement {done} with its count"),
                            source: Box::new(e),
                        })?;
                }
                recorded.map_err(|e| database("recording the statements done", e))?;
                continue;
            }
            Some(Err(e)) => Some(e),
            None => None,
        };
        // Stopped before this statement, or it failed because the stop cancelled it.
        if let Some(reason) = watch.stopped() {
            let _ = conn.interrupt_on(None).await;
            let at = LineCol::of(&script.sql, statement.offset).line;
            let what = format!(
                "interrupted by {reason} {} statement {} (line {at}): {}",
                if error.is_some() { "during" } else { "before" },
                done + 1,
                statements_done(script, &statements, done)
            );
            let update = ProgressUpdate::Finish {
                version,
                success: false,
                error: Some(&what),
                execution_ms: elapsed_ms(started) as i64,
                checksum: &checksum,
            };
            let recorded = conn.update_progress(table, &update).await.is_ok();
            return Err(MigrateError::Interrupted {
                summary: format!(
                    "{}: migration {version} ({}), run without a transaction, was {what}. {}",
                    script.path,
                    migration.name,
                    if recorded {
                        format!("Its history row records {done} of {total} statements done.")
                    } else {
                        format!(
                            "Its history row still says running with {done} of {total} statements done (updating it failed)."
                        )
                    }
                ),
                reason,
                version: Some(version.clone()),
                recorded: true,
            });
        }
        let Some(e) = error else {
            continue;
        };
        let within = e
            .position
            .and_then(|p| statement.sql.char_indices().nth(p.saturating_sub(1)))
            .map_or(0, |(byte, _)| byte);
        let message = if implicit_commits {
            committed(script, &statements, done, &e.message)
        } else {
            format!(
                "{}; {}",
                e.message,
                statements_done(script, &statements, done)
            )
        };
        let update = ProgressUpdate::Finish {
            version,
            success: false,
            error: Some(&message),
            execution_ms: elapsed_ms(started) as i64,
            checksum: &checksum,
        };
        conn.update_progress(table, &update)
            .await
            .map_err(|e| database("recording the failed migration", e))?;
        return Err(fail(statement.offset + within, message));
    }
    let ms = elapsed_ms(started);
    let update = ProgressUpdate::Finish {
        version,
        success: true,
        error: None,
        execution_ms: ms as i64,
        checksum: &checksum,
    };
    conn.update_progress(table, &update)
        .await
        .map_err(|e| database("recording the migration", e))?;
    Ok(Outcome::Done(ms))
}

/// `statement 1 (line 2) is done, statements 2-3 (lines 3-4) are not`.
fn statements_done(script: &Script, statements: &[Statement<'_>], done: u32) -> String {
    let line = |i: usize| LineCol::of(&script.sql, statements[i].offset).line;
    let span = |from: usize, to: usize| {
        if from == to {
            format!("statement {} (line {}) is", from + 1, line(from))
        } else {
            format!(
                "statements {}-{} (lines {}-{}) are",
                from + 1,
                to + 1,
                line(from),
                line(to)
            )
        }
    };
    let (done, total) = (done as usize, statements.len());
    match done {
        0 => format!("no statement is done ({} not)", span(0, total - 1)),
        d if d >= total => format!("all {total} statements are done"),
        d => format!("{} done, {} not", span(0, d - 1), span(d, total - 1)),
    }
}

/// A statement that failed on a server that commits DDL implicitly (MySQL/MariaDB):
/// `statement 3 of 5 (line 9) failed: …; statements 1–2 are committed`.
fn committed(script: &Script, statements: &[Statement<'_>], done: u32, error: &str) -> String {
    let total = statements.len();
    let done = done as usize;
    let line = LineCol::of(&script.sql, statements[done.min(total - 1)].offset).line;
    let committed = match done {
        0 => "no statement of it is committed".to_owned(),
        1 => "statement 1 is committed".to_owned(),
        d => format!("statements 1–{d} are committed"),
    };
    format!(
        "statement {} of {total} (line {line}) failed: {error}; {committed}",
        done + 1
    )
}

/// Runs a script's statements one by one; a failure names the statement's `path:line:col`.
pub(super) async fn run_statements<D: Driver>(
    conn: &mut D,
    migration: &Migration,
    script: &Script,
    in_transaction: bool,
    watch: &mut Watch<'_, D>,
) -> Result<(), MigrateError> {
    let fail = |offset: usize, message: String| MigrateError::Failed {
        version: migration.version.clone(),
        name: migration.name.to_string(),
        path: script.path.to_string(),
        at: LineCol::of(&script.sql, offset),
        message,
        rolled_back: in_transaction,
    };
    let statements =
        split(&script.sql, conn.dialect()).map_err(|e| fail(e.offset, e.to_string()))?;
    let mut last_ok: Option<usize> = None;
    for (i, statement) in statements.iter().enumerate() {
        if in_transaction && Statement::wraps_transaction(&statements, i) {
            continue; // the migration's own transaction already wraps it
        }
        if let Err(e) = watch.execute(conn, migration, statement.sql).await {
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
