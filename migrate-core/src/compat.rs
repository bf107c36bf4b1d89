//! Which Rust types can read which SQL types, exactly as sqlx decides at run time. Shared by
//! the derives (at build time) and `verify`.
//!
//! PostgreSQL: sqlx is strict both ways — `i32` reads `integer` only, `i64` reads `bigint`
//! only; `String` reads `text`, `character varying`, `character`, `name`, `citext`.
//!
//! SQLite: sqlx checks each value's *storage class* at run time (INTEGER, REAL, TEXT, BLOB),
//! which a column's declared type decides through its affinity. The build therefore judges by
//! the affinity, assuming the application writes values of the declared type:
//!
//! | Rust type | INTEGER | TEXT | REAL | NUMERIC (decimal) | NUMERIC (`DATE`, `TIME…`) | NUMERIC (`BOOL…`) | BLOB |
//! |---|---|---|---|---|---|---|---|
//! | `bool`, `i8`–`i64` | yes | no | no | no | no | yes | no |
//! | `f32`, `f64` | no | no | yes | yes¹ | no | no | no |
//! | `String` | no | yes | no | no | yes | no | no |
//! | `Vec<u8>` | no | yes | no | no | yes | no | yes |
//! | `chrono::NaiveDate`, `NaiveTime` | no | yes | no | no | yes | no | no |
//! | `chrono::NaiveDateTime`, `DateTime<Tz>` | yes | yes | yes | yes | yes | yes | no |
//! | `uuid::Uuid` | no | yes | no | no | yes | no | yes |
//! | `serde_json::Value`, `Json<T>` | no | yes | no | no | yes | no | no |
//!
//! ¹ A NUMERIC column stores an integral value (`3.0`) as INTEGER, which `f64` cannot read:
//! declare money and measures `REAL` (or use integers of the smallest unit).
//! STRICT tables store exactly their declared type (`INTEGER`/`INT`, `REAL`, `TEXT`, `BLOB`,
//! `ANY`); `ANY` columns and untyped columns cannot be judged at build time.

use crate::Dialect;

/// A Rust type as a derive sees it, from its tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RustType {
    Bool,
    I8,
    I16,
    I32,
    I64,
    F32,
    F64,
    String,
    Bytes,
    Json,
    Uuid,
    /// `chrono::NaiveDate`, `time::Date`.
    Date,
    /// `chrono::NaiveTime`, `time::Time`.
    Time,
    /// `chrono::NaiveDateTime`, `time::PrimitiveDateTime`.
    DateTime,
    /// `chrono::DateTime<Tz>`, `time::OffsetDateTime`.
    DateTimeTz,
    /// `rust_decimal::Decimal`, `bigdecimal::BigDecimal`.
    Decimal,
    /// `Vec<T>` (not `Vec<u8>`), `[T; N]`: a PostgreSQL array.
    Array(Box<RustType>),
    /// `Option<T>`.
    Option(Box<RustType>),
    /// Anything else (an enum, a newtype, an alias, another crate's type): judged through
    /// trait bounds, not here.
    Other(String),
}

impl RustType {
    /// Classifies a type written as tokens, e.g. `Option<chrono::NaiveDate>` or
    /// `sqlx::types::Json<Prefs>`. Spaces are ignored.
    pub fn parse(tokens: &str) -> RustType {
        let t: String = tokens.chars().filter(|c| !c.is_whitespace()).collect();
        let t = t.trim_start_matches("::");
        if let Some(inner) = generic(t, "Option") {
            return RustType::Option(Box::new(RustType::parse(inner)));
        }
        if let Some(inner) = generic(t, "Vec") {
            return match inner {
                "u8" => RustType::Bytes,
                _ => RustType::Array(Box::new(RustType::parse(inner))),
            };
        }
        if let Some(inner) = t.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            let elem = inner.split(';').next().unwrap_or(inner);
            return RustType::Array(Box::new(RustType::parse(elem)));
        }
        if generic(t, "Json").is_some()
            || generic(t, "Box").is_some_and(|i| i.ends_with("RawValue"))
        {
            return RustType::Json;
        }
        if generic(t, "DateTime").is_some() {
            return RustType::DateTimeTz;
        }
        let last = t.rsplit("::").next().unwrap_or(t);
        match last {
            "bool" => RustType::Bool,
            "i8" => RustType::I8,
            "i16" => RustType::I16,
            "i32" => RustType::I32,
            "i64" => RustType::I64,
            "f32" => RustType::F32,
            "f64" => RustType::F64,
            "String" | "&str" | "str" | "Box<str>" => RustType::String,
            "&[u8]" => RustType::Bytes,
            "Value" | "JsonValue" if t.contains("json") || last == "JsonValue" => RustType::Json,
            "Uuid" => RustType::Uuid,
            "NaiveDate" | "Date" => RustType::Date,
            "NaiveTime" | "Time" => RustType::Time,
            "NaiveDateTime" | "PrimitiveDateTime" => RustType::DateTime,
            "OffsetDateTime" => RustType::DateTimeTz,
            "Decimal" | "BigDecimal" => RustType::Decimal,
            _ => RustType::Other(t.to_owned()),
        }
    }

    /// The type inside `Option`, and whether there was one.
    pub fn unwrap_option(&self) -> (&RustType, bool) {
        match self {
            RustType::Option(inner) => (inner, true),
            other => (other, false),
        }
    }
}

