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
//! | `u8`–`u64` | yes | no | no | no | no | yes | no |
//! | `f32`, `f64` | no | no | yes | no¹ | no | no | no |
//! | `String` | no | yes | no | no | yes | no | no |
//! | `Vec<u8>` | no | yes | no | no | yes | no | yes |
//! | `chrono::NaiveDate`, `NaiveTime` | no | yes | no | no | yes | no | no |
//! | `chrono::NaiveDateTime`, `DateTime<Tz>` | yes | yes | yes | yes | yes | yes | no |
//! | `time::PrimitiveDateTime`, `OffsetDateTime` | yes | yes | no | no | yes | yes | no |
//! | `uuid::Uuid` | no | yes | no | no | yes | no | yes |
//! | `serde_json::Value`, `Json<T>` | no | yes | no | no | yes | no | no |
//!
//! ¹ A NUMERIC column stores an integral value (`3.0`) as INTEGER and `1.5` as REAL, and sqlx
//! reads INTEGER into integers only and REAL into floats only: declare money and measures
//! `REAL` (or use integers of the smallest unit).
//! STRICT tables store exactly their declared type (`INTEGER`/`INT`, `REAL`, `TEXT`, `BLOB`,
//! `ANY`); `ANY` columns and untyped columns cannot be judged at build time.
//!
//! MySQL and MariaDB: see the table of the `mysql` module (a Rust type reads a column when it
//! reads every value of its type: `INT UNSIGNED` into `u32` or `u64`).

use crate::Dialect;

pub mod kind;
pub use kind::Kind;

/// A Rust type as a derive sees it, from its tokens: one variant per SQL kind sqlx decodes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RustType {
    /// `bool`: PostgreSQL `boolean`.
    Bool,
    /// `i8`: PostgreSQL `"char"`.
    I8,
    /// `i16`: `smallint`.
    I16,
    /// `i32`: `integer`.
    I32,
    /// `i64`: `bigint`.
    I64,
    /// `u8`–`u64`: SQLite only (PostgreSQL has no unsigned types).
    U8,
    /// `u16` (SQLite only).
    U16,
    /// `u32` (SQLite only).
    U32,
    /// `u64` (SQLite only).
    U64,
    /// `f32`: `real`.
    F32,
    /// `f64`: `double precision`.
    F64,
    /// `String`, `&str`, `PgCiText`, `Text<T>`.
    String,
    /// `Vec<u8>`: `bytea`.
    Bytes,
    /// `serde_json::Value`, `Json<T>`: `json`, `jsonb`.
    Json,
    /// `uuid::Uuid`: `uuid`.
    Uuid,
    /// `chrono::NaiveDate`, `time::Date`.
    Date,
    /// `chrono::NaiveTime`, `time::Time`.
    Time,
    /// `chrono::NaiveDateTime`.
    DateTime,
    /// `chrono::DateTime<Tz>`.
    DateTimeTz,
    /// `time::PrimitiveDateTime`: as `DateTime`, but sqlx reads no REAL into it on SQLite.
    TimeDateTime,
    /// `time::OffsetDateTime`: as `DateTimeTz`, but sqlx reads no REAL into it on SQLite.
    TimeDateTimeTz,
    /// `rust_decimal::Decimal`, `bigdecimal::BigDecimal`.
    Decimal,
    /// `PgInterval` (sqlx encodes but does not decode the `Duration`s).
    Interval,
    /// `PgTimeTz<…>`.
    TimeTz,
    /// `PgMoney`.
    Money,
    /// `sqlx::postgres::types::Oid`.
    Oid,
    /// `ipnetwork::IpNetwork`, `ipnet::IpNet`, `std::net::IpAddr`.
    Inet,
    /// `mac_address::MacAddress`.
    MacAddress,
    /// `bit_vec::BitVec`.
    Bits,
    /// `PgLTree`, `PgLQuery`, `PgHstore`, `PgCube`, and the geometric `PgPoint`…`PgCircle`:
    /// each reads exactly the PostgreSQL type named here.
    Pg(PgType),
    /// `PgRange<T>`.
    Range(Box<RustType>),
    /// `Vec<T>` (not `Vec<u8>`), `[T; N]`: a PostgreSQL array.
    Array(Box<RustType>),
    /// `Option<T>`.
    Option(Box<RustType>),
    /// Anything else (an enum, a newtype, an alias, another crate's type): judged through
    /// trait bounds, not here.
    Other(String),
}

