//! What the derives need to know of a column's SQL type, and of a field's Rust type.

use migrate_core::Dialect;
use migrate_core::compat::{self, Kind, RustType, Verdict};
use migrate_core::schema::{Column, Name, Origin, Schema, Table};
use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{GenericArgument, PathArguments, Type};

/// A column as a read sees it: its type with domains resolved, and whether it can be NULL.
#[derive(Clone)]
pub struct ColumnView {
    pub sql_type: String,
    pub nullable: bool,
    pub strict: bool,
    pub origin: Origin,
}

impl ColumnView {
    pub fn new(schema: &Schema, table: Option<&Table>, column: &Column) -> ColumnView {
        let mut nullable = match table {
            Some(table) => table.nullable(schema.dialect, column),
            None => !column.not_null,
        };
        let mut sql_type = column.sql_type.clone();
        if schema.dialect == Dialect::Postgres
            && let Some(domain) = schema.domain(&parse_name(schema.dialect, &sql_type, true))
        {
            sql_type = domain.base_type.clone();
            nullable &= !domain.not_null;
        }
        ColumnView {
            sql_type,
            nullable,
            strict: table.is_some_and(|t| t.strict),
            origin: column.origin.clone(),
        }
    }

    /// The type without modifiers: `character varying(20)` -> `character varying`.
    pub fn base_type(&self) -> String {
        match self.sql_type.find('(') {
            Some(open) => self.sql_type[..open].trim_end().to_owned(),
            None => self.sql_type.clone(),
        }
    }
}

/// `schema.name` as written in an attribute. With `fold`, unquoted PostgreSQL identifiers
/// fold to lower case, as PostgreSQL (and sqlx's type lookup) folds them.
pub fn parse_name(dialect: Dialect, written: &str, fold: bool) -> Name {
    let parts: Vec<String> = split_dotted(written)
        .into_iter()
        .map(
            |part| match part.strip_prefix('"').and_then(|p| p.strip_suffix('"')) {
                Some(quoted) => quoted.replace("\"\"", "\""),
                None if fold && dialect == Dialect::Postgres => part.to_lowercase(),
                None => part,
            },
        )
        .collect();
    let name = parts.last().cloned().unwrap_or_default();
    match dialect {
        Dialect::Postgres => Name {
            schema: Some(if parts.len() >= 2 {
                parts[parts.len() - 2].clone()
            } else {
                "public".to_owned()
            }),
            name,
        },
        _ => Name { schema: None, name },
    }
}

/// Splits at dots outside double quotes.
fn split_dotted(s: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut quoted = false;
    for c in s.trim().chars() {
        if c == '.' && !quoted {
            parts.push(String::new());
            continue;
        }
        if c == '"' {
            quoted = !quoted;
        }
        if let Some(part) = parts.last_mut() {
            part.push(c);
        }
    }
    parts
}

/// The enum type a column's SQL type names, as `Kind::Enum` spells it.
pub fn enum_name(schema: &Schema, sql_type: &str) -> Option<String> {
    if schema.dialect != Dialect::Postgres {
        return None;
    }
    let name = parse_name(schema.dialect, sql_type, true);
    schema.enum_type(&name).map(|e| e.name.to_string())
}

/// `Option<T>` -> (`T`, true); anything else -> (itself, false).
pub fn unwrap_option(ty: &Type) -> (&Type, bool) {
    match single_generic(ty, "Option") {
        Some(inner) => (inner, true),
        None => (ty, false),
    }
}

/// `Vec<T>` -> `T`, except `Vec<u8>` (bytes).
pub fn vec_element(ty: &Type) -> Option<&Type> {
    single_generic(ty, "Vec").filter(|t| t.to_token_stream().to_string() != "u8")
}

fn single_generic<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(inner) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}

/// Whether the type cannot be judged from its tokens (an enum, newtype, alias, …).
pub fn is_other(ty: &Type) -> bool {
    let parsed = RustType::parse(&ty.to_token_stream().to_string());
    matches!(parsed.unwrap_option().0, RustType::Other(_))
}

/// Whether the type mentions one of the struct's generic parameters.
pub fn mentions(ty: &Type, generics: &[String]) -> bool {
    fn walk(tokens: TokenStream, generics: &[String]) -> bool {
        tokens.into_iter().any(|tt| match tt {
            proc_macro2::TokenTree::Ident(i) => generics.contains(&i.to_string()),
            proc_macro2::TokenTree::Group(g) => walk(g.stream(), generics),
            _ => false,
        })
    }
    walk(ty.to_token_stream(), generics)
}

/// Whether the Rust type (as tokens) reads the column: `Unknown` for a SQLite `ANY` or
/// untyped column, which holds values of any kind.
pub fn verdict(dialect: Dialect, tokens: &str, column: &ColumnView) -> Verdict {
    let rust = RustType::parse(tokens);
    compat::check(
        dialect,
        rust.unwrap_option().0,
        &column.sql_type,
        column.strict,
    )
}