/// `Name<inner>` -> `inner` (matching the last path segment).
fn generic<'a>(t: &'a str, name: &str) -> Option<&'a str> {
    let open = t.find('<')?;
    let head = &t[..open];
    let last = head.rsplit("::").next().unwrap_or(head);
    (last == name && t.ends_with('>')).then(|| &t[open + 1..t.len() - 1])
}

/// Whether a Rust type can read a column's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Compatible,
    /// It cannot; these SQL types (or Rust types) would fit instead.
    Incompatible {
        hint: String,
    },
    /// Cannot be judged from the SQL type (SQLite `ANY`/untyped columns, enums, other types).
    Unknown,
}

/// Whether `rust` (without `Option`) reads values of the SQL type `sql_type` (spelled as the
/// replay names it: PostgreSQL's `format_type()`, SQLite's declared type).
pub fn check(dialect: Dialect, rust: &RustType, sql_type: &str, strict: bool) -> Verdict {
    match dialect {
        Dialect::Postgres => postgres(rust, sql_type),
        Dialect::Sqlite => sqlite(rust, sql_type, strict),
        _ => Verdict::Unknown,
    }
}

/// The PostgreSQL types a Rust type reads (base names, no modifiers).
fn postgres_reads(rust: &RustType) -> &'static [&'static str] {
    match rust {
        RustType::Bool => &["boolean"],
        RustType::I8 => &["\"char\""],
        RustType::I16 => &["smallint"],
        RustType::I32 => &["integer"],
        RustType::I64 => &["bigint"],
        RustType::F32 => &["real"],
        RustType::F64 => &["double precision"],
        RustType::String => &["text", "character varying", "character", "name", "citext"],
        RustType::Bytes => &["bytea"],
        RustType::Json => &["json", "jsonb"],
        RustType::Uuid => &["uuid"],
        RustType::Date => &["date"],
        RustType::Time => &["time without time zone"],
        RustType::DateTime => &["timestamp without time zone"],
        RustType::DateTimeTz => &["timestamp with time zone"],
        RustType::Decimal => &["numeric"],
        _ => &[],
    }
}

/// `character varying(320)` -> `character varying`; `numeric(10,2)` -> `numeric`.
fn base_type(sql: &str) -> String {
    let lower = sql.trim().to_ascii_lowercase();
    match (lower.find('('), lower.rfind(')')) {
        (Some(open), Some(close)) if close > open => {
            format!("{}{}", lower[..open].trim_end(), &lower[close + 1..])
                .trim()
                .to_owned()
        }
        _ => lower,
    }
}

fn postgres(rust: &RustType, sql_type: &str) -> Verdict {
    let base = base_type(sql_type);
    if let Some(element) = base.strip_suffix("[]") {
        return match rust {
            RustType::Array(inner) => postgres(inner, element),
            RustType::Other(_) => Verdict::Unknown,
            _ => Verdict::Incompatible {
                hint: format!("a `{sql_type}` column is read into a `Vec<…>` of its element type"),
            },
        };
    }
    if let RustType::Other(_) = rust {
        return Verdict::Unknown;
    }
    let reads = postgres_reads(rust);
    if reads.contains(&base.as_str()) {
        return Verdict::Compatible;
    }
    let fitting = postgres_rust_for(&base);
    let hint = match (reads.is_empty(), fitting) {
        (_, Some(fit)) => format!("a `{sql_type}` column reads into `{fit}`"),
        (false, None) => format!("this Rust type reads {}", quoted(reads)),
        (true, None) => format!(
            "no built-in Rust type is known for `{sql_type}`: use `#[migrate(unchecked)]` if yours decodes it"
        ),
    };
    Verdict::Incompatible { hint }
}

