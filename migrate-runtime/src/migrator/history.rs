//! Records made without running migration SQL: resolve, baseline, adopt.

use std::time::Duration;

use migrate_core::Migration;
use migrate_core::adopt::{Tool, check_adoption};

use super::{AdoptReport, Migrator, Resolution, database, release};
use crate::driver::{Driver, NewRow, TableName, applied_by};
use crate::{MigrateError, event};

impl Migrator {
    /// Records a manual fix without running any migration SQL.
    pub async fn resolve_with<D: Driver>(
        &self,
        conn: &mut D,
        resolution: Resolution,
    ) -> Result<(), MigrateError> {
        let table = self.table_name();
        conn.create_history(&table)
            .await
            .map_err(|e| database("creating the history table", e))?;
        let rows = conn
            .read_history(&table)
            .await
            .map_err(|e| database("reading the history table", e))?;
        let version = match resolution {
            Resolution::Applied(v) | Resolution::RolledBack(v) | Resolution::Checksum(v) => v,
        };
        let row = rows.iter().find(|r| r.version == version);
        let file = self.find(version);
        match resolution {
            Resolution::Applied(_) => {
                let file = file.ok_or(MigrateError::UnknownVersion { version })?;
                if row.is_some_and(|r| r.success) {
                    return Err(MigrateError::AlreadyApplied { version });
                }
                if row.is_some() {
                    conn.delete_row(&table, version)
                        .await
                        .map_err(|e| database("updating the history table", e))?;
                }
                self.record(conn, &table, file, "resolve").await
            }
            Resolution::RolledBack(_) => {
                if row.is_none() {
                    return Err(MigrateError::NotRecorded { version });
                }
                conn.delete_row(&table, version)
                    .await
                    .map_err(|e| database("updating the history table", e))
            }
            Resolution::Checksum(_) => {
                let file = file.ok_or(MigrateError::UnknownVersion { version })?;
                if row.is_none() {
                    return Err(MigrateError::NotRecorded { version });
                }
                conn.set_checksum(&table, version, &file.checksum().to_hex())
                    .await
                    .map_err(|e| database("updating the history table", e))
            }
        }
    }

    /// Marks every migration up to `version` applied, without running them, on a database
    /// that already has their schema. Returns the versions recorded.
    pub async fn baseline_with<D: Driver>(
        &self,
        conn: &mut D,
        version: i64,
    ) -> Result<Vec<i64>, MigrateError> {
        if self.find(version).is_none() {
            return Err(MigrateError::UnknownVersion { version });
        }
        let table = self.table_name();
        conn.create_history(&table)
            .await
            .map_err(|e| database("creating the history table", e))?;
        let rows = conn
            .read_history(&table)
            .await
            .map_err(|e| database("reading the history table", e))?;
        let mut recorded = Vec::new();
        for migration in self.migrations.iter().filter(|m| m.version <= version) {
            if rows.iter().any(|r| r.version == migration.version) {
                continue;
            }
            self.record(conn, &table, migration, "baseline").await?;
            recorded.push(migration.version);
        }
        Ok(recorded)
    }

    /// Takes over another tool's history: checks every applied row against the files, then
    /// records them in ours, running no migration SQL. The other table is left untouched.
    pub async fn adopt_with<D: Driver>(
        &self,
        conn: &mut D,
        tool: Tool,
        lock_timeout: Duration,
    ) -> Result<AdoptReport, MigrateError> {
        let table = self.table_name();
        let key = conn.lock(&table, lock_timeout, &event::ignore).await?;
        let result = self.adopt_locked(conn, &table, tool).await;
        release(conn, key, result).await
    }

    async fn adopt_locked<D: Driver>(
        &self,
        conn: &mut D,
        table: &TableName,
        tool: Tool,
    ) -> Result<AdoptReport, MigrateError> {
        let theirs = TableName::parse(tool.table());
        if !conn
            .history_exists(&theirs)
            .await
            .map_err(|e| database("looking for the table to adopt", e))?
        {
            return Err(MigrateError::NothingToAdopt {
                table: tool.table().to_owned(),
            });
        }
        let rows = conn
            .read_foreign(tool)
            .await
            .map_err(|e| database(&format!("reading {}", tool.table()), e))?;
        let versions = check_adoption(tool, &self.migrations, &rows)?;
        conn.create_history(table)
            .await
            .map_err(|e| database("creating the history table", e))?;
        let ours = conn
            .read_history(table)
            .await
            .map_err(|e| database("reading the history table", e))?;
        let mut report = AdoptReport::default();
        for version in versions {
            if ours.iter().any(|r| r.version == version) {
                report.already_recorded += 1;
                continue;
            }
            let Some(m) = self.find(version) else {
                continue;
            };
            self.record(conn, table, m, &format!("adopted from {}", tool.name()))
                .await?;
            report.recorded.push(version);
        }
        Ok(report)
    }

    async fn record<D: Driver>(
        &self,
        conn: &mut D,
        table: &TableName,
        m: &Migration,
        how: &str,
    ) -> Result<(), MigrateError> {
        let checksum = m.checksum().to_hex();
        let by = applied_by(how);
        let row = NewRow {
            version: m.version,
            name: &m.name,
            checksum: &checksum,
            execution_ms: 0,
            success: true,
            error: None,
            applied_by: &by,
            backup: None,
        };
        conn.insert_row(table, &row)
            .await
            .map_err(|e| database("recording the migration", e))
    }
}
