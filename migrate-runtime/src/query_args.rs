//! What the code `query!`, `query_as!` and `query_scalar!` generate checks its arguments
//! against: each argument must be a Rust type that sqlx encodes as the parameter's SQL type,
//! so a wrong one is a type error on the argument itself.

/// SQLite's storage classes, the types a SQLite parameter is checked against.
pub mod sqlite {
    /// A parameter compared with or stored in an INTEGER-affinity column.
    pub struct Integer;
    /// A parameter of REAL affinity.
    pub struct Real;
    /// A parameter of TEXT affinity.
    pub struct Text;
    /// A parameter of BLOB affinity.
    pub struct Blob;
}

/// Implemented by the Rust types an argument for a parameter of type `T` may have (`T` is
/// the Rust type of a PostgreSQL or MySQL parameter, or a [`sqlite`] storage class).
#[diagnostic::on_unimplemented(
    message = "this argument is `{Self}`, but the query's parameter reads `{T}`",
    label = "expected `{T}` (or a reference to it, or an `Option` of it)",
    note = "the parameter's type is inferred from the migrations; convert the argument, or cast the parameter in the SQL (`$1::type`)"
)]
pub trait Arg<T: ?Sized> {}

macro_rules! accepts {
    ($target:ty => $($arg:ty),+) => {
        $(
            impl Arg<$target> for $arg {}
            impl Arg<$target> for &$arg {}
            impl Arg<$target> for Option<$arg> {}
            impl Arg<$target> for Option<&$arg> {}
            impl Arg<$target> for &Option<$arg> {}
        )+
    };
}

accepts!(bool => bool);
accepts!(i8 => i8);
accepts!(i16 => i16);
accepts!(i32 => i32);
accepts!(i64 => i64);
accepts!(u8 => u8);
accepts!(u16 => u16);
accepts!(u32 => u32);
accepts!(u64 => u64);
accepts!(f32 => f32);
accepts!(f64 => f64);
accepts!(String => String, &str);
accepts!(sqlite::Integer => bool, i8, i16, i32, i64, u8, u16, u32);
accepts!(sqlite::Real => f32, f64);
accepts!(sqlite::Text => String, &str);
accepts!(sqlite::Blob => Vec<u8>, &[u8]);

// The feature-gated types ([`types`]): the alias in force, or the marker when its feature is off
// (a marker is never an argument, so the argument is refused, and the column names the feature).
accepts!(types::Uuid => types::Uuid);
accepts!(types::Json => types::Json);
accepts!(types::Decimal => types::Decimal);
accepts!(types::Date => types::Date);
accepts!(types::Time => types::Time);
accepts!(types::Timestamp => types::Timestamp);
accepts!(types::Timestamptz => types::Timestamptz);
accepts!(types::IpNetwork => types::IpNetwork);
accepts!(types::MacAddress => types::MacAddress);
accepts!(types::BitVec => types::BitVec);

/// `jsonb` and `json` parameters also take sqlx's `Json<T>` wrapper (it encodes as `jsonb`).
#[cfg(feature = "json")]
impl<T> Arg<types::Json> for sqlx::types::Json<T> {}
#[cfg(feature = "json")]
impl<T> Arg<types::Json> for &sqlx::types::Json<T> {}
#[cfg(feature = "json")]
impl<T> Arg<types::Json> for Option<sqlx::types::Json<T>> {}

/// PostgreSQL's own types sqlx decodes with no feature but `postgres`.
#[cfg(feature = "postgres")]
mod postgres {
    use super::{Arg, types};
    use sqlx::postgres::types::{Oid, PgInterval, PgMoney, PgRange};

    accepts!(PgInterval => PgInterval);
    accepts!(PgMoney => PgMoney);
    accepts!(Oid => Oid);
    accepts!(types::TimeTz => types::TimeTz);
    accepts!(PgRange<i32> => PgRange<i32>);
    accepts!(PgRange<i64> => PgRange<i64>);
    accepts!(PgRange<types::Decimal> => PgRange<types::Decimal>);
    accepts!(PgRange<types::Date> => PgRange<types::Date>);
    accepts!(PgRange<types::Timestamp> => PgRange<types::Timestamp>);
    accepts!(PgRange<types::Timestamptz> => PgRange<types::Timestamptz>);
}

/// An array parameter takes a `Vec` or a slice of what its element takes.
impl<T, A: Arg<T>> Arg<Vec<T>> for Vec<A> {}
impl<T, A: Arg<T>> Arg<Vec<T>> for &Vec<A> {}
impl<T, A: Arg<T>> Arg<Vec<T>> for &[A] {}
impl<T, A: Arg<T>> Arg<Vec<T>> for Option<Vec<A>> {}
impl<T, A: Arg<T>> Arg<Vec<T>> for Option<&[A]> {}
impl<T, A: Arg<T>> Arg<Vec<T>> for Option<&Vec<A>> {}
impl<T, A: Arg<T>> Arg<Vec<T>> for &Option<Vec<A>> {}
// `bytea` is `Vec<u8>`: its element `u8` is accepted above (MySQL's `tinyint unsigned`).

