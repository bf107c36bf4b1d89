//! PostgreSQL: a session advisory lock held on the connection that applies the migrations.

use std::time::{Duration, Instant};

use migrate_core::adopt::{ForeignRow, Tool};
use migrate_core::{AppliedRow, Dialect, VersionOrder};
use sqlx::{AssertSqlSafe, Executor, PgConnection, Row};

use super::history_sql::quote_literal;

use super::{
    Blocker, DbError, Driver, HistoryStatement, LockKey, LockKind, LockState, PROGRESS_COLUMNS,
    Placeholders, TableName, db_error, lock_error, lock_key,
};
use crate::{Event, MigrateError};

// The progress columns are read through `to_jsonb(h)`, so history tables of earlier
// versions (without them) read as rows without progress.
const SELECT_ROWS: &str = "version, name, checksum, \
     to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS applied_at, \
     execution_ms, success, error, applied_by, backup, \
     to_jsonb(h) ->> 'state' AS state, (to_jsonb(h) ->> 'statements_done')::bigint AS statements_done, \
     (to_jsonb(h) ->> 'statements_total')::bigint AS statements_total, \
     to_jsonb(h) ->> 'done_checksum' AS done_checksum";

impl Driver for PgConnection {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    async fn execute(&mut self, sql: &str) -> Result<(), DbError> {
        Executor::execute(&mut *self, sqlx::raw_sql(AssertSqlSafe(sql)))
            .await
            .map(drop)
            .map_err(db_error)
    }

    fn placeholders(&self) -> Placeholders {
        Placeholders::Dollar
    }

    // Values written in as literals, over the simple protocol: no prepared statement for a
    // transaction pooler to lose between two statements (see `history_sql::inline`).
    async fn write_history(&mut self, statement: HistoryStatement) -> Result<(), sqlx::Error> {
        let sql = super::history_sql::inline(&statement);
        Executor::execute(self, sqlx::raw_sql(AssertSqlSafe(sql)))
            .await
            .map(drop)
    }

    async fn history_flag(&mut self, statement: HistoryStatement) -> Result<bool, sqlx::Error> {
        raw_scalar(self, super::history_sql::inline(&statement)).await
    }

    async fn history_exists(&mut self, table: &TableName) -> Result<bool, sqlx::Error> {
        let sql = format!(
            "SELECT to_regclass({}) IS NOT NULL",
            quote_literal(&table.quoted())
        );
        raw_scalar(self, sql).await
    }

