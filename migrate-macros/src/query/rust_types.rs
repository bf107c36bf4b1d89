//! The Rust type sqlx decodes a result column into, and the type a parameter is checked
//! against, from the SQL type the inference gives (the same rules as `migrate_core::compat`;
//! on MySQL the parameter's type is the column's: MySQL's prepare tells no parameter types).

use migrate_core::Dialect;
use migrate_core::compat::{Affinity, RustType, mysql_rust_type};
use migrate_core::query::{base_type, domain_base};
use migrate_core::schema::Schema;
use proc_macro2::TokenStream;
use quote::quote;

/// The Rust type for values of `sql_type`, or `None` when the macros do not map it yet.
pub fn column_type(schema: &Schema, sql_type: &str) -> Option<TokenStream> {
    let base = base_type(sql_type);
    match schema.dialect {
        Dialect::Postgres => {
            if let Some(element) = base.strip_suffix("[]") {
                let element = postgres(schema, element)?;
                return Some(quote!(::std::vec::Vec<#element>));
            }
            postgres(schema, &base)
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
pub fn parameter_type(schema: &Schema, sql_type: &str) -> Option<TokenStream> {
    match schema.dialect {
        // PostgreSQL reads a parameter as sqlx encodes the argument's Rust type: the types
        // sqlx decodes a column of that type as (a domain's: its base type's).
        Dialect::Postgres => column_type(schema, sql_type),
        Dialect::Sqlite => {
            let class = match sqlite_class(&base_type(sql_type))? {
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
            _ if ["enum", "set"]
                .iter()
                .any(|k| base_type(sql_type).starts_with(k)) =>
            {
                None
            }
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

/// A PostgreSQL type as sqlx 0.9 decodes it (`sqlx-postgres`'s `type_checking.rs`, the types
/// its own `query!` maps), a domain as its base type.
fn postgres(schema: &Schema, base: &str) -> Option<TokenStream> {
    if let Some(domain_of) = domain_base(schema, base) {
        return postgres(schema, &base_type(&domain_of));
    }
    let pg = quote!(::migrate_runtime::__private::sqlx::postgres::types);
    Some(match base {
        "boolean" => quote!(bool),
        "\"char\"" => quote!(i8),
        "smallint" => quote!(i16),
        "integer" => quote!(i32),
        "bigint" => quote!(i64),
        "real" => quote!(f32),
        "double precision" => quote!(f64),
        // sqlx's `String` also decodes `citext` (its `str::compatible`).
        "text" | "character varying" | "character" | "bpchar" | "name" | "citext" => {
            quote!(::std::string::String)
        }
        "bytea" => quote!(::std::vec::Vec<u8>),
        "interval" => quote!(#pg::PgInterval),
        "money" => quote!(#pg::PgMoney),
        "oid" => quote!(#pg::Oid),
        "int4range" => quote!(#pg::PgRange<i32>),
        "int8range" => quote!(#pg::PgRange<i64>),
        _ => {
            let types = quote!(::migrate_runtime::__private::types);
            match base {
                "numrange" => quote!(#pg::PgRange<#types::Decimal>),
                "daterange" => quote!(#pg::PgRange<#types::Date>),
                "tsrange" => quote!(#pg::PgRange<#types::Timestamp>),
                "tstzrange" => quote!(#pg::PgRange<#types::Timestamptz>),
                _ => gated(base)?,
            }
        }
    })
}

/// PostgreSQL types whose Rust type depends on migrate-runtime's features (chrono or time,
/// rust_decimal or bigdecimal, uuid, json, ipnetwork or ipnet, mac_address, bit-vec): its
/// `__private::types` alias picks it.
fn gated(base: &str) -> Option<TokenStream> {
    let name = match base {
        "uuid" => quote!(Uuid),
        "json" | "jsonb" => quote!(Json),
        "numeric" => quote!(Decimal),
        "date" => quote!(Date),
        "time without time zone" | "time" => quote!(Time),
        "timestamp without time zone" | "timestamp" => quote!(Timestamp),
        "timestamp with time zone" | "timestamptz" => quote!(Timestamptz),
        "time with time zone" => quote!(TimeTz),
        "inet" | "cidr" => quote!(IpNetwork),
        "macaddr" => quote!(MacAddress),
        "bit" | "bit varying" => quote!(BitVec),
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
        column_type(&Schema::new(dialect), sql).map(|t| t.to_string().replace(' ', ""))
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
    fn postgres_types_sqlx_decodes_with_its_own_types_or_features() {
        let pg = Dialect::Postgres;
        let sqlx = "::migrate_runtime::__private::sqlx::postgres::types::";
        let types = "::migrate_runtime::__private::types::";
        for (sql, rust) in [
            ("interval", format!("{sqlx}PgInterval")),
            ("money", format!("{sqlx}PgMoney")),
            ("oid", format!("{sqlx}Oid")),
            ("int4range", format!("{sqlx}PgRange<i32>")),
            ("int8range", format!("{sqlx}PgRange<i64>")),
            ("numrange", format!("{sqlx}PgRange<{types}Decimal>")),
            ("daterange", format!("{sqlx}PgRange<{types}Date>")),
            ("tsrange", format!("{sqlx}PgRange<{types}Timestamp>")),
            ("tstzrange", format!("{sqlx}PgRange<{types}Timestamptz>")),
            ("time(3) with time zone", format!("{types}TimeTz")),
            ("inet", format!("{types}IpNetwork")),
            ("cidr", format!("{types}IpNetwork")),
            ("macaddr", format!("{types}MacAddress")),
            ("bit(3)", format!("{types}BitVec")),
            ("bit varying(8)", format!("{types}BitVec")),
            ("citext", "::std::string::String".to_owned()),
            ("interval[]", format!("::std::vec::Vec<{sqlx}PgInterval>")),
            ("inet[]", format!("::std::vec::Vec<{types}IpNetwork>")),
        ] {
            assert_eq!(column(pg, sql), Some(rust), "{sql}");
        }
        // sqlx decodes none of these: the query names a type (`AS "x: T"`).
        for sql in ["xml", "macaddr8", "tsvector", "point"] {
            assert_eq!(column(pg, sql), None, "{sql}");
        }
    }

    #[test]
    fn a_domain_reads_as_its_base_type_through_domains_over_domains() {
        use migrate_core::schema::{Domain, Name, Origin};
        let mut schema = Schema::new(Dialect::Postgres);
        let origin = Origin {
            path: "migrations/1_init.sql".into(),
            line: 1,
        };
        for (name, base) in [("email", "character varying(320)"), ("work_email", "email")] {
            schema.domains.push(Domain {
                name: Name::new(Some("public"), name),
                base_type: base.into(),
                not_null: false,
                origin: origin.clone(),
            });
        }
        let ty = |sql: &str| parameter_type(&schema, sql).map(|t| t.to_string().replace(' ', ""));
        assert_eq!(ty("email").as_deref(), Some("::std::string::String"));
        assert_eq!(ty("work_email").as_deref(), Some("::std::string::String"));
        assert_eq!(ty("mood"), None);
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
