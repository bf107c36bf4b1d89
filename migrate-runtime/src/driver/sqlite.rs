//! SQLite: no session lock; each migration runs in `BEGIN IMMEDIATE` (the database's write
//! lock) and re-reads the history inside it, so racing deployers never apply one twice.

use std::time::Duration;

use migrate_core::adopt::{ForeignRow, Tool};
use migrate_core::{AppliedRow, Dialect, VersionOrder};
use sqlx::{AssertSqlSafe, Executor, Row, SqliteConnection};

use super::{
    DbError, Driver, HistoryStatement, LockKey, PROGRESS_COLUMNS, Placeholders, TableName, db_error,
};
use crate::{Event, MigrateError, Stop};

impl Driver for SqliteConnection {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    async fn execute(&mut self, sql: &str) -> Result<(), DbError> {
        Executor::execute(&mut *self, sqlx::raw_sql(AssertSqlSafe(sql)))
            .await
            .map(drop)
            .map_err(db_error)
    }

    fn begin_sql(&self) -> &'static str {
        "BEGIN IMMEDIATE"
    }

    fn recheck_in_transaction(&self) -> bool {
        true
    }

    fn placeholders(&self) -> Placeholders {
        Placeholders::NumberedQuestion
    }

    async fn write_history(&mut self, statement: HistoryStatement) -> Result<(), sqlx::Error> {
        super::history_sql::query::<sqlx::Sqlite>(statement)
            .execute(self)
            .await
            .map(drop)
    }

    async fn history_flag(&mut self, statement: HistoryStatement) -> Result<bool, sqlx::Error> {
        super::history_sql::query::<sqlx::Sqlite>(statement)
            .fetch_one(self)
            .await?
            .try_get(0)
    }

    async fn history_exists(&mut self, table: &TableName) -> Result<bool, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1)",
        )
        .bind(&table.name)
        .fetch_one(self)
        .await
    }

    async fn create_history(
        &mut self,
        table: &TableName,
        order: VersionOrder,
    ) -> Result<(), sqlx::Error> {
        Executor::execute(
            &mut *self,
            sqlx::raw_sql(AssertSqlSafe(create_table_sql(&table.quoted(), order))),
        )
        .await?;
        // A table of an earlier version: add the progress columns it lacks.
        let present: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?1)")
            .bind(&table.name)
            .fetch_all(&mut *self)
            .await?;
        for (name, ty) in PROGRESS_COLUMNS {
            if !present.iter().any(|p| p.eq_ignore_ascii_case(name)) {
                let sql = format!("ALTER TABLE {} ADD COLUMN {name} {ty}", table.quoted());
                Executor::execute(&mut *self, sqlx::raw_sql(AssertSqlSafe(sql))).await?;
            }
        }
        if order == VersionOrder::Text {
            text_versions(self, table).await?;
        }
        Ok(())
    }

    async fn read_history(&mut self, table: &TableName) -> Result<Vec<AppliedRow>, sqlx::Error> {
        let sql = format!("SELECT * FROM {} ORDER BY version", table.quoted());
        let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(self).await?;
        rows.iter()
            .map(|r| {
                // Absent from history tables of earlier versions.
                let progress = super::progress_of(
                    optional(r, "state")?,
                    optional(r, "statements_done")?,
                    optional(r, "statements_total")?,
                    optional(r, "done_checksum")?,
                );
                super::applied_row_with(r, progress)
            })
            .collect()
    }

    async fn set_lock_wait(&mut self, timeout: Option<Duration>) -> Result<(), sqlx::Error> {
        // No limit: a day, as SQLite has no "forever".
        let ms = timeout.map_or(86_400_000, |t| t.as_millis().max(1));
        Executor::execute(
            self,
            sqlx::raw_sql(AssertSqlSafe(format!("PRAGMA busy_timeout = {ms}"))),
        )
        .await
        .map(drop)
    }

    fn lock_wait_is_deploy_lock(&self) -> bool {
        true
    }

    async fn interrupt_on(&mut self, stop: Option<&Stop>) -> Result<(), sqlx::Error> {
        let mut handle = self.lock_handle().await?;
        match stop {
            // Called every 1000 virtual-machine steps: `false` interrupts the statement.
            Some(stop) => {
                let stop = stop.clone();
                handle.set_progress_handler(1000, move || !stop.is_stopped());
            }
            None => handle.remove_progress_handler(),
        }
        Ok(())
    }

    /// SQLite's lock is its write lock, taken per migration by `BEGIN IMMEDIATE` and waited
    /// for through the busy timeout set at connect time.
    async fn lock(
        &mut self,
        _table: &TableName,
        _timeout: Duration,
        _observer: &(dyn Fn(&Event<'_>) + Sync),
    ) -> Result<LockKey, MigrateError> {
        Ok(LockKey(0))
    }

    async fn unlock(&mut self, _key: LockKey) -> Result<(), sqlx::Error> {
        Ok(())
    }

    async fn read_foreign(&mut self, tool: Tool) -> Result<Vec<ForeignRow>, sqlx::Error> {
        sqlx::query_as(tool.select_sql()).fetch_all(self).await
    }

    async fn drop_everything(&mut self) -> Result<(), sqlx::Error> {
        Executor::execute(&mut *self, "PRAGMA foreign_keys = OFF").await?;
        let objects: Vec<(String, String)> = sqlx::query_as(
            "SELECT type, name FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
             AND type IN ('table', 'view', 'trigger') ORDER BY type = 'table'",
        )
        .fetch_all(&mut *self)
        .await?;
        for (kind, name) in objects {
            let sql = format!(
                "DROP {} IF EXISTS {}",
                kind.to_uppercase(),
                super::quote_ident(&name)
            );
            Executor::execute(&mut *self, sqlx::raw_sql(AssertSqlSafe(sql))).await?;
        }
        Executor::execute(self, "PRAGMA foreign_keys = ON")
            .await
            .map(drop)
    }
}

/// The history table, its `version` column of the type `order` stores.
fn create_table_sql(quoted: &str, order: VersionOrder) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {quoted} (
            version {} PRIMARY KEY,
            name TEXT NOT NULL,
            checksum TEXT NOT NULL,
            applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            execution_ms INTEGER NOT NULL,
            success BOOLEAN NOT NULL,
            error TEXT,
            applied_by TEXT NOT NULL,
            backup TEXT,
            state TEXT,
            statements_done INTEGER,
            statements_total INTEGER,
            done_checksum TEXT
        )",
        match order {
            VersionOrder::Number => "INTEGER",
            VersionOrder::Text => "TEXT",
        }
    )
}