/// The usual Rust type of a PostgreSQL type, for hints.
fn postgres_rust_for(base: &str) -> Option<&'static str> {
    Some(match base {
        "boolean" => "bool",
        "smallint" => "i16",
        "integer" => "i32",
        "bigint" => "i64",
        "real" => "f32",
        "double precision" => "f64",
        "text" | "character varying" | "character" | "name" | "citext" => "String",
        "bytea" => "Vec<u8>",
        "json" | "jsonb" => "serde_json::Value (or sqlx::types::Json<T>)",
        "uuid" => "uuid::Uuid",
        "date" => "chrono::NaiveDate (or time::Date)",
        "time without time zone" => "chrono::NaiveTime (or time::Time)",
        "timestamp without time zone" => "chrono::NaiveDateTime (or time::PrimitiveDateTime)",
        "timestamp with time zone" => "chrono::DateTime<Utc> (or time::OffsetDateTime)",
        "numeric" => "rust_decimal::Decimal (or bigdecimal::BigDecimal)",
        _ => return None,
    })
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// SQLite's column affinity, by its five rules (section 3.1 of "Datatypes In SQLite").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Affinity {
    Integer,
    Text,
    Blob,
    Real,
    Numeric,
}

impl Affinity {
    pub fn of(declared: &str) -> Affinity {
        let t = declared.to_ascii_uppercase();
        if t.contains("INT") {
            Affinity::Integer
        } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
            Affinity::Text
        } else if t.contains("BLOB") || t.trim().is_empty() {
            Affinity::Blob
        } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
            Affinity::Real
        } else {
            Affinity::Numeric
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Affinity::Integer => "INTEGER",
            Affinity::Text => "TEXT",
            Affinity::Blob => "BLOB",
            Affinity::Real => "REAL",
            Affinity::Numeric => "NUMERIC",
        }
    }
}

/// The storage classes a column's values have, when the application writes values of its
/// declared type.
fn sqlite_storage(declared: &str, strict: bool) -> Option<&'static [&'static str]> {
    let upper = declared.trim().to_ascii_uppercase();
    if strict || upper == "ANY" {
        return match upper.as_str() {
            "INT" | "INTEGER" => Some(&["INTEGER"]),
            "REAL" => Some(&["REAL"]),
            "TEXT" => Some(&["TEXT"]),
            "BLOB" => Some(&["BLOB"]),
            _ => None,
        };
    }
    Some(match Affinity::of(declared) {
        Affinity::Integer => &["INTEGER"],
        Affinity::Text => &["TEXT"],
        Affinity::Real => &["REAL"],
        Affinity::Blob if upper.is_empty() => return None,
        Affinity::Blob => &["BLOB"],
        Affinity::Numeric if upper.contains("BOOL") => &["INTEGER"],
        Affinity::Numeric if upper.contains("DATE") || upper.contains("TIME") => &["TEXT"],
        // Decimal values: REAL, or INTEGER when integral.
        Affinity::Numeric => &["REAL"],
    })
}

/// The storage classes sqlx lets a Rust type read on SQLite.
fn sqlite_reads(rust: &RustType) -> &'static [&'static str] {
    match rust {
        RustType::Bool | RustType::I8 | RustType::I16 | RustType::I32 | RustType::I64 => {
            &["INTEGER"]
        }
        RustType::F32 | RustType::F64 => &["REAL"],
        RustType::String | RustType::Json | RustType::Date | RustType::Time => &["TEXT"],
        RustType::Bytes | RustType::Uuid => &["BLOB", "TEXT"],
        RustType::DateTime | RustType::DateTimeTz => &["TEXT", "INTEGER", "REAL"],
        _ => &[],
    }
}