/// What sqlx 0.9 on SQLite reads a NULL into this type as, without an error (checked at run
/// time by `tests/tests/compat.rs`); `None` when the read fails instead.
pub fn null_reads_silently(tokens: &str) -> Option<&'static str> {
    match RustType::parse(tokens) {
        RustType::String => Some("\"\""),
        RustType::Bytes => Some("an empty `Vec`"),
        RustType::Bool => Some("`false`"),
        RustType::I8
        | RustType::I16
        | RustType::I32
        | RustType::I64
        | RustType::U8
        | RustType::U16
        | RustType::U32
        | RustType::U64 => Some("0"),
        RustType::F32 | RustType::F64 => Some("0.0"),
        _ => None,
    }
}

/// Why a column's type cannot be judged, and how to say the field is right.
pub fn unjudged(sql_type: &str) -> String {
    let confirm = if sql_type.trim().is_empty() {
        String::new()
    } else {
        format!("#[migrate(sql_type = \"{sql_type}\")] or ")
    };
    format!(
        "the build has no rule for this column's type (an untyped or `ANY` SQLite column holds values of any kind, checked only when a row is read): if your queries only ever return values this type decodes, mark the field {confirm}#[migrate(unchecked)]"
    )
}

/// The one-line fix for a column whose type cannot be judged.
pub fn unjudged_fix(sql_type: &str) -> String {
    if sql_type.trim().is_empty() {
        "mark the field #[migrate(unchecked)] once you know every value decodes".to_owned()
    } else {
        format!(
            "mark the field #[migrate(sql_type = \"{sql_type}\")] or #[migrate(unchecked)] once you know every value decodes"
        )
    }
}

/// Every `Kind` (with its usual Rust spelling) whose values read the column.
pub fn kinds_reading(dialect: Dialect, column: &ColumnView) -> Vec<(&'static str, TokenStream)> {
    RUST_TYPES
        .iter()
        .filter_map(|rust| {
            let parsed = RustType::parse(rust);
            let compatible = compat::check(dialect, &parsed, &column.sql_type, column.strict)
                == Verdict::Compatible;
            let kind = parsed.kind().filter(|_| compatible)?;
            Some((*rust, kind_tokens(kind).parse().unwrap_or_default()))
        })
        .collect()
}

/// The path of a [`Kind`] value in generated code: `::migrate_runtime::Kind::I32`,
/// `::migrate_runtime::Kind::Range(&::migrate_runtime::Kind::I32)`.
fn kind_tokens(kind: Kind) -> String {
    match kind {
        Kind::Range(element) => {
            format!("::migrate_runtime::Kind::Range(&{})", kind_tokens(*element))
        }
        // Unit variants: their name is their `Debug`.
        other => format!("::migrate_runtime::Kind::{other:?}"),
    }
}

/// A usual Rust spelling of each type of the rules (`RustType::all()` in the same order, a
/// unit test checks); its `Kind` comes from migrate-core's `RustType::kind`.
const RUST_TYPES: &[&str] = &[
    "bool",
    "i8",
    "i16",
    "i32",
    "i64",
    "u8",
    "u16",
    "u32",
    "u64",
    "f32",
    "f64",
    "String",
    "Vec<u8>",
    "serde_json::Value",
    "uuid::Uuid",
    "chrono::NaiveDate",
    "chrono::NaiveTime",
    "chrono::NaiveDateTime",
    "chrono::DateTime<Utc>",
    "time::PrimitiveDateTime",
    "time::OffsetDateTime",
    "rust_decimal::Decimal",
    "PgInterval",
    "PgTimeTz<NaiveTime,FixedOffset>",
    "PgMoney",
    "sqlx::postgres::types::Oid",
    "ipnetwork::IpNetwork",
    "MacAddress",
    "BitVec",
    "PgLTree",
    "PgLQuery",
    "PgHstore",
    "PgCube",
    "PgPoint",
    "PgLine",
    "PgLSeg",
    "PgBox",
    "PgPath",
    "PgPolygon",
    "PgCircle",
    "PgRange<i32>",
    "PgRange<i64>",
    "PgRange<Decimal>",
    "PgRange<NaiveDate>",
    "PgRange<NaiveDateTime>",
    "PgRange<DateTime<Utc>>",
    "PgRange<time::PrimitiveDateTime>",
    "PgRange<time::OffsetDateTime>",
];

#[cfg(test)]
mod tests {
    use super::{RUST_TYPES, kind_tokens};
    use migrate_core::compat::{Kind, RustType};

    #[test]
    fn every_rust_type_of_the_rules_has_a_kind() {
        let parsed: Vec<RustType> = RUST_TYPES.iter().map(|r| RustType::parse(r)).collect();
        assert_eq!(parsed, RustType::all());
        assert!(parsed.iter().all(|r| r.kind().is_some()), "{parsed:?}");
    }

    #[test]
    fn kind_tokens_are_paths_of_migrate_runtime() {
        assert_eq!(kind_tokens(Kind::I32), "::migrate_runtime::Kind::I32");
        assert_eq!(
            kind_tokens(Kind::Range(&Kind::DateTimeTz)),
            "::migrate_runtime::Kind::Range(&::migrate_runtime::Kind::DateTimeTz)"
        );
    }
}