/// sqlx's own PostgreSQL types that read exactly one SQL type each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PgType {
    /// `PgLTree`: `ltree`.
    LTree,
    /// `PgLQuery`: `lquery`.
    LQuery,
    /// `PgHstore`: `hstore`.
    Hstore,
    /// `PgCube`: `cube`.
    Cube,
    /// `PgPoint`: `point`.
    Point,
    /// `PgLine`: `line`.
    Line,
    /// `PgLSeg`: `lseg`.
    LSeg,
    /// `PgBox`: `box`.
    Box,
    /// `PgPath`: `path`.
    Path,
    /// `PgPolygon`: `polygon`.
    Polygon,
    /// `PgCircle`: `circle`.
    Circle,
}

impl PgType {
    /// Every PostgreSQL type of an extension or of sqlx's own Rust types, for the rule tables and their test.
    pub const ALL: [PgType; 11] = [
        PgType::LTree,
        PgType::LQuery,
        PgType::Hstore,
        PgType::Cube,
        PgType::Point,
        PgType::Line,
        PgType::LSeg,
        PgType::Box,
        PgType::Path,
        PgType::Polygon,
        PgType::Circle,
    ];

    /// The PostgreSQL type it reads.
    pub fn sql(self) -> &'static str {
        match self {
            PgType::LTree => "ltree",
            PgType::LQuery => "lquery",
            PgType::Hstore => "hstore",
            PgType::Cube => "cube",
            PgType::Point => "point",
            PgType::Line => "line",
            PgType::LSeg => "lseg",
            PgType::Box => "box",
            PgType::Path => "path",
            PgType::Polygon => "polygon",
            PgType::Circle => "circle",
        }
    }

    /// sqlx's name for it (`PgLTree`).
    pub fn rust(self) -> &'static str {
        match self {
            PgType::LTree => "PgLTree",
            PgType::LQuery => "PgLQuery",
            PgType::Hstore => "PgHstore",
            PgType::Cube => "PgCube",
            PgType::Point => "PgPoint",
            PgType::Line => "PgLine",
            PgType::LSeg => "PgLSeg",
            PgType::Box => "PgBox",
            PgType::Path => "PgPath",
            PgType::Polygon => "PgPolygon",
            PgType::Circle => "PgCircle",
        }
    }
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
        if let Some(inner) = generic(t, "PgRange") {
            return RustType::Range(Box::new(RustType::parse(inner)));
        }
        if generic(t, "PgTimeTz").is_some() {
            return RustType::TimeTz;
        }
        if generic(t, "Text").is_some() {
            return RustType::String;
        }
        let last = t.rsplit("::").next().unwrap_or(t);
        if let Some(pg) = PgType::ALL.into_iter().find(|p| p.rust() == last) {
            return RustType::Pg(pg);
        }
        match last {
            "bool" => RustType::Bool,
            "i8" => RustType::I8,
            "i16" => RustType::I16,
            "i32" => RustType::I32,
            "i64" => RustType::I64,
            "u8" => RustType::U8,
            "u16" => RustType::U16,
            "u32" => RustType::U32,
            "u64" => RustType::U64,
            "f32" => RustType::F32,
            "f64" => RustType::F64,
            "String" | "&str" | "str" | "Box<str>" | "PgCiText" => RustType::String,
            "&[u8]" => RustType::Bytes,
            "Value" | "JsonValue" if t.contains("json") || last == "JsonValue" => RustType::Json,
            "Uuid" => RustType::Uuid,
            "NaiveDate" | "Date" => RustType::Date,
            "NaiveTime" | "Time" => RustType::Time,
            "NaiveDateTime" => RustType::DateTime,
            "PrimitiveDateTime" => RustType::TimeDateTime,
            "OffsetDateTime" => RustType::TimeDateTimeTz,
            "Decimal" | "BigDecimal" => RustType::Decimal,
            "PgInterval" => RustType::Interval,
            "PgMoney" => RustType::Money,
            "Oid" if t.contains("postgres") => RustType::Oid,
            "IpNetwork" | "IpNet" | "IpAddr" => RustType::Inet,
            "MacAddress" => RustType::MacAddress,
            "BitVec" => RustType::Bits,
            _ => RustType::Other(t.to_owned()),
        }
    }

    /// Every scalar type the rules know (no `Option`, `Array` or `Other`), one per kind,
    /// with sqlx's ranges: what a test walks to prove every rule against sqlx.
    pub fn all() -> Vec<RustType> {
        let mut all = vec![
            RustType::Bool,
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
            RustType::Json,
            RustType::Uuid,
            RustType::Date,
            RustType::Time,
            RustType::DateTime,
            RustType::DateTimeTz,
            RustType::TimeDateTime,
            RustType::TimeDateTimeTz,
            RustType::Decimal,
            RustType::Interval,
            RustType::TimeTz,
            RustType::Money,
            RustType::Oid,
            RustType::Inet,
            RustType::MacAddress,
            RustType::Bits,
        ];
        all.extend(PgType::ALL.map(RustType::Pg));
        all.extend(
            RANGES
                .iter()
                .map(|(element, _)| RustType::Range(Box::new(element.clone()))),
        );
        all
    }

    /// The kind of values it decodes ([`Kind`]), for a scalar or range type of the rules
    /// (`None` for `Option`, arrays and other types).
    pub fn kind(&self) -> Option<Kind> {
        Some(match self {
            RustType::Bool => Kind::Bool,
            RustType::I8 => Kind::I8,
            RustType::I16 => Kind::I16,
            RustType::I32 => Kind::I32,
            RustType::I64 => Kind::I64,
            RustType::U8 => Kind::U8,
            RustType::U16 => Kind::U16,
            RustType::U32 => Kind::U32,
            RustType::U64 => Kind::U64,
            RustType::F32 => Kind::F32,
            RustType::F64 => Kind::F64,
            RustType::String => Kind::String,
            RustType::Bytes => Kind::Bytes,
            RustType::Json => Kind::Json,
            RustType::Uuid => Kind::Uuid,
            RustType::Date => Kind::Date,
            RustType::Time => Kind::Time,
            RustType::DateTime => Kind::DateTime,
            RustType::DateTimeTz => Kind::DateTimeTz,
            RustType::TimeDateTime => Kind::TimeDateTime,
            RustType::TimeDateTimeTz => Kind::TimeDateTimeTz,
            RustType::Decimal => Kind::Decimal,
            RustType::Interval => Kind::Interval,
            RustType::TimeTz => Kind::TimeTz,
            RustType::Money => Kind::Money,
            RustType::Oid => Kind::Oid,
            RustType::Inet => Kind::Inet,
            RustType::MacAddress => Kind::MacAddress,
            RustType::Bits => Kind::Bits,
            RustType::Pg(pg) => match pg {
                PgType::LTree => Kind::LTree,
                PgType::LQuery => Kind::LQuery,
                PgType::Hstore => Kind::Hstore,
                PgType::Cube => Kind::Cube,
                PgType::Point => Kind::Point,
                PgType::Line => Kind::Line,
                PgType::LSeg => Kind::LSeg,
                PgType::Box => Kind::Box,
                PgType::Path => Kind::Path,
                PgType::Polygon => Kind::Polygon,
                PgType::Circle => Kind::Circle,
            },
            RustType::Range(element) => {
                let element = element.kind()?;
                // `Kind::Range` holds a `&'static Kind`: the elements sqlx has ranges of.
                Kind::Range(RANGE_ELEMENTS.iter().find(|k| **k == element)?)
            }
            RustType::Array(_) | RustType::Option(_) | RustType::Other(_) => return None,
        })
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
    /// It can.
    Compatible,
    /// It cannot; these SQL types (or Rust types) would fit instead.
    Incompatible {
        /// The types that would fit, for the message.
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
        Dialect::Mysql => mysql::mysql(rust, sql_type),
    }
}

