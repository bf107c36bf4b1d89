//! A migration [`Version`] in the history table's `version` column: sqlx's integers in a
//! `BIGINT` column (as every history table of earlier releases), diesel's text in a `TEXT`
//! column (see [`migrate_core::version`]).

use migrate_core::Version;
use sqlx::{ColumnIndex, Decode, Row, Type};

/// The `version` column of a history row: an integer column reads as [`Version::Number`], a
/// text column as [`Version::Text`] (which rule the project follows is decided by its files,
/// see [`migrate_core::version::as_recorded`]).
pub(crate) fn version_of<'r, R>(row: &'r R) -> Result<Version, sqlx::Error>
where
    R: Row,
    &'static str: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    String: Decode<'r, R::Database> + Type<R::Database>,
{
    match row.try_get::<i64, _>("version") {
        Ok(n) => Ok(Version::Number(n)),
        Err(sqlx::Error::ColumnDecode { .. }) => {
            Ok(Version::Text(row.try_get::<String, _>("version")?.into()))
        }
        Err(e) => Err(e),
    }
}