/// A diesel project's table of an earlier release, whose `version` is an `INTEGER PRIMARY
/// KEY` (SQLite cannot change a column's type): rebuilt with a `TEXT` one, the rows copied
/// with their digits as text, in one `BEGIN IMMEDIATE` transaction (which waits for other
/// deployers as each migration's does).
async fn text_versions(conn: &mut SqliteConnection, table: &TableName) -> Result<(), sqlx::Error> {
    if !integer_versions(&mut *conn, table).await? {
        return Ok(());
    }
    Executor::execute(&mut *conn, "BEGIN IMMEDIATE").await?;
    let result = async {
        if !integer_versions(&mut *conn, table).await? {
            return Ok(());
        }
        let old = super::quote_ident(&format!("{}__integer_versions", table.name));
        let quoted = table.quoted();
        let columns = "name, checksum, applied_at, execution_ms, success, error, applied_by, \
                       backup, state, statements_done, statements_total, done_checksum";
        for sql in [
            format!("ALTER TABLE {quoted} RENAME TO {old}"),
            create_table_sql(&quoted, VersionOrder::Text),
            format!(
                "INSERT INTO {quoted} (version, {columns}) \
                 SELECT CAST(version AS TEXT), {columns} FROM {old}"
            ),
            format!("DROP TABLE {old}"),
        ] {
            Executor::execute(&mut *conn, sqlx::raw_sql(AssertSqlSafe(sql))).await?;
        }
        Ok::<(), sqlx::Error>(())
    }
    .await;
    match result {
        Ok(()) => {
            Executor::execute(&mut *conn, "COMMIT").await?;
            // Statements prepared on the old table (`SELECT *`) would read its columns.
            sqlx::Connection::clear_cached_statements(conn).await
        }
        Err(e) => {
            let _ = Executor::execute(&mut *conn, "ROLLBACK").await;
            Err(e)
        }
    }
}

/// Whether the history table's `version` column is an integer (sqlx's rule).
async fn integer_versions(
    conn: &mut SqliteConnection,
    table: &TableName,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pragma_table_info(?1) WHERE name = 'version' \
         AND upper(type) LIKE '%INT%')",
    )
    .bind(&table.name)
    .fetch_one(conn)
    .await
}

/// A column that history tables of earlier versions lack: `None` when absent.
fn optional<T>(row: &sqlx::sqlite::SqliteRow, name: &str) -> Result<Option<T>, sqlx::Error>
where
    T: for<'r> sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    match row.try_get::<Option<T>, _>(name) {
        Err(sqlx::Error::ColumnNotFound(_)) => Ok(None),
        other => other,
    }
}
