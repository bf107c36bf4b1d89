//! MySQL and MariaDB: which Rust types read every value of a column type, as sqlx 0.9's MySQL
//! driver decides (`Type::compatible`, then the decode of the column's extreme values).
//!
//! | column (the model's spelling) | reads into |
//! |---|---|
//! | `tinyint(1)` (`BOOLEAN`) | `bool`, `i8`–`i64` |
//! | `tinyint`, `smallint`, `mediumint`, `int`, `bigint` | the signed types as wide or wider (`i8`, `i16`, `i32`, `i32`, `i64`); `tinyint` also `bool` |
//! | the same `unsigned` | the unsigned types as wide or wider (`u8`, `u16`, `u32`, `u32`, `u64`); `tinyint unsigned` also `bool` |
//! | `float` / `double` | `f32`, `f64` / `f64` |
//! | `decimal(p,s)` | `rust_decimal::Decimal`, `bigdecimal::BigDecimal` |
//! | `char`, `varchar`, `*text`, `enum(…)`, `set(…)` | `String`, `Vec<u8>` |
//! | `binary`, `varbinary`, `*blob` | `Vec<u8>`; `binary(16)` also `uuid::Uuid` |
//! | `json` (MariaDB: `longtext` with `json_valid`) | `serde_json::Value`, `Json<T>` |
//! | `date` / `time` | `NaiveDate`, `time::Date` / `NaiveTime`, `time::Time` |
//! | `datetime` | `NaiveDateTime`, `PrimitiveDateTime`, `DateTime<Utc>`, `OffsetDateTime` |
//! | `timestamp` | `DateTime<Utc>`, `OffsetDateTime` (sqlx reads no `timestamp` into a naive type) |
//! | `year` | `u16`–`u64` |
//!
//! `bool` reads a `tinyint` of either sign (sqlx decodes it through `i8`: not zero is `true`;
//! a wider integer's values need not fit). A `char(36)` UUID reads into
//! `uuid::fmt::Hyphenated`, not `Uuid` (whose decode wants 16 bytes).

use super::{RustType, Verdict};

/// An integer column's width in bits and whether it is unsigned, from the model's spelling.
fn integer(base: &str, unsigned: bool) -> Option<(u32, bool)> {
    let bits = match base {
        "tinyint" => 8,
        "smallint" => 16,
        "mediumint" => 24,
        "int" => 32,
        "bigint" => 64,
        _ => return None,
    };
    Some((bits, unsigned))
}

fn rust_int(rust: &RustType) -> Option<(u32, bool)> {
    Some(match rust {
        RustType::I8 => (8, false),
        RustType::I16 => (16, false),
        RustType::I32 => (32, false),
        RustType::I64 => (64, false),
        RustType::U8 => (8, true),
        RustType::U16 => (16, true),
        RustType::U32 => (32, true),
        RustType::U64 => (64, true),
        _ => return None,
    })
}

/// The Rust type for an integer column, for hints.
fn int_name(bits: u32, unsigned: bool) -> &'static str {
    match (bits, unsigned) {
        (8, false) => "i8",
        (16, false) => "i16",
        (24 | 32, false) => "i32",
        (_, false) => "i64",
        (8, true) => "u8",
        (16, true) => "u16",
        (24 | 32, true) => "u32",
        (_, true) => "u64",
    }
}

