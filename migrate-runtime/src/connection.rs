//! The public face of the connections migrations run on: the sealed [`Driver`] trait and
//! [`AnyConnection`]'s own methods. The operations themselves (history rows, locks,
//! progress) are this crate's internals, in `crate::driver`.

use migrate_core::Dialect;

use crate::driver::{self, AnyConnection, DbError};

/// A connection migrations run on: `sqlx::PgConnection` (feature `postgres`),
/// `sqlx::SqliteConnection` (feature `sqlite`), `sqlx::MySqlConnection` (feature `mysql`)
/// and [`AnyConnection`].
///
/// It bounds [`Migrator`](crate::Migrator)'s methods; pass a pool, a pooled connection or a
/// connection. The trait is sealed: its operations (history table, deploy lock, progress
/// rows) are internal and change between releases, so it cannot be implemented outside
/// this crate.
pub trait Driver: driver::Driver {}

impl<T: driver::Driver> Driver for T {}

impl AnyConnection {
    /// The kind of database this connection talks to.
    pub fn dialect(&self) -> Dialect {
        driver::Driver::dialect(self)
    }

    /// The server's major version on PostgreSQL (`15`, from `server_version_num`); `None` on
    /// SQLite, whose rules do not depend on it.
    pub async fn server_major_version(&mut self) -> Result<Option<u32>, DbError> {
        match self {
            #[cfg(feature = "postgres")]
            AnyConnection::Postgres(conn) => {
                let num: String =
                    sqlx::query_scalar("SELECT current_setting('server_version_num')")
                        .fetch_one(conn)
                        .await
                        .map_err(driver::db_error)?;
                Ok(num.trim().parse::<u32>().ok().map(|n| n / 10_000))
            }
            #[allow(unreachable_patterns)]
            _ => Ok(None),
        }
    }

    /// Runs one statement (or several separated by `;`) as simple, unprepared SQL.
    pub async fn execute(&mut self, sql: &str) -> Result<(), DbError> {
        driver::Driver::execute(self, sql).await
    }
}
