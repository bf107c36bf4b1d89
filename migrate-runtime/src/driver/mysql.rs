//! MySQL and MariaDB: the deploy lock is `GET_LOCK` held by the session that applies the
//! migrations (released when it ends), and DDL commits implicitly, so a migration with DDL
//! runs statement by statement with its progress recorded (see `migrator::progress`).

use std::time::{Duration, Instant};

use migrate_core::adopt::{ForeignRow, Tool};
use migrate_core::{AppliedRow, Dialect, VersionOrder};
use sqlx::{AssertSqlSafe, Executor, MySqlConnection, Row};

use super::{
    DbError, Driver, HistoryStatement, LockKey, PROGRESS_COLUMNS, Placeholders, TableName,
    db_error, lock_error, lock_key,
};
use crate::{Event, MigrateError};

/// `applied_at` as RFC 3339 UTC with milliseconds, whatever the session's time zone.
const SELECT_ROWS: &str = "version, name, checksum, \
     CONCAT(DATE_FORMAT(CONVERT_TZ(applied_at, @@session.time_zone, '+00:00'), '%Y-%m-%dT%H:%i:%s.'), \
     LPAD(FLOOR(MICROSECOND(applied_at) / 1000), 3, '0'), 'Z') AS applied_at, \
     execution_ms, success, error, applied_by, backup, \
     state, statements_done, statements_total, done_checksum";

impl Driver for MySqlConnection {
    fn dialect(&self) -> Dialect {
        Dialect::Mysql
    }

    async fn execute(&mut self, sql: &str) -> Result<(), DbError> {
        Executor::execute(&mut *self, sqlx::raw_sql(AssertSqlSafe(sql)))
            .await
            .map(drop)
            .map_err(db_error)
    }

