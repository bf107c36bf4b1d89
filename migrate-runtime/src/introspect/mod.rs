//! The live catalog -> the same [`Schema`] model the replay produces, so the two compare field
//! by field (`migrate_core::diff`).

#[cfg(feature = "mysql")]
mod mysql;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;

use migrate_core::schema::Schema;

use crate::AnyConnection;

/// Reading a database's schema. Implemented for `PgConnection`, `SqliteConnection`,
/// `MySqlConnection` and
/// [`AnyConnection`]; sealed (every implementation is a [`Driver`](crate::Driver)).
#[allow(async_fn_in_trait)]
pub trait Introspect: crate::driver::Driver {
    /// The schema of the database, leaving out the history table `history_table`.
    async fn introspect(&mut self, history_table: &str) -> Result<Schema, sqlx::Error>;
}

/// Reads the live schema (tables, columns, types, nullability, defaults, keys, enum types
/// and their labels, domains, views, indexes), leaving out the history table.
pub async fn introspect<C: Introspect>(
    conn: &mut C,
    history_table: &str,
) -> Result<Schema, sqlx::Error> {
    conn.introspect(history_table).await
}

impl Introspect for AnyConnection {
    async fn introspect(&mut self, history_table: &str) -> Result<Schema, sqlx::Error> {
        match self {
            #[cfg(feature = "postgres")]
            AnyConnection::Postgres(c) => c.introspect(history_table).await,
            #[cfg(feature = "postgres")]
            AnyConnection::PostgresSessionless(c) => c.introspect(history_table).await,
            #[cfg(feature = "sqlite")]
            AnyConnection::Sqlite(c) => c.introspect(history_table).await,
            #[cfg(feature = "mysql")]
            AnyConnection::Mysql(c) => mysql::introspect(c, history_table).await,
        }
    }
}

#[cfg(feature = "mysql")]
impl Introspect for sqlx::MySqlConnection {
    async fn introspect(&mut self, history_table: &str) -> Result<Schema, sqlx::Error> {
        mysql::introspect(self, history_table).await
    }
}
