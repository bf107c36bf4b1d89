//! A migration [`Version`] in the history table's `version` column: sqlx's integers in a
//! `BIGINT` column (as every history table of earlier releases), diesel's text in a `TEXT`
//! column (see [`migrate_core::version`]).

use migrate_core::Version;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{ColumnIndex, Decode, Encode, Row, Type};

/// A version bound as a statement parameter: an integer or text, as the column holds it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct VersionParam<'a>(pub &'a Version);

macro_rules! version_param {
    ($db:ty, $buffer:ty, $type_info:ty) => {
        impl Type<$db> for VersionParam<'_> {
            fn type_info() -> $type_info {
                <i64 as Type<$db>>::type_info()
            }

            fn compatible(ty: &$type_info) -> bool {
                <i64 as Type<$db>>::compatible(ty) || <&str as Type<$db>>::compatible(ty)
            }
        }

        impl Encode<'_, $db> for VersionParam<'_> {
            fn encode_by_ref(&self, buf: &mut $buffer) -> Result<IsNull, BoxDynError> {
                match self.0 {
                    Version::Number(n) => <i64 as Encode<$db>>::encode_by_ref(n, buf),
                    Version::Text(t) => <&str as Encode<$db>>::encode_by_ref(&t.as_ref(), buf),
                }
            }

            fn produces(&self) -> Option<$type_info> {
                Some(match self.0 {
                    Version::Number(_) => <i64 as Type<$db>>::type_info(),
                    Version::Text(_) => <&str as Type<$db>>::type_info(),
                })
            }
        }
    };
}

#[cfg(feature = "postgres")]
version_param!(
    sqlx::Postgres,
    sqlx::postgres::PgArgumentBuffer,
    sqlx::postgres::PgTypeInfo
);
#[cfg(feature = "sqlite")]
version_param!(
    sqlx::Sqlite,
    sqlx::sqlite::SqliteArgumentsBuffer,
    sqlx::sqlite::SqliteTypeInfo
);

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
