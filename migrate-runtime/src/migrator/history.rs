//! Records made without running migration SQL: resolve, baseline, adopt. Each takes the
//! deploy lock, so it never writes history while a deploy is applying migrations.

use migrate_core::adopt::{Tool, check_adoption};
use migrate_core::diff::diff;
use migrate_core::replay::replay;
use migrate_core::{Migration, Version};

use super::{
    AdoptReport, BaselineOptions, LockOptions, Migrator, Resolution, Resolved, database, release,
};
use crate::Driver;
use crate::MigrateError;
use crate::driver::{NewRow, TableName, applied_by};
use crate::introspect::Introspect;

impl Migrator {
    /// Records a manual fix without running any migration SQL, under the deploy lock.
    pub async fn resolve_with<D: Driver>(
        &self,
        conn: &mut D,
        resolution: Resolution,
        lock: &LockOptions<'_>,
    ) -> Result<Resolved, MigrateError> {
        let table = self.table_name();
        let key = conn.lock(&table, lock.timeout, lock.observer).await?;
        let result = self.resolve_locked(conn, &table, resolution).await;
        release(conn, key, result).await
    }

    async fn resolve_locked<D: Driver>(
        &self,
        conn: &mut D,
        table: &TableName,
        resolution: Resolution,
    ) -> Result<Resolved, MigrateError> {
        let rows = self.prepare_history(conn, table).await?;
        let version = resolution.version().clone();
        let row = rows.iter().find(|r| r.version == version);
        let file = self.find(&version);
        match resolution {
            Resolution::Applied { .. } => {
                let file = file.ok_or_else(|| MigrateError::UnknownVersion {
                    version: version.clone(),
                })?;
                if let Some(row) = row.filter(|r| r.success) {
                    if file
                        .checksum()
                        .to_hex()
                        .eq_ignore_ascii_case(row.checksum.trim())
                    {
                        return Ok(Resolved::NothingToChange);
                    }
                    return Err(MigrateError::AlreadyApplied { version });
                }
                if row.is_some() {
                    conn.delete_row(table, &version)
                        .await
                        .map_err(|e| database("updating the history table", e))?;
                }
                self.record(conn, table, file, "resolve").await?;
                Ok(Resolved::Recorded)
            }
            Resolution::RolledBack { .. } => {
                if row.is_none() {
                    return Err(MigrateError::NotRecorded { version });
                }
                conn.delete_row(table, &version)
                    .await
                    .map_err(|e| database("updating the history table", e))?;
                Ok(Resolved::Recorded)
            }
            Resolution::Checksum { .. } => {
                let file = file.ok_or_else(|| MigrateError::UnknownVersion {
                    version: version.clone(),
                })?;
                let Some(row) = row else {
                    return Err(MigrateError::NotRecorded { version });
                };
                let checksum = file.checksum().to_hex();
                if checksum.eq_ignore_ascii_case(row.checksum.trim()) {
                    return Ok(Resolved::NothingToChange);
                }
                conn.set_checksum(table, &version, &checksum)
                    .await
                    .map_err(|e| database("updating the history table", e))?;
                Ok(Resolved::Recorded)
            }
        }
    }

    /// Marks every migration up to `version` applied, without running them, on a database
    /// that already has their schema, under the deploy lock. Refuses when the live schema
    /// differs from the schema those migrations produce, unless `options.force`. Returns the
    /// versions recorded.
    pub async fn baseline_with<D: Driver + Introspect>(
        &self,
        conn: &mut D,
        version: &Version,
        options: &BaselineOptions<'_>,
    ) -> Result<Vec<Version>, MigrateError> {
        if self.find(version).is_none() {
            return Err(MigrateError::UnknownVersion {
                version: version.clone(),
            });
        }
        let table = self.table_name();
        let key = conn
            .lock(&table, options.lock.timeout, options.lock.observer)
            .await?;
        let result = self.baseline_locked(conn, &table, version, options).await;
        release(conn, key, result).await
    }

    async fn baseline_locked<D: Driver + Introspect>(
        &self,
        conn: &mut D,
        table: &TableName,
        version: &Version,
        options: &BaselineOptions<'_>,
    ) -> Result<Vec<Version>, MigrateError> {
        if !options.force {
            let upto: Vec<Migration> = self
                .migrations
                .iter()
                .filter(|m| m.version <= *version)
                .cloned()
                .collect();
            let expected = replay(&upto, conn.dialect())?;
            let actual = conn
                .introspect(&self.table)
                .await
                .map_err(|e| database("reading the database's schema", e))?;
            let differences = diff(&expected, &actual);
            if !differences.is_empty() {
                return Err(MigrateError::BaselineDrift {
                    version: version.clone(),
                    differences: differences.iter().map(ToString::to_string).collect(),
                });
            }
        }
        let rows = self.prepare_history(conn, table).await?;
        let mut recorded = Vec::new();
        for migration in self.migrations.iter().filter(|m| m.version <= *version) {
            if rows.iter().any(|r| r.version == migration.version) {
                continue;
            }
            self.record(conn, table, migration, "baseline").await?;
            recorded.push(migration.version.clone());
        }
        Ok(recorded)
    }

    /// Takes over another tool's history: checks every applied row against the files, then
    /// records them in ours, running no migration SQL. The other table is left untouched.
    pub async fn adopt_with<D: Driver>(
        &self,
        conn: &mut D,
        tool: Tool,
        lock: &LockOptions<'_>,
    ) -> Result<AdoptReport, MigrateError> {
        let table = self.table_name();
        let key = conn.lock(&table, lock.timeout, lock.observer).await?;
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
        let ours = self.prepare_history(conn, table).await?;
        let mut report = AdoptReport::default();
        for version in versions {
            if ours.iter().any(|r| r.version == version) {
                report.already_recorded += 1;
                continue;
            }
            let Some(m) = self.find(&version) else {
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
            version: &m.version,
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

impl Migrator {
    /// The tool whose history table the database has while it has none of ours: deploying
    /// there would run again what that tool applied, where adopting it runs nothing.
    pub async fn foreign_history_with<D: Driver>(
        &self,
        conn: &mut D,
    ) -> Result<Option<Tool>, MigrateError> {
        let ours = conn
            .history_exists(&self.table_name())
            .await
            .map_err(|e| database("reading the history table", e))?;
        if ours {
            return Ok(None);
        }
        for tool in [Tool::Sqlx, Tool::Diesel, Tool::Prisma] {
            let theirs = conn
                .history_exists(&TableName::parse(tool.table()))
                .await
                .map_err(|e| database("looking for other tools' history tables", e))?;
            if theirs {
                return Ok(Some(tool));
            }
        }
        Ok(None)
    }
}
