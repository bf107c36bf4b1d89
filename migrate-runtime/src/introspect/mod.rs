//! The live catalog -> the same [`Schema`] model the replay produces, so the two compare field
//! by field (`migrate_core::diff`).

#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;

use migrate_core::schema::Schema;

use crate::AnyConnection;

/// Reading a database's schema. Implemented for `PgConnection`, `SqliteConnection` and
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
            // The MySQL catalog is read by `introspect::mysql` (not written yet).
            #[cfg(feature = "mysql")]
            AnyConnection::Mysql(_) => {
                let _ = history_table;
                Err(sqlx::Error::Configuration(
                    "reading the schema of a MySQL/MariaDB database (verify, diff, schema \
                     from a URL, baseline's check, check's round trip) is not supported on \
                     MySQL yet; deploy, status, revert, resolve, adopt, reset and hash work"
                        .into(),
                ))
            }
        }
    }
}
