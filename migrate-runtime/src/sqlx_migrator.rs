//! `Migrator` -> `sqlx::migrate::Migrator`, so `#[sqlx::test(migrator = …)]` and other sqlx
//! tooling run the same files (feature `sqlx-migrate`).
//!
//! ```
//! static MIGRATOR: migrate_runtime::Migrator = migrate_runtime::embed_migrations!();
//! static SQLX_MIGRATOR: std::sync::LazyLock<sqlx::migrate::Migrator> =
//!     std::sync::LazyLock::new(|| (&MIGRATOR).into());
//!
//! // #[sqlx::test(migrator = "SQLX_MIGRATOR")]
//! // async fn creates_a_user(pool: sqlx::PgPool) { /* … */ }
//! ```
//!
//! sqlx records what it applies in its own `_sqlx_migrations` table, with its own checksums
//! (SHA-384): use the result for test databases and sqlx tooling, and `Migrator::run` for the
//! databases cargo-migrate manages.
//!
//! sqlx versions are integers: diesel's text versions (see [`migrate_core::version`]) become
//! their position in the order, 1 for the first, so sqlx runs them in diesel's order.

use std::borrow::Cow;

use sqlx::migrate::{Migration as SqlxMigration, MigrationType, Migrator as SqlxMigrator};
use sqlx::{AssertSqlSafe, SqlSafeStr, SqlStr};

use crate::Migrator;

impl From<&Migrator> for SqlxMigrator {
    fn from(migrator: &Migrator) -> SqlxMigrator {
        let mut migrations = Vec::new();
        for (position, m) in migrator.migrations().iter().enumerate() {
            let version = match m.version {
                migrate_core::Version::Number(n) => n,
                migrate_core::Version::Text(_) => position as i64 + 1,
            };
            let description: Cow<'static, str> = Cow::Owned(m.name.replace('_', " "));
            let up_type = match m.down {
                Some(_) => MigrationType::ReversibleUp,
                None => MigrationType::Simple,
            };
            migrations.push(SqlxMigration::new(
                version,
                description.clone(),
                up_type,
                sql_str(&m.up.sql),
                m.up.no_transaction,
            ));
            if let Some(down) = &m.down {
                migrations.push(SqlxMigration::new(
                    version,
                    description,
                    MigrationType::ReversibleDown,
                    sql_str(&down.sql),
                    down.no_transaction,
                ));
            }
        }
        SqlxMigrator::with_migrations(migrations)
    }
}

#[expect(
    clippy::ptr_arg,
    reason = "a borrowed Cow is 'static: keep it without copying"
)]
fn sql_str(sql: &Cow<'static, str>) -> SqlStr {
    match sql {
        Cow::Borrowed(s) => SqlStr::from_static(s),
        // The migration files are the application's own SQL, not user input.
        Cow::Owned(s) => AssertSqlSafe(s.clone()).into_sql_str(),
    }
}