    fn begin_sql(&self) -> &'static str {
        "START TRANSACTION"
    }

    fn transactional_ddl(&self) -> bool {
        false
    }

    fn placeholders(&self) -> Placeholders {
        Placeholders::Question
    }

    async fn write_history(&mut self, statement: HistoryStatement) -> Result<(), sqlx::Error> {
        super::history_sql::query::<sqlx::MySql>(statement)
            .execute(self)
            .await
            .map(drop)
    }

    async fn history_flag(&mut self, statement: HistoryStatement) -> Result<bool, sqlx::Error> {
        let row = super::history_sql::query::<sqlx::MySql>(statement)
            .fetch_one(self)
            .await?;
        Ok(row.try_get::<i64, _>(0)? != 0)
    }

    async fn history_exists(&mut self, table: &TableName) -> Result<bool, sqlx::Error> {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM information_schema.tables \
             WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ?",
        )
        .bind(&table.schema)
        .bind(&table.name)
        .fetch_one(self)
        .await?;
        Ok(count > 0)
    }

    async fn create_history(
        &mut self,
        table: &TableName,
        order: VersionOrder,
    ) -> Result<(), sqlx::Error> {
        let quoted = table.quoted_in(Dialect::Mysql);
        if let Some(schema) = &table.schema {
            let sql = format!(
                "CREATE DATABASE IF NOT EXISTS {}",
                TableName::parse(schema).quoted_in(Dialect::Mysql)
            );
            Executor::execute(&mut *self, sqlx::raw_sql(AssertSqlSafe(sql))).await?;
        }
        // InnoDB: a migration of DML only and its row commit together.
        let sql = format!(
            "CREATE TABLE IF NOT EXISTS {quoted} (
                version {} NOT NULL PRIMARY KEY,
                name TEXT NOT NULL,
                checksum TEXT NOT NULL,
                applied_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
                execution_ms BIGINT NOT NULL,
                success BOOLEAN NOT NULL,
                error TEXT,
                applied_by TEXT NOT NULL,
                backup TEXT,
                state TEXT,
                statements_done BIGINT,
                statements_total BIGINT,
                done_checksum TEXT
            ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4",
            match order {
                VersionOrder::Number => "BIGINT",
                VersionOrder::Text => "VARCHAR(255)",
            }
        );
        Executor::execute(&mut *self, sqlx::raw_sql(AssertSqlSafe(sql))).await?;
        let columns: Vec<(String, String)> = sqlx::query_as(
            "SELECT CAST(column_name AS CHAR), CAST(data_type AS CHAR) \
             FROM information_schema.columns \
             WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ?",
        )
        .bind(&table.schema)
        .bind(&table.name)
        .fetch_all(&mut *self)
        .await?;
        let has = |name: &str| columns.iter().find(|(c, _)| c.eq_ignore_ascii_case(name));
        // A diesel project's table of an earlier release, whose `version` is an integer.
        let integer = has("version").is_some_and(|(_, ty)| ty.to_lowercase().ends_with("int"));
        if order == VersionOrder::Text && integer {
            let sql = format!("ALTER TABLE {quoted} MODIFY version VARCHAR(255) NOT NULL");
            Executor::execute(&mut *self, sqlx::raw_sql(AssertSqlSafe(sql))).await?;
        }
        let adds: Vec<String> = PROGRESS_COLUMNS
            .iter()
            .filter(|(name, _)| has(name).is_none())
            .map(|(name, ty)| format!("ADD COLUMN {name} {ty}"))
            .collect();
        if !adds.is_empty() {
            let sql = format!("ALTER TABLE {quoted} {}", adds.join(", "));
            Executor::execute(&mut *self, sqlx::raw_sql(AssertSqlSafe(sql))).await?;
        }
        Ok(())
    }

    async fn read_history(&mut self, table: &TableName) -> Result<Vec<AppliedRow>, sqlx::Error> {
        let sql = format!(
            "SELECT {SELECT_ROWS} FROM {} ORDER BY version",
            table.quoted_in(Dialect::Mysql)
        );
        let rows = sqlx::raw_sql(AssertSqlSafe(sql)).fetch_all(self).await?;
        rows.iter().map(super::applied_row).collect()
    }

    /// Metadata locks (`lock_wait_timeout`, what DDL waits for) and row locks
    /// (`innodb_lock_wait_timeout`), in whole seconds; `None` restores the server's defaults.
    async fn set_lock_wait(&mut self, timeout: Option<Duration>) -> Result<(), sqlx::Error> {
        let sql = match timeout {
            Some(t) => {
                let secs = t.as_millis().div_ceil(1000).max(1);
                format!("SET SESSION lock_wait_timeout = {secs}, innodb_lock_wait_timeout = {secs}")
            }
            None => "SET SESSION lock_wait_timeout = DEFAULT, innodb_lock_wait_timeout = DEFAULT"
                .to_owned(),
        };
        Executor::execute(self, sqlx::raw_sql(AssertSqlSafe(sql)))
            .await
            .map(drop)
    }

    async fn session_id(&mut self) -> Option<i64> {
        let id: Option<u64> = sqlx::query_scalar("SELECT CONNECTION_ID()")
            .fetch_one(self)
            .await
            .ok();
        id.and_then(|id| i64::try_from(id).ok())
    }

    async fn cancel_session(&mut self, id: i64) -> Result<(), sqlx::Error> {
        let sql = format!("KILL QUERY {id}");
        Executor::execute(self, sqlx::raw_sql(AssertSqlSafe(sql)))
            .await
            .map(drop)
    }

    async fn lock_is_held(&mut self, table: &TableName) -> Result<bool, sqlx::Error> {
        let name = lock_name(self, table).await?;
        let holder: Option<u64> = sqlx::query_scalar("SELECT IS_USED_LOCK(?)")
            .bind(name)
            .fetch_one(self)
            .await?;
        Ok(holder.is_some())
    }

    async fn lock(
        &mut self,
        table: &TableName,
        timeout: Duration,
        observer: &(dyn Fn(&Event<'_>) + Sync),
    ) -> Result<LockKey, MigrateError> {
        let name = lock_name(self, table).await.map_err(lock_error)?;
        let started = Instant::now();
        let mut delay = Duration::from_millis(20);
        let mut told = false;
        loop {
            // 1: taken; 0: another session holds it. Never waits inside the server, so
            // the wait message and the timeout are ours, as on PostgreSQL.
            let got: Option<i64> = sqlx::query_scalar("SELECT GET_LOCK(?, 0)")
                .bind(&name)
                .fetch_one(&mut *self)
                .await
                .map_err(lock_error)?;
            if got == Some(1) {
                return Ok(LockKey(key_of(&name)));
            }
            let waited = started.elapsed();
            if waited >= timeout {
                return Err(MigrateError::LockTimeout {
                    waited,
                    holder_hint: format!(
                        "SELECT id, user, host, time, state, info FROM information_schema.processlist \
                         WHERE id = IS_USED_LOCK('{name}')"
                    ),
                });
            }
            if !told {
                let holder: Option<i64> = sqlx::query_scalar("SELECT IS_USED_LOCK(?)")
                    .bind(&name)
                    .fetch_one(&mut *self)
                    .await
                    .ok()
                    .flatten();
                let holder = holder.map(|id| format!("connection {id}"));
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
        let _: Option<i64> = sqlx::query_scalar("SELECT RELEASE_LOCK(?)")
            .bind(name_of(key.0))
            .fetch_one(self)
            .await?;
        Ok(())
    }

    async fn read_foreign(&mut self, tool: Tool) -> Result<Vec<ForeignRow>, sqlx::Error> {
        let rows = sqlx::query(foreign_sql(tool)).fetch_all(self).await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get::<String, _>(0)?,
                    r.try_get::<i64, _>(1)? != 0,
                    r.try_get::<Option<Vec<u8>>, _>(2)?,
                    r.try_get::<Option<String>, _>(3)?,
                    r.try_get::<i64, _>(4)? != 0,
                ))
            })
            .collect()
    }

    async fn drop_everything(&mut self) -> Result<(), sqlx::Error> {
        super::mysql_reset::drop_everything(self).await
    }
}