fn sqlite(rust: &RustType, declared: &str, strict: bool) -> Verdict {
    if let RustType::Other(_) = rust {
        return Verdict::Unknown;
    }
    let Some(stored) = sqlite_storage(declared, strict) else {
        return Verdict::Unknown;
    };
    let reads = sqlite_reads(rust);
    if stored.iter().all(|s| reads.contains(s)) {
        return Verdict::Compatible;
    }
    let affinity = Affinity::of(declared).as_str();
    let fit = match stored.first().copied().unwrap_or("BLOB") {
        "INTEGER" => "i64 (or i32, bool)",
        "REAL" => "f64",
        "TEXT" => "String",
        _ => "Vec<u8>",
    };
    let hint = if reads.is_empty() {
        format!(
            "sqlx cannot read this Rust type from SQLite; a `{declared}` column ({affinity} affinity) reads into `{fit}`"
        )
    } else {
        format!(
            "a `{declared}` column ({affinity} affinity) holds {} values, which read into `{fit}`",
            stored.join("/")
        )
    };
    Verdict::Incompatible { hint }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_types_from_tokens() {
        assert_eq!(
            RustType::parse("Option<chrono::NaiveDate>"),
            RustType::Option(Box::new(RustType::Date))
        );
        assert_eq!(RustType::parse("Vec<u8>"), RustType::Bytes);
        assert_eq!(
            RustType::parse("Vec<String>"),
            RustType::Array(Box::new(RustType::String))
        );
        assert_eq!(RustType::parse("sqlx::types::Json<Prefs>"), RustType::Json);
        assert_eq!(RustType::parse("serde_json::Value"), RustType::Json);
        assert_eq!(
            RustType::parse("chrono::DateTime<chrono::Utc>"),
            RustType::DateTimeTz
        );
        assert_eq!(RustType::parse("::std::string::String"), RustType::String);
        assert_eq!(
            RustType::parse("TaskStatus"),
            RustType::Other("TaskStatus".into())
        );
        assert_eq!(
            RustType::parse("Value"),
            RustType::Other("Value".into()),
            "a bare `Value` is not assumed JSON"
        );
    }

    #[test]
    fn postgres_is_strict_both_ways() {
        let pg = |r: &str, s: &str| check(Dialect::Postgres, &RustType::parse(r), s, false);
        assert_eq!(pg("i64", "bigint"), Verdict::Compatible);
        assert!(
            matches!(pg("i32", "bigint"), Verdict::Incompatible { hint } if hint.contains("`i64`"))
        );
        assert!(
            matches!(pg("i64", "integer"), Verdict::Incompatible { hint } if hint.contains("`i32`"))
        );
        assert!(
            matches!(pg("bool", "jsonb"), Verdict::Incompatible { hint } if hint.contains("serde_json::Value"))
        );
        assert_eq!(pg("String", "character varying(320)"), Verdict::Compatible);
        assert_eq!(pg("Vec<String>", "text[]"), Verdict::Compatible);
        assert_eq!(pg("Vec<i32>", "integer[]"), Verdict::Compatible);
        assert!(matches!(
            pg("Vec<i64>", "integer[]"),
            Verdict::Incompatible { .. }
        ));
        assert_eq!(
            pg("rust_decimal::Decimal", "numeric(10,2)"),
            Verdict::Compatible
        );
        assert_eq!(pg("TaskStatus", "task_status"), Verdict::Unknown);
    }

    #[test]
    fn sqlite_by_affinity() {
        let lite = |r: &str, s: &str| check(Dialect::Sqlite, &RustType::parse(r), s, false);
        assert_eq!(Affinity::of("VARCHAR(20)"), Affinity::Text);
        assert_eq!(
            Affinity::of("FLOATING POINT"),
            Affinity::Integer,
            "\"POINT\" contains INT: SQLite's own rule"
        );
        assert_eq!(Affinity::of("DATETIME"), Affinity::Numeric);
        assert_eq!(lite("i64", "INTEGER"), Verdict::Compatible);
        assert_eq!(lite("bool", "BOOLEAN"), Verdict::Compatible);
        assert!(
            matches!(lite("String", "INTEGER"), Verdict::Incompatible { hint } if hint.contains("INTEGER affinity"))
        );
        assert!(matches!(
            lite("f64", "INTEGER"),
            Verdict::Incompatible { .. }
        ));
        assert_eq!(
            lite("chrono::NaiveDateTime", "DATETIME"),
            Verdict::Compatible
        );
        assert_eq!(lite("String", "DATETIME"), Verdict::Compatible);
        assert_eq!(lite("uuid::Uuid", "BLOB"), Verdict::Compatible);
        assert_eq!(
            lite("i64", ""),
            Verdict::Unknown,
            "an untyped column cannot be judged"
        );
        assert_eq!(
            check(Dialect::Sqlite, &RustType::I64, "ANY", true),
            Verdict::Unknown
        );
        assert_eq!(
            check(Dialect::Sqlite, &RustType::String, "TEXT", true),
            Verdict::Compatible
        );
    }
}
