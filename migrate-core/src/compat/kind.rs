//! The SQL kinds Rust types decode: one definition, for the rules here ([`super::RustType::kind`]),
//! the derives' generated checks and migrate-runtime's `ColumnType` (which re-exports it).
//! `Copy` and `const`-comparable, as the generated checks compare kinds in constants.

/// What SQL values a Rust type decodes, as far as the checks need to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// `bool`.
    Bool,
    /// `i8`.
    I8,
    /// `i16`.
    I16,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `String`, `&str`.
    String,
    /// `Vec<u8>`, `&[u8]`.
    Bytes,
    /// `serde_json::Value`, `Json<T>`.
    Json,
    /// `uuid::Uuid`.
    Uuid,
    /// A date without time (`chrono::NaiveDate`, `time::Date`).
    Date,
    /// A time of day (`chrono::NaiveTime`, `time::Time`).
    Time,
    /// A chrono date and time without zone (`chrono::NaiveDateTime`).
    DateTime,
    /// A chrono date and time with zone (`chrono::DateTime<Tz>`).
    DateTimeTz,
    /// A decimal (`rust_decimal::Decimal`, `bigdecimal::BigDecimal`).
    Decimal,
    /// A PostgreSQL enum type, by name (schema-qualified unless in `public`).
    Enum(&'static str),
    /// `u8` (SQLite).
    U8,
    /// `u16` (SQLite).
    U16,
    /// `u32` (SQLite).
    U32,
    /// `u64` (SQLite).
    U64,
    /// `PgInterval`.
    Interval,
    /// `PgTimeTz`.
    TimeTz,
    /// `PgMoney`.
    Money,
    /// `Oid`.
    Oid,
    /// `IpNetwork`, `IpNet`, `IpAddr`.
    Inet,
    /// `MacAddress`.
    MacAddress,
    /// `BitVec`.
    Bits,
    /// `PgLTree`.
    LTree,
    /// `PgLQuery`.
    LQuery,
    /// `PgHstore`.
    Hstore,
    /// `PgCube`.
    Cube,
    /// `PgPoint`.
    Point,
    /// `PgLine`.
    Line,
    /// `PgLSeg`.
    LSeg,
    /// `PgBox`.
    Box,
    /// `PgPath`.
    Path,
    /// `PgPolygon`.
    Polygon,
    /// `PgCircle`.
    Circle,
    /// `time::PrimitiveDateTime`.
    TimeDateTime,
    /// `time::OffsetDateTime`.
    TimeDateTimeTz,
    /// `PgRange<T>`, by the element's kind.
    Range(&'static Kind),
}

/// Whether two kinds are the same (enums by name, ranges by element), in a `const`.
pub const fn same_kind(a: Kind, b: Kind) -> bool {
    match (a, b) {
        (Kind::Enum(x), Kind::Enum(y)) => same_str(x, y),
        (Kind::Range(x), Kind::Range(y)) => same_kind(*x, *y),
        (Kind::Enum(_) | Kind::Range(_), _) | (_, Kind::Enum(_) | Kind::Range(_)) => false,
        _ => discriminant(a) == discriminant(b),
    }
}

const fn discriminant(k: Kind) -> u8 {
    match k {
        Kind::Bool => 0,
        Kind::I8 => 1,
        Kind::I16 => 2,
        Kind::I32 => 3,
        Kind::I64 => 4,
        Kind::F32 => 5,
        Kind::F64 => 6,
        Kind::String => 7,
        Kind::Bytes => 8,
        Kind::Json => 9,
        Kind::Uuid => 10,
        Kind::Date => 11,
        Kind::Time => 12,
        Kind::DateTime => 13,
        Kind::DateTimeTz => 14,
        Kind::Decimal => 15,
        Kind::Enum(_) => 16,
        Kind::U8 => 17,
        Kind::U16 => 18,
        Kind::U32 => 19,
        Kind::U64 => 20,
        Kind::Interval => 21,
        Kind::TimeTz => 22,
        Kind::Money => 23,
        Kind::Oid => 24,
        Kind::Inet => 25,
        Kind::MacAddress => 26,
        Kind::Bits => 27,
        Kind::LTree => 28,
        Kind::LQuery => 29,
        Kind::Hstore => 30,
        Kind::Cube => 31,
        Kind::Point => 32,
        Kind::Line => 33,
        Kind::LSeg => 34,
        Kind::Box => 35,
        Kind::Path => 36,
        Kind::Polygon => 37,
        Kind::Circle => 38,
        Kind::Range(_) => 39,
        Kind::TimeDateTime => 40,
        Kind::TimeDateTimeTz => 41,
    }
}

/// Whether two strings are equal, in a `const` context.
pub const fn same_str(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