/// Whether `rust` reads every value of the MySQL column type `sql_type` (the model's spelling).
pub(super) fn mysql(rust: &RustType, sql_type: &str) -> Verdict {
    if let RustType::Other(_) = rust {
        return Verdict::Unknown;
    }
    let lower = sql_type.trim().to_ascii_lowercase();
    let unsigned = lower.split_whitespace().any(|w| w == "unsigned");
    let head = lower.split_whitespace().next().unwrap_or("");
    let base = head.split('(').next().unwrap_or(head);
    let args = head
        .split_once('(')
        .map(|(_, a)| a.trim_end_matches(')'))
        .unwrap_or("");
    let yes = |ok: bool, fit: &str| {
        if ok {
            Verdict::Compatible
        } else {
            Verdict::Incompatible {
                hint: format!("a `{sql_type}` column reads into {fit}"),
            }
        }
    };
    if head == "tinyint(1)" && !unsigned {
        return yes(
            matches!(rust, RustType::Bool) || rust_int(rust).is_some_and(|(_, u)| !u),
            "`bool` (or a signed integer)",
        );
    }
    if let Some((bits, unsigned)) = integer(base, unsigned) {
        let fits = rust_int(rust).is_some_and(|(b, u)| u == unsigned && b >= bits);
        let hint = if unsigned {
            format!(
                "`{}` or a wider unsigned type (sqlx reads no unsigned column into a signed type)",
                int_name(bits, true)
            )
        } else {
            format!(
                "`{}` or a wider signed type (sqlx reads no signed column into an unsigned type)",
                int_name(bits, false)
            )
        };
        // sqlx reads a bool through `i8`: every value of a tinyint fits, not of wider types.
        let bool_fits = matches!(rust, RustType::Bool) && bits == 8;
        return yes(bool_fits || fits, &hint);
    }
    let text = matches!(
        base,
        "char" | "varchar" | "tinytext" | "text" | "mediumtext" | "longtext" | "enum" | "set"
    );
    let binary = matches!(
        base,
        "binary" | "varbinary" | "tinyblob" | "blob" | "mediumblob" | "longblob"
    );
    let chrono = "`chrono::NaiveDateTime` (or `time::PrimitiveDateTime`, `chrono::DateTime<Utc>`, `time::OffsetDateTime`)";
    match base {
        "float" => yes(
            matches!(rust, RustType::F32 | RustType::F64),
            "`f32` or `f64`",
        ),
        "double" => yes(matches!(rust, RustType::F64), "`f64`"),
        "decimal" => yes(
            matches!(rust, RustType::Decimal),
            "`rust_decimal::Decimal` (or `bigdecimal::BigDecimal`)",
        ),
        "json" => yes(
            matches!(rust, RustType::Json),
            "`serde_json::Value` (or `sqlx::types::Json<T>`)",
        ),
        "date" => yes(
            matches!(rust, RustType::Date),
            "`chrono::NaiveDate` (or `time::Date`)",
        ),
        "time" => yes(
            matches!(rust, RustType::Time),
            "`chrono::NaiveTime` (or `time::Time`)",
        ),
        "datetime" => yes(
            matches!(
                rust,
                RustType::DateTime
                    | RustType::TimeDateTime
                    | RustType::DateTimeTz
                    | RustType::TimeDateTimeTz
            ),
            chrono,
        ),
        "timestamp" => yes(
            matches!(rust, RustType::DateTimeTz | RustType::TimeDateTimeTz),
            "`chrono::DateTime<Utc>` (or `time::OffsetDateTime`): sqlx reads no `timestamp` into a naive type",
        ),
        "year" => yes(
            rust_int(rust).is_some_and(|(b, u)| u && b >= 16),
            "`u16` or a wider unsigned type",
        ),
        "bit" => yes(
            matches!(rust, RustType::Bool | RustType::U64)
                || (args == "1" && rust_int(rust).is_some_and(|(_, u)| u)),
            "`bool` (`bit(1)`) or `u64`",
        ),
        _ if text => yes(
            matches!(rust, RustType::String | RustType::Bytes),
            "`String` (or `Vec<u8>`)",
        ),
        _ if binary => {
            let uuid = base == "binary" && args == "16";
            yes(
                matches!(rust, RustType::Bytes) || (uuid && matches!(rust, RustType::Uuid)),
                if uuid {
                    "`uuid::Uuid` or `Vec<u8>`"
                } else {
                    "`Vec<u8>`"
                },
            )
        }
        _ => Verdict::Unknown,
    }
}