/// [`Tool::select_sql`] as MySQL reads it: text and integer columns only (`NOT x` and
/// comparisons are integers there, `CAST(… AS TEXT)` does not exist).
fn foreign_sql(tool: Tool) -> &'static str {
    match tool {
        Tool::Sqlx => {
            "SELECT CAST(version AS CHAR), CAST(success AS SIGNED), checksum, CAST(NULL AS CHAR), \
             CAST(NOT success AS SIGNED) FROM _sqlx_migrations ORDER BY version"
        }
        Tool::Diesel => {
            "SELECT CAST(version AS CHAR), CAST(1 AS SIGNED), CAST(NULL AS BINARY), CAST(NULL AS CHAR), \
             CAST(0 AS SIGNED) FROM __diesel_schema_migrations ORDER BY version"
        }
        Tool::Prisma => {
            "SELECT CAST(migration_name AS CHAR), \
             CAST(finished_at IS NOT NULL AND rolled_back_at IS NULL AS SIGNED), CAST(NULL AS BINARY), \
             CAST(checksum AS CHAR), CAST(finished_at IS NULL AND rolled_back_at IS NULL AS SIGNED) \
             FROM _prisma_migrations ORDER BY started_at"
        }
        other => other.select_sql(),
    }
}

/// The `GET_LOCK` name of the history table in the current database (at most 64
/// characters, as MySQL requires): the same key as PostgreSQL's advisory lock.
async fn lock_name(conn: &mut MySqlConnection, table: &TableName) -> Result<String, sqlx::Error> {
    let database: Option<String> = sqlx::query_scalar("SELECT CAST(DATABASE() AS CHAR)")
        .fetch_one(conn)
        .await?;
    Ok(name_of(lock_key(
        &database.unwrap_or_default(),
        &table.display(),
    )))
}

fn name_of(key: i64) -> String {
    format!("cargo-migrate-{:016x}", key as u64)
}

fn key_of(name: &str) -> i64 {
    let hex = name.trim_start_matches("cargo-migrate-");
    u64::from_str_radix(hex, 16).unwrap_or(0) as i64
}

#[cfg(test)]
mod tests {
    use super::{key_of, name_of};

    #[test]
    fn lock_names_fit_mysql_and_give_back_their_key() {
        for key in [0, 1, -1, i64::MIN, i64::MAX, 5_757_013_903_737_086_473] {
            let name = name_of(key);
            assert!(name.len() <= 64, "{name}");
            assert_eq!(key_of(&name), key);
        }
    }
}
