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
/// the Rust type of a PostgreSQL parameter, or a [`sqlite`] storage class).
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
accepts!(f32 => f32);
accepts!(f64 => f64);
accepts!(String => String, &str);
accepts!(Vec<u8> => Vec<u8>, &[u8]);
accepts!(sqlite::Integer => bool, i8, i16, i32, i64, u8, u16, u32);
accepts!(sqlite::Real => f32, f64);
accepts!(sqlite::Text => String, &str);
accepts!(sqlite::Blob => Vec<u8>, &[u8]);

impl Arg<String> for str {}
impl Arg<sqlite::Text> for str {}
impl Arg<Vec<u8>> for [u8] {}
impl Arg<sqlite::Blob> for [u8] {}

/// Passes the argument through; its bound is the check.
pub fn arg<T: ?Sized, A: Arg<T>>(argument: A) -> A {
    argument
}
