//! The Rust type sqlx decodes a result column into, and the type a parameter is checked
//! against, from the SQL type the inference gives (the same rules as `migrate_core::compat`).

use migrate_core::Dialect;
use migrate_core::compat::Affinity;
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
        _ => None,
    }
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
}