impl Arg<String> for str {}
impl Arg<sqlite::Text> for str {}
impl Arg<sqlite::Blob> for [u8] {}

/// Passes the argument through; its bound is the check.
pub fn arg<T: ?Sized, A: Arg<T>>(argument: A) -> A {
    argument
}

/// The Rust types the checked queries read the feature-gated PostgreSQL types as: the type of
/// the cargo feature enabled on migrate-runtime (chrono before time, rust_decimal before
/// bigdecimal, as sqlx's macros prefer), or a marker type naming the feature to enable, which
/// sqlx cannot decode (so the build fails on the query, naming the feature).
pub mod types {
    macro_rules! gated {
        ($(#[$doc:meta])* $name:ident, $off:ident: $( $feature:literal => $ty:ty ),+) => {
            gated!(@each $(#[$doc])* $name [] $( $feature => $ty ),+);
            $(#[$doc])*
            #[cfg(not(any($(feature = $feature),+)))]
            pub type $name = $off;
            /// Stands for a type whose migrate-runtime feature is off: enable it.
            #[cfg(not(any($(feature = $feature),+)))]
            pub struct $off;
        };
        (@each $(#[$doc:meta])* $name:ident [$($seen:literal)*] $feature:literal => $ty:ty $(, $rf:literal => $rt:ty)*) => {
            $(#[$doc])*
            #[cfg(all(feature = $feature, not(any($(feature = $seen),*))))]
            pub type $name = $ty;
            gated!(@each $(#[$doc])* $name [$($seen)* $feature] $($rf => $rt),*);
        };
        (@each $(#[$doc:meta])* $name:ident [$($seen:literal)*]) => {};
    }

    gated!(
        /// `uuid`.
        Uuid, EnableMigrateRuntimeFeatureUuid: "uuid" => sqlx::types::Uuid
    );
    gated!(
        /// `json`, `jsonb`.
        Json, EnableMigrateRuntimeFeatureJson: "json" => sqlx::types::JsonValue
    );
    gated!(
        /// `numeric`.
        Decimal, EnableMigrateRuntimeFeatureRustDecimalOrBigdecimal:
            "rust_decimal" => sqlx::types::Decimal,
            "bigdecimal" => sqlx::types::BigDecimal
    );
    gated!(
        /// `date`.
        Date, EnableMigrateRuntimeFeatureChronoOrTimeForDate:
            "chrono" => sqlx::types::chrono::NaiveDate,
            "time" => sqlx::types::time::Date
    );
    gated!(
        /// `time without time zone`.
        Time, EnableMigrateRuntimeFeatureChronoOrTimeForTime:
            "chrono" => sqlx::types::chrono::NaiveTime,
            "time" => sqlx::types::time::Time
    );
    gated!(
        /// `timestamp without time zone`.
        Timestamp, EnableMigrateRuntimeFeatureChronoOrTimeForTimestamp:
            "chrono" => sqlx::types::chrono::NaiveDateTime,
            "time" => sqlx::types::time::PrimitiveDateTime
    );
    gated!(
        /// The offset of `time with time zone` (`PgTimeTz<Time, Offset>`).
        Offset, EnableMigrateRuntimeFeatureChronoOrTimeForTimetz:
            "chrono" => sqlx::types::chrono::FixedOffset,
            "time" => sqlx::types::time::UtcOffset
    );
    /// `time with time zone`: sqlx's `PgTimeTz` of the time feature's types.
    #[cfg(all(feature = "postgres", any(feature = "chrono", feature = "time")))]
    pub type TimeTz = sqlx::postgres::types::PgTimeTz<Time, Offset>;
    /// `time with time zone`: enable `chrono` or `time`.
    #[cfg(all(feature = "postgres", not(any(feature = "chrono", feature = "time"))))]
    pub type TimeTz = Offset;
    gated!(
        /// `inet`, `cidr`.
        IpNetwork, EnableMigrateRuntimeFeatureIpnetworkOrIpnet:
            "ipnetwork" => sqlx::types::ipnetwork::IpNetwork,
            "ipnet" => sqlx::types::ipnet::IpNet
    );
    gated!(
        /// `macaddr`.
        MacAddress, EnableMigrateRuntimeFeatureMacAddress:
            "mac_address" => sqlx::types::mac_address::MacAddress
    );
    gated!(
        /// `bit`, `bit varying`.
        BitVec, EnableMigrateRuntimeFeatureBitVec: "bit-vec" => sqlx::types::BitVec
    );
    gated!(
        /// `timestamp with time zone`.
        Timestamptz, EnableMigrateRuntimeFeatureChronoOrTimeForTimestamptz:
            "chrono" => sqlx::types::chrono::DateTime<sqlx::types::chrono::Utc>,
            "time" => sqlx::types::time::OffsetDateTime
    );
}