    async fn create_history(
        &mut self,
        table: &TableName,
        order: VersionOrder,
    ) -> Result<(), sqlx::Error> {
        if let Some(schema) = &table.schema {
            let sql = format!("CREATE SCHEMA IF NOT EXISTS {}", super::quote_ident(schema));
            Executor::execute(&mut *self, sqlx::raw_sql(AssertSqlSafe(sql))).await?;
        }
        let sql = format!(
            "CREATE TABLE IF NOT EXISTS {} (
                version {} PRIMARY KEY,
                name TEXT NOT NULL,
                checksum TEXT NOT NULL,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                execution_ms BIGINT NOT NULL,
                success BOOLEAN NOT NULL,
                error TEXT,
                applied_by TEXT NOT NULL,
                backup TEXT,
                state TEXT,
                statements_done BIGINT,
                statements_total BIGINT,
                done_checksum TEXT
            )",
            table.quoted(),
            match order {
                VersionOrder::Number => "BIGINT",
                VersionOrder::Text => "TEXT",
            }
        );
        Executor::execute(&mut *self, sqlx::raw_sql(AssertSqlSafe(sql))).await?;
        // A diesel project's table of an earlier release, whose `version` is an integer: the
        // column becomes text (the rows keep their digits; the migrator renames those that
        // stand for a diesel version with leading zeros).
        if order == VersionOrder::Text {
            let integer: bool = raw_scalar(
                self,
                format!(
                    "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass({}) \
                     AND attname = 'version' AND NOT attisdropped \
                     AND atttypid IN ('int8'::regtype, 'int4'::regtype, 'int2'::regtype))",
                    quote_literal(&table.quoted())
                ),
            )
            .await?;
            if integer {
                let sql = format!(
                    "ALTER TABLE {} ALTER COLUMN version TYPE TEXT USING version::text",
                    table.quoted()
                );
                Executor::execute(&mut *self, sqlx::raw_sql(AssertSqlSafe(sql))).await?;
            }
        }
        // A table of an earlier version: add the progress columns (only when missing, so a
        // deploy takes no ACCESS EXCLUSIVE lock on the history table otherwise).
        let names: Vec<String> = PROGRESS_COLUMNS
            .iter()
            .map(|(n, _)| quote_literal(n))
            .collect();
        let present: i64 = raw_scalar(
            self,
            format!(
                "SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass({}) \
                 AND attname IN ({}) AND NOT attisdropped",
                quote_literal(&table.quoted()),
                names.join(", ")
            ),
        )
        .await?;
        if present < PROGRESS_COLUMNS.len() as i64 {
            let adds: Vec<String> = PROGRESS_COLUMNS
                .iter()
                .map(|(name, ty)| format!("ADD COLUMN IF NOT EXISTS {name} {ty}"))
                .collect();
            let sql = format!("ALTER TABLE {} {}", table.quoted(), adds.join(", "));
            Executor::execute(self, sqlx::raw_sql(AssertSqlSafe(sql))).await?;
        }
        Ok(())
    }

    async fn read_history(&mut self, table: &TableName) -> Result<Vec<AppliedRow>, sqlx::Error> {
        let sql = format!(
            "SELECT {SELECT_ROWS} FROM {} h ORDER BY version",
            table.quoted()
        );
        // No parameters: the simple protocol saves the round trips of preparing a statement.
        let rows = sqlx::raw_sql(AssertSqlSafe(sql)).fetch_all(self).await?;
        rows.iter().map(super::applied_row).collect()
    }

    async fn set_lock_wait(&mut self, timeout: Option<Duration>) -> Result<(), sqlx::Error> {
        let ms = timeout.map_or(0, |t| t.as_millis().max(1));
        Executor::execute(
            self,
            sqlx::raw_sql(AssertSqlSafe(format!("SET lock_timeout = {ms}"))),
        )
        .await
        .map(drop)
    }

    async fn session_id(&mut self) -> Option<i64> {
        raw_scalar::<i32>(self, "SELECT pg_backend_pid()".to_owned())
            .await
            .ok()
            .map(i64::from)
    }

    async fn cancel_session(&mut self, id: i64) -> Result<(), sqlx::Error> {
        raw_scalar::<bool>(self, format!("SELECT pg_cancel_backend({id})"))
            .await
            .map(drop)
    }

    async fn blockers(&mut self, id: i64) -> Result<Vec<Blocker>, sqlx::Error> {
        let rows = sqlx::raw_sql(AssertSqlSafe(format!(
            "SELECT pid::bigint AS pid, coalesce(application_name, '') AS application_name, \
             coalesce(state, '') AS state, \
             coalesce(to_char(coalesce(xact_start, query_start) AT TIME ZONE 'UTC', \
             'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') AS since, \
             left(coalesce(query, ''), 80) AS query \
             FROM pg_stat_activity WHERE pid = ANY(pg_blocking_pids({id})) ORDER BY pid"
        )))
        .fetch_all(self)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Blocker {
                    pid: r.try_get("pid")?,
                    application_name: r.try_get("application_name")?,
                    state: r.try_get("state")?,
                    since: r.try_get("since")?,
                    query: r.try_get("query")?,
                })
            })
            .collect()
    }

    async fn lock_is_held(&mut self, table: &TableName) -> Result<bool, sqlx::Error> {
        let database = raw_scalar::<String>(self, "SELECT current_database()".to_owned()).await?;
        let key = lock_key(&database, &table.display()) as u64;
        raw_scalar::<bool>(
            self,
            format!(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted \
                 AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
                 AND classid = {} AND objid = {} AND objsubid = 1)",
                key >> 32,
                key & 0xffff_ffff
            ),
        )
        .await
    }

    async fn lock_state(&mut self, table: &TableName) -> Result<Option<LockState>, sqlx::Error> {
        let database = raw_scalar::<String>(self, "SELECT current_database()".to_owned()).await?;
        let key = lock_key(&database, &table.display()) as u64;
        let rows = sqlx::raw_sql(AssertSqlSafe(format!(
            "SELECT format('pid %s, %s, since %s', a.pid, coalesce('application ' || \
             nullif(a.application_name, ''), 'no application_name'), to_char(a.backend_start AT TIME ZONE 'UTC', \
             'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')) AS holder \
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
             WHERE l.locktype = 'advisory' AND l.granted AND l.database = \
             (SELECT oid FROM pg_database WHERE datname = current_database()) \
             AND l.classid = {} AND l.objid = {} AND l.objsubid = 1",
            key >> 32,
            key & 0xffff_ffff
        )))
        .fetch_all(&mut *self)
        .await?;
        let holder = rows.first().map(|r| r.try_get("holder")).transpose()?;
        Ok(Some(LockState {
            kind: LockKind::Advisory,
            why: "a session of its own on the server".to_owned(),
            holder,
            expires_in: None,
            lease: None,
        }))
    }

    async fn lock(
        &mut self,
        table: &TableName,
        timeout: Duration,
        observer: &(dyn Fn(&Event<'_>) + Sync),
    ) -> Result<LockKey, MigrateError> {
        let database = raw_scalar::<String>(self, "SELECT current_database()".to_owned())
            .await
            .map_err(lock_error)?;
        let key = lock_key(&database, &table.display());
        let started = Instant::now();
        let mut delay = Duration::from_millis(20);
        let mut told = false;
        loop {
            let got = raw_scalar::<bool>(self, format!("SELECT pg_try_advisory_lock({key})"))
                .await
                .map_err(lock_error)?;
            if got {
                return Ok(LockKey(key));
            }
            let waited = started.elapsed();
            if waited >= timeout {
                return Err(MigrateError::LockTimeout {
                    waited,
                    holder_hint: format!(
                        "SELECT pid, backend_start, state, query FROM pg_stat_activity WHERE pid IN \
                         (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = {} AND classid = {})",
                        key as u64 & 0xffff_ffff,
                        (key as u64) >> 32
                    ),
                });
            }
            if !told {
                let holder = self.lock_state(table).await.ok().flatten();
                let holder = holder.and_then(|s| s.holder);
                observer(&Event::WaitingForLock {
                    holder: holder.as_deref(),
                });
                told = true;
            }
            tokio::time::sleep(delay.min(timeout.saturating_sub(waited))).await;
            delay = (delay * 2).min(Duration::from_millis(500));
        }
    }

    async fn unlock(&mut self, key: LockKey) -> Result<(), sqlx::Error> {
        raw_scalar::<bool>(self, format!("SELECT pg_advisory_unlock({})", key.0))
            .await
            .map(drop)
    }

    async fn read_foreign(&mut self, tool: Tool) -> Result<Vec<ForeignRow>, sqlx::Error> {
        sqlx::query_as(tool.select_sql()).fetch_all(self).await
    }

    async fn drop_everything(&mut self) -> Result<(), sqlx::Error> {
        super::postgres_reset::drop_everything(self).await
    }
}

/// One value of a parameterless query, over the simple protocol (one round trip).
pub(crate) async fn raw_scalar<T>(conn: &mut PgConnection, sql: String) -> Result<T, sqlx::Error>
where
    T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    let row = sqlx::raw_sql(AssertSqlSafe(sql)).fetch_one(conn).await?;
    row.try_get(0)
}

#[cfg(test)]
mod tests {
    use super::super::lock_key;

    #[test]
    fn lock_key_is_stable_and_depends_on_both_names() {
        assert_ne!(
            lock_key("app", "_migrate_history"),
            lock_key("app2", "_migrate_history")
        );
        assert_ne!(lock_key("app", "a"), lock_key("app", "b"));
        // Pinned: a changed key would let an old and a new deployer run at once.
        assert_eq!(lock_key("app", "_migrate_history"), PINNED);
    }

    const PINNED: i64 = 5_757_013_903_737_086_473;
}
