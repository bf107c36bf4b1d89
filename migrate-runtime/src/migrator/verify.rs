//! `verify`: is the database what its applied migrations say it is? Reads only.

use migrate_core::diff::{Difference, diff};
use migrate_core::replay::replay;
use migrate_core::schema::Schema;
use migrate_core::{Migration, MigrationState, StatusEntry, Version, status};

use super::{Migrator, acquire, database};
use crate::introspect::Introspect;
use crate::{Driver, MigrateError};

/// What [`Migrator::verify`] found: the history against the migrations, and the database's
/// schema against the schema its applied migrations produce.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifyReport {
    /// The history table, as configured (`_migrate_history`, `ops.history`).
    pub history_table: String,
    /// Whether the history table exists. When it does not, nothing was ever deployed here
    /// (or it was deployed with another tool): the report says so and is not clean.
    pub history_exists: bool,
    /// Versions recorded as applied, in the order they were applied.
    pub applied: Vec<Version>,
    /// Versions of the migrations (files or embedded) that are not applied.
    pub pending: Vec<Version>,
    /// Migrations in a problem state: `changed` (checksum differs; the current file is
    /// replayed), `missing` (applied, file gone; it cannot be replayed), `failed`,
    /// `out-of-order`.
    pub history_problems: Vec<StatusEntry>,
    /// The schema the applied migrations produce, replayed in the order they were applied.
    pub expected: Schema,
    /// The database's schema, read from its catalog.
    pub actual: Schema,
    /// Every difference between the two.
    pub differences: Vec<Difference>,
}

impl VerifyReport {
    /// No history problem, no schema difference, and a history table to compare against.
    pub fn is_clean(&self) -> bool {
        self.history_exists && self.history_problems.is_empty() && self.differences.is_empty()
    }
}

impl Migrator {
    /// Compares the database with its applied migrations: history and schema. Reads only:
    /// it creates nothing, not even the history table, and takes no lock.
    pub async fn verify<'a, A>(&self, conn: A) -> Result<VerifyReport, MigrateError>
    where
        A: sqlx::Acquire<'a>,
        <A::Database as sqlx::Database>::Connection: Driver + Introspect,
    {
        let mut conn = acquire(conn).await?;
        self.verify_with(&mut *conn).await
    }

    /// [`Migrator::verify`] on a connection.
    pub async fn verify_with<D: Driver + Introspect>(
        &self,
        conn: &mut D,
    ) -> Result<VerifyReport, MigrateError> {
        let table = self.table_name();
        let history_exists = conn
            .history_exists(&table)
            .await
            .map_err(|e| database("looking for the history table", e))?;
        let rows = self.read_rows(conn, &table).await?;
        let entries = status(&self.migrations, &rows);
        let mut applied_rows: Vec<_> = rows.iter().filter(|r| r.success).collect();
        applied_rows.sort_by(|a, b| (&a.applied_at, &a.version).cmp(&(&b.applied_at, &b.version)));
        let applied: Vec<Version> = applied_rows.iter().map(|r| r.version.clone()).collect();
        let replayed: Vec<Migration> = applied
            .iter()
            .filter_map(|v| self.find(v).cloned())
            .collect();
        let expected = replay(&replayed, conn.dialect())?;
        let actual = conn
            .introspect(&self.table)
            .await
            .map_err(|e| database("reading the database's schema", e))?;
        let differences = diff(&expected, &actual);
        Ok(VerifyReport {
            history_table: self.table.to_string(),
            history_exists,
            applied,
            pending: entries
                .iter()
                .filter(|e| e.row.is_none())
                .map(|e| e.version.clone())
                .collect(),
            history_problems: entries
                .into_iter()
                .filter(|e| e.state.is_problem() || e.state == MigrationState::OutOfOrder)
                .collect(),
            expected,
            actual,
            differences,
        })
    }
}
