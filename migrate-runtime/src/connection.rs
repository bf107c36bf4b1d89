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

    /// Runs one statement (or several separated by `;`) as simple, unprepared SQL.
    pub async fn execute(&mut self, sql: &str) -> Result<(), DbError> {
        driver::Driver::execute(self, sql).await
    }
}