/// The Rust type sqlx's own `query!` gives a MySQL column of `sql_type` (the model's
/// spelling, or an expression's: `varchar`, `decimal`): `tinyint(1)` is `bool`; otherwise the
/// first of the narrowest integers, `f32`, `f64`, `String`, `Vec<u8>`, `Decimal`, JSON, dates
/// and times that the MySQL rules of [`check`](crate::compat::check) accept (so a `timestamp` is `DateTime<Utc>`, a
/// `datetime` `NaiveDateTime`). `None` for a type no rule reads (`geometry`).
pub fn mysql_rust_type(sql_type: &str) -> Option<RustType> {
    let lower = sql_type.trim().to_ascii_lowercase();
    if lower == "tinyint(1)" {
        return Some(RustType::Bool);
    }
    [
        RustType::I8,
        RustType::I16,
        RustType::I32,
        RustType::I64,
        RustType::U8,
        RustType::U16,
        RustType::U32,
        RustType::U64,
        RustType::F32,
        RustType::F64,
        RustType::String,
        RustType::Bytes,
        RustType::Decimal,
        RustType::Json,
        RustType::Date,
        RustType::Time,
        RustType::DateTime,
        RustType::DateTimeTz,
    ]
    .into_iter()
    .find(|rust| mysql(rust, &lower) == Verdict::Compatible)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(rust: &str, sql: &str) -> bool {
        mysql(&RustType::parse(rust), sql) == Verdict::Compatible
    }

    #[test]
    fn sqlx_mysql_rules() {
        assert!(ok("u32", "int unsigned") && ok("u64", "int unsigned"));
        assert!(!ok("i64", "int unsigned") && !ok("u16", "int unsigned"));
        assert!(ok("i32", "int") && !ok("u32", "int") && !ok("i16", "int"));
        assert!(ok("bool", "tinyint(1)") && ok("i8", "tinyint(1)"));
        assert!(ok("rust_decimal::Decimal", "decimal(10,2)") && !ok("f64", "decimal(10,2)"));
        assert!(ok("chrono::NaiveDateTime", "datetime(6)"));
        assert!(!ok("chrono::NaiveDateTime", "timestamp"));
        assert!(ok("chrono::DateTime<Utc>", "timestamp"));
        assert!(ok("time::OffsetDateTime", "datetime"));
        assert!(ok("serde_json::Value", "json") && !ok("String", "json"));
        assert!(ok("uuid::Uuid", "binary(16)") && !ok("uuid::Uuid", "char(36)"));
        assert!(ok("String", "char(36)") && ok("String", "enum('a','b')"));
        assert!(ok("Vec<u8>", "blob") && ok("Vec<u8>", "varbinary(16)") && !ok("String", "blob"));
        let natural = |sql: &str| mysql_rust_type(sql);
        assert_eq!(natural("tinyint(1)"), Some(RustType::Bool));
        assert_eq!(natural("tinyint"), Some(RustType::I8));
        assert_eq!(natural("smallint"), Some(RustType::I16));
        assert_eq!(natural("mediumint"), Some(RustType::I32));
        assert_eq!(natural("int"), Some(RustType::I32));
        assert_eq!(natural("bigint"), Some(RustType::I64));
        assert_eq!(natural("tinyint unsigned"), Some(RustType::U8));
        assert_eq!(natural("int unsigned"), Some(RustType::U32));
        assert_eq!(natural("bigint unsigned"), Some(RustType::U64));
        assert_eq!(natural("float"), Some(RustType::F32));
        assert_eq!(natural("double"), Some(RustType::F64));
        assert_eq!(natural("varchar(40)"), Some(RustType::String));
        assert_eq!(natural("enum('a','b')"), Some(RustType::String));
        assert_eq!(natural("text"), Some(RustType::String));
        assert_eq!(natural("varbinary(16)"), Some(RustType::Bytes));
        assert_eq!(natural("decimal(12,2)"), Some(RustType::Decimal));
        assert_eq!(natural("json"), Some(RustType::Json));
        assert_eq!(natural("date"), Some(RustType::Date));
        assert_eq!(natural("time"), Some(RustType::Time));
        assert_eq!(natural("datetime"), Some(RustType::DateTime));
        assert_eq!(natural("timestamp"), Some(RustType::DateTimeTz));
        assert_eq!(natural("geometry"), None);
        let Verdict::Incompatible { hint } = mysql(&RustType::I64, "bigint unsigned") else {
            panic!()
        };
        assert!(hint.contains("u64"), "{hint}");
    }
}
