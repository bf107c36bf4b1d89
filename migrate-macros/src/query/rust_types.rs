//! The Rust type sqlx decodes a result column into, and the type a parameter is checked
//! against, from the SQL type the inference gives (the same rules as `migrate_core::compat`;
//! on MySQL the parameter's type is the column's: MySQL's prepare tells no parameter types).

use migrate_core::Dialect;
use migrate_core::compat::{Affinity, RustType, mysql_rust_type};
use proc_macro2::TokenStream;
use quote::quote;

/// The Rust type for values of `sql_type`, or `None` when the macros do not map it yet.
pub fn column_type(dialect: Dialect, sql_type: &str) -> Option<TokenStream> {
    let base = base_type(sql_type);
    match dialect {
        Dialect::Postgres => {
            if let Some(element) = base.strip_suffix("[]") {
                let element = postgres(element).or_else(|| gated(element))?;
                return Some(quote!(::std::vec::Vec<#element>));
            }
            postgres(&base).or_else(|| gated(&base))
        }
        Dialect::Sqlite => Some(match sqlite_class(&base)? {
            Class::Bool => quote!(bool),
            Class::Integer => quote!(i64),
            Class::Real => quote!(f64),
            Class::Text => quote!(::std::string::String),
            Class::Blob => quote!(::std::vec::Vec<u8>),
        }),
        Dialect::Mysql => mysql(sql_type),
        _ => None,
    }
}

/// The type an argument for a parameter of `sql_type` is checked against (see
/// `migrate_runtime::__private::Arg`), or `None` when it is not checked.
pub fn parameter_type(dialect: Dialect, sql_type: &str) -> Option<TokenStream> {
    let base = base_type(sql_type);
    match dialect {
        Dialect::Postgres => postgres(&base),
        Dialect::Sqlite => {
            let class = match sqlite_class(&base)? {
                Class::Bool | Class::Integer => quote!(Integer),
                Class::Real => quote!(Real),
                Class::Text => quote!(Text),
                Class::Blob => quote!(Blob),
            };
            Some(quote!(::migrate_runtime::__private::sqlite::#class))
        }
        // As PostgreSQL's: the plain types only (not the feature-gated ones), and not an
        // `enum(…)`/`set(…)` (an argument may be a Rust enum sqlx encodes as a string).
        Dialect::Mysql => match mysql_rust_type(sql_type)? {
            RustType::Decimal
            | RustType::Json
            | RustType::Date
            | RustType::Time
            | RustType::DateTime
            | RustType::DateTimeTz => None,
            _ if base.starts_with("enum") || base.starts_with("set") => None,
            _ => mysql(sql_type),
        },
        _ => None,
    }
}

/// MySQL: the type sqlx's `query!` would give (`migrate_core::compat::mysql_rust_type`,
/// from the same rules the derives check), feature-gated ones through `__private::types`.
fn mysql(sql_type: &str) -> Option<TokenStream> {
    let gated = |name: TokenStream| quote!(::migrate_runtime::__private::types::#name);
    Some(match mysql_rust_type(sql_type)? {
        RustType::Bool => quote!(bool),
        RustType::I8 => quote!(i8),
        RustType::I16 => quote!(i16),
        RustType::I32 => quote!(i32),
        RustType::I64 => quote!(i64),
        RustType::U8 => quote!(u8),
        RustType::U16 => quote!(u16),
        RustType::U32 => quote!(u32),
        RustType::U64 => quote!(u64),
        RustType::F32 => quote!(f32),
        RustType::F64 => quote!(f64),
        RustType::String => quote!(::std::string::String),
        RustType::Bytes => quote!(::std::vec::Vec<u8>),
        RustType::Decimal => gated(quote!(Decimal)),
        RustType::Json => gated(quote!(Json)),
        RustType::Date => gated(quote!(Date)),
        RustType::Time => gated(quote!(Time)),
        RustType::DateTime => gated(quote!(Timestamp)),
        RustType::DateTimeTz => gated(quote!(Timestamptz)),
        _ => return None,
    })
}

/// The type without modifiers: `character varying(20)` -> `character varying`.
fn base_type(sql_type: &str) -> String {
    let mut base = String::new();
    let mut depth = 0;
    for c in sql_type.trim().chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => base.push(c),
            _ => {}
        }
    }
    base.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn postgres(base: &str) -> Option<TokenStream> {
    Some(match base {
        "boolean" => quote!(bool),
        "\"char\"" => quote!(i8),
        "smallint" => quote!(i16),
        "integer" => quote!(i32),
        "bigint" => quote!(i64),
        "real" => quote!(f32),
        "double precision" => quote!(f64),
        "text" | "character varying" | "character" | "name" => quote!(::std::string::String),
        "bytea" => quote!(::std::vec::Vec<u8>),
        _ => return None,
    })
}

/// PostgreSQL types whose Rust type depends on migrate-runtime's features (chrono or time,
/// rust_decimal or bigdecimal, uuid, json): its `__private::types` alias picks it.
fn gated(base: &str) -> Option<TokenStream> {
    let name = match base {
        "uuid" => quote!(Uuid),
        "json" | "jsonb" => quote!(Json),
        "numeric" => quote!(Decimal),
        "date" => quote!(Date),
        "time without time zone" | "time" => quote!(Time),
        "timestamp without time zone" | "timestamp" => quote!(Timestamp),
        "timestamp with time zone" | "timestamptz" => quote!(Timestamptz),
        _ => return None,
    };
    Some(quote!(::migrate_runtime::__private::types::#name))
}

enum Class {
    Bool,
    Integer,
    Real,
    Text,
    Blob,
}

/// SQLite: what sqlx reads a value of the declared type as (by its affinity); `None` for
/// NUMERIC-affinity types other than booleans, and for untyped expressions.
fn sqlite_class(base: &str) -> Option<Class> {
    if base.trim().is_empty() {
        return None;
    }
    Some(match Affinity::of(base) {
        Affinity::Integer => Class::Integer,
        Affinity::Real => Class::Real,
        Affinity::Text => Class::Text,
        Affinity::Blob => Class::Blob,
        Affinity::Numeric if base.to_ascii_uppercase().starts_with("BOOL") => Class::Bool,
        Affinity::Numeric => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(dialect: Dialect, sql: &str) -> Option<String> {
        column_type(dialect, sql).map(|t| t.to_string().replace(' ', ""))
    }

    #[test]
    fn postgres_types_map_as_sqlx_decodes_them() {
        let pg = Dialect::Postgres;
        assert_eq!(column(pg, "bigint").as_deref(), Some("i64"));
        assert_eq!(column(pg, "integer").as_deref(), Some("i32"));
        assert_eq!(
            column(pg, "character varying(200)").as_deref(),
            Some("::std::string::String")
        );
        assert_eq!(
            column(pg, "text[]").as_deref(),
            Some("::std::vec::Vec<::std::string::String>")
        );
        assert_eq!(
            column(pg, "numeric(10,2)").as_deref(),
            Some("::migrate_runtime::__private::types::Decimal")
        );
        assert_eq!(column(pg, "mood"), None);
    }

    #[test]
    fn sqlite_types_map_by_affinity() {
        let lite = Dialect::Sqlite;
        assert_eq!(column(lite, "INTEGER").as_deref(), Some("i64"));
        assert_eq!(column(lite, "BOOLEAN").as_deref(), Some("bool"));
        assert_eq!(column(lite, "REAL").as_deref(), Some("f64"));
        assert_eq!(column(lite, "NUMERIC"), None);
        assert_eq!(column(lite, ""), None);
    }

    #[test]
    fn mysql_types_map_as_sqlx_decodes_them() {
        let my = Dialect::Mysql;
        assert_eq!(column(my, "tinyint(1)").as_deref(), Some("bool"));
        assert_eq!(column(my, "int").as_deref(), Some("i32"));
        assert_eq!(column(my, "bigint unsigned").as_deref(), Some("u64"));
        assert_eq!(
            column(my, "varchar(40)").as_deref(),
            Some("::std::string::String")
        );
        assert_eq!(
            column(my, "decimal(12,2)").as_deref(),
            Some("::migrate_runtime::__private::types::Decimal")
        );
        assert_eq!(
            column(my, "timestamp").as_deref(),
            Some("::migrate_runtime::__private::types::Timestamptz")
        );
        assert_eq!(
            column(my, "datetime").as_deref(),
            Some("::migrate_runtime::__private::types::Timestamp")
        );
        assert_eq!(column(my, "geometry"), None);
    }
}