/// The kinds of [`RANGES`]' elements, for [`Kind::Range`].
const RANGE_ELEMENTS: &[Kind] = &[
    Kind::I32,
    Kind::I64,
    Kind::Decimal,
    Kind::Date,
    Kind::DateTime,
    Kind::DateTimeTz,
    Kind::TimeDateTime,
    Kind::TimeDateTimeTz,
];

/// sqlx's ranges: the element type and the PostgreSQL range type.
const RANGES: &[(RustType, &str)] = &[
    (RustType::I32, "int4range"),
    (RustType::I64, "int8range"),
    (RustType::Decimal, "numrange"),
    (RustType::Date, "daterange"),
    (RustType::DateTime, "tsrange"),
    (RustType::DateTimeTz, "tstzrange"),
    (RustType::TimeDateTime, "tsrange"),
    (RustType::TimeDateTimeTz, "tstzrange"),
];

/// The PostgreSQL types a Rust type reads (base names, no modifiers), exactly as sqlx's
/// `Type::compatible` accepts them.
pub fn postgres_reads(rust: &RustType) -> &'static [&'static str] {
    match rust {
        RustType::Bool => &["boolean"],
        RustType::I8 => &["\"char\""],
        RustType::I16 => &["smallint"],
        RustType::I32 => &["integer"],
        RustType::I64 => &["bigint"],
        RustType::F32 => &["real"],
        RustType::F64 => &["double precision"],
        RustType::String => &[
            "text",
            "character varying",
            "character",
            "bpchar",
            "name",
            "citext",
        ],
        RustType::Bytes => &["bytea"],
        RustType::Json => &["json", "jsonb"],
        RustType::Uuid => &["uuid"],
        RustType::Date => &["date"],
        RustType::Time => &["time without time zone"],
        RustType::DateTime | RustType::TimeDateTime => &["timestamp without time zone"],
        RustType::DateTimeTz | RustType::TimeDateTimeTz => &["timestamp with time zone"],
        RustType::Decimal => &["numeric"],
        RustType::Interval => &["interval"],
        RustType::TimeTz => &["time with time zone"],
        RustType::Money => &["money"],
        RustType::Oid => &["oid"],
        RustType::Inet => &["inet", "cidr"],
        RustType::MacAddress => &["macaddr"],
        RustType::Bits => &["bit", "bit varying"],
        RustType::Pg(pg) => match pg {
            PgType::LTree => &["ltree"],
            PgType::LQuery => &["lquery"],
            PgType::Hstore => &["hstore"],
            PgType::Cube => &["cube"],
            PgType::Point => &["point"],
            PgType::Line => &["line"],
            PgType::LSeg => &["lseg"],
            PgType::Box => &["box"],
            PgType::Path => &["path"],
            PgType::Polygon => &["polygon"],
            PgType::Circle => &["circle"],
        },
        RustType::Range(element) => match RANGES.iter().find(|(e, _)| **element == *e) {
            Some((_, range)) => std::slice::from_ref(range),
            None => &[],
        },
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
    if let RustType::Range(element) = rust
        && let RustType::Other(_) = **element
    {
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
        (true, None) if is_unsigned(rust) => {
            "PostgreSQL has no unsigned types and sqlx decodes none: use the signed type of the column".to_owned()
        }
        (true, None) => format!(
            "no built-in Rust type is known for `{sql_type}`: use `#[migrate(unchecked)]` if yours decodes it"
        ),
    };
    Verdict::Incompatible { hint }
}

fn is_unsigned(rust: &RustType) -> bool {
    matches!(
        rust,
        RustType::U8 | RustType::U16 | RustType::U32 | RustType::U64
    )
}

/// The usual Rust type of a PostgreSQL type, for hints.
fn postgres_rust_for(base: &str) -> Option<&'static str> {
    if let Some(pg) = PgType::ALL.into_iter().find(|p| p.sql() == base) {
        return Some(pg.rust());
    }
    Some(match base {
        "boolean" => "bool",
        "\"char\"" => "i8",
        "smallint" => "i16",
        "integer" => "i32",
        "bigint" => "i64",
        "real" => "f32",
        "double precision" => "f64",
        "text" | "character varying" | "character" | "bpchar" | "name" | "citext" => "String",
        "bytea" => "Vec<u8>",
        "json" | "jsonb" => "serde_json::Value (or sqlx::types::Json<T>)",
        "uuid" => "uuid::Uuid",
        "date" => "chrono::NaiveDate (or time::Date)",
        "time without time zone" => "chrono::NaiveTime (or time::Time)",
        "timestamp without time zone" => "chrono::NaiveDateTime (or time::PrimitiveDateTime)",
        "timestamp with time zone" => "chrono::DateTime<Utc> (or time::OffsetDateTime)",
        "numeric" => "rust_decimal::Decimal (or bigdecimal::BigDecimal)",
        "interval" => "sqlx::postgres::types::PgInterval",
        "time with time zone" => "sqlx::postgres::types::PgTimeTz",
        "money" => "sqlx::postgres::types::PgMoney",
        "oid" => "sqlx::postgres::types::Oid",
        "inet" | "cidr" => "ipnetwork::IpNetwork (or ipnet::IpNet, std::net::IpAddr)",
        "macaddr" => "mac_address::MacAddress",
        "bit" | "bit varying" => "bit_vec::BitVec",
        "int4range" => "PgRange<i32>",
        "int8range" => "PgRange<i64>",
        "numrange" => "PgRange<rust_decimal::Decimal>",
        "daterange" => "PgRange<chrono::NaiveDate>",
        "tsrange" => "PgRange<chrono::NaiveDateTime>",
        "tstzrange" => "PgRange<chrono::DateTime<Utc>>",
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

mod mysql;
mod sqlite;

pub use mysql::mysql_rust_type;
use sqlite::sqlite;
pub use sqlite::{Affinity, SQLITE_RULES, SqliteRule, sqlite_reads, sqlite_rule};

#[cfg(test)]
mod tests;
