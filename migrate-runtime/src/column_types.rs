//! `ColumnType` for every type sqlx decodes, each behind the cargo feature sqlx has for it.

use crate::check::{ColumnType, Kind};

macro_rules! column_types {
    ($($(#[$cfg:meta])* $ty:ty => $kind:ident),* $(,)?) => {
        $($(#[$cfg])* impl ColumnType for $ty {
            const KIND: Kind = Kind::$kind;
        })*
    };
}

column_types! {
    bool => Bool, i8 => I8, i16 => I16, i32 => I32, i64 => I64, f32 => F32, f64 => F64,
    u8 => U8, u16 => U16, u32 => U32, u64 => U64,
    String => String, str => String, Vec<u8> => Bytes, [u8] => Bytes,
    #[cfg(any(feature = "ipnetwork", feature = "ipnet"))] std::net::IpAddr => Inet,
    #[cfg(feature = "uuid")] sqlx::types::Uuid => Uuid,
    #[cfg(feature = "uuid")] sqlx::types::uuid::fmt::Hyphenated => String,
    #[cfg(feature = "uuid")] sqlx::types::uuid::fmt::Simple => String,
    #[cfg(feature = "json")] sqlx::types::JsonValue => Json,
    #[cfg(feature = "json")] sqlx::types::JsonRawValue => Json,
    #[cfg(feature = "chrono")] sqlx::types::chrono::NaiveDate => Date,
    #[cfg(feature = "chrono")] sqlx::types::chrono::NaiveTime => Time,
    #[cfg(feature = "chrono")] sqlx::types::chrono::NaiveDateTime => DateTime,
    #[cfg(feature = "time")] sqlx::types::time::Date => Date,
    #[cfg(feature = "time")] sqlx::types::time::Time => Time,
    #[cfg(feature = "time")] sqlx::types::time::PrimitiveDateTime => TimeDateTime,
    #[cfg(feature = "time")] sqlx::types::time::OffsetDateTime => TimeDateTimeTz,
    #[cfg(feature = "rust_decimal")] sqlx::types::Decimal => Decimal,
    #[cfg(feature = "bigdecimal")] sqlx::types::BigDecimal => Decimal,
    #[cfg(feature = "ipnetwork")] sqlx::types::ipnetwork::IpNetwork => Inet,
    #[cfg(feature = "ipnet")] sqlx::types::ipnet::IpNet => Inet,
    #[cfg(feature = "mac_address")] sqlx::types::mac_address::MacAddress => MacAddress,
    #[cfg(feature = "bit-vec")] sqlx::types::BitVec => Bits,
}

impl<T: ColumnType + ?Sized> ColumnType for &T {
    const KIND: Kind = T::KIND;
}

impl<T: ColumnType> ColumnType for Option<T> {
    const KIND: Kind = T::KIND;
}

impl<T: ColumnType + ?Sized> ColumnType for Box<T> {
    const KIND: Kind = T::KIND;
}

#[cfg(feature = "chrono")]
impl<Tz: sqlx::types::chrono::TimeZone> ColumnType for sqlx::types::chrono::DateTime<Tz> {
    const KIND: Kind = Kind::DateTimeTz;
}

#[cfg(feature = "json")]
impl<T> ColumnType for sqlx::types::Json<T> {
    const KIND: Kind = Kind::Json;
}

impl<T> ColumnType for sqlx::types::Text<T> {
    const KIND: Kind = Kind::String;
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::{ColumnType, Kind};
    use sqlx::postgres::types as pg;

    column_types! {
        pg::PgCiText => String,
        pg::PgInterval => Interval,
        pg::PgMoney => Money,
        pg::Oid => Oid,
        pg::PgLTree => LTree,
        pg::PgLQuery => LQuery,
        pg::PgHstore => Hstore,
        pg::PgCube => Cube,
        pg::PgPoint => Point,
        pg::PgLine => Line,
        pg::PgLSeg => LSeg,
        pg::PgBox => Box,
        pg::PgPath => Path,
        pg::PgPolygon => Polygon,
        pg::PgCircle => Circle,
    }

    #[cfg(any(feature = "chrono", feature = "time"))]
    impl<T, U> ColumnType for pg::PgTimeTz<T, U> {
        const KIND: Kind = Kind::TimeTz;
    }

    /// `PgRange<T>` for the `T`s sqlx has ranges of (the derives compare the element's kind).
    impl<T: ColumnType> ColumnType for pg::PgRange<T> {
        const KIND: Kind = Kind::Range(&T::KIND);
    }
}
