//! What the derives need to know of a column's SQL type, and of a field's Rust type.

use migrate_core::Dialect;
use migrate_core::compat::{self, RustType, Verdict};
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
    KINDS
        .iter()
        .filter(|(_, rust)| {
            compat::check(
                dialect,
                &RustType::parse(rust),
                &column.sql_type,
                column.strict,
            ) == Verdict::Compatible
        })
        .map(|(kind, rust)| {
            let kind: TokenStream = format!("::migrate_runtime::Kind::{kind}")
                .parse()
                .unwrap_or_default();
            (*rust, kind)
        })
        .collect()
}

/// Each `Kind` variant and a Rust type of that kind (`RustType::all()` in the same order, a
/// unit test checks).
const KINDS: &[(&str, &str)] = &[
    ("Bool", "bool"),
    ("I8", "i8"),
    ("I16", "i16"),
    ("I32", "i32"),
    ("I64", "i64"),
    ("U8", "u8"),
    ("U16", "u16"),
    ("U32", "u32"),
    ("U64", "u64"),
    ("F32", "f32"),
    ("F64", "f64"),
    ("String", "String"),
    ("Bytes", "Vec<u8>"),
    ("Json", "serde_json::Value"),
    ("Uuid", "uuid::Uuid"),
    ("Date", "chrono::NaiveDate"),
    ("Time", "chrono::NaiveTime"),
    ("DateTime", "chrono::NaiveDateTime"),
    ("DateTimeTz", "chrono::DateTime<Utc>"),
    ("TimeDateTime", "time::PrimitiveDateTime"),
    ("TimeDateTimeTz", "time::OffsetDateTime"),
    ("Decimal", "rust_decimal::Decimal"),
    ("Interval", "PgInterval"),
    ("TimeTz", "PgTimeTz<NaiveTime,FixedOffset>"),
    ("Money", "PgMoney"),
    ("Oid", "sqlx::postgres::types::Oid"),
    ("Inet", "ipnetwork::IpNetwork"),
    ("MacAddress", "MacAddress"),
    ("Bits", "BitVec"),
    ("LTree", "PgLTree"),
    ("LQuery", "PgLQuery"),
    ("Hstore", "PgHstore"),
    ("Cube", "PgCube"),
    ("Point", "PgPoint"),
    ("Line", "PgLine"),
    ("LSeg", "PgLSeg"),
    ("Box", "PgBox"),
    ("Path", "PgPath"),
    ("Polygon", "PgPolygon"),
    ("Circle", "PgCircle"),
    ("Range(&::migrate_runtime::Kind::I32)", "PgRange<i32>"),
    ("Range(&::migrate_runtime::Kind::I64)", "PgRange<i64>"),
    (
        "Range(&::migrate_runtime::Kind::Decimal)",
        "PgRange<Decimal>",
    ),
    (
        "Range(&::migrate_runtime::Kind::Date)",
        "PgRange<NaiveDate>",
    ),
    (
        "Range(&::migrate_runtime::Kind::DateTime)",
        "PgRange<NaiveDateTime>",
    ),
    (
        "Range(&::migrate_runtime::Kind::DateTimeTz)",
        "PgRange<DateTime<Utc>>",
    ),
    (
        "Range(&::migrate_runtime::Kind::TimeDateTime)",
        "PgRange<time::PrimitiveDateTime>",
    ),
    (
        "Range(&::migrate_runtime::Kind::TimeDateTimeTz)",
        "PgRange<time::OffsetDateTime>",
    ),
];

#[cfg(test)]
mod tests {
    use super::KINDS;
    use migrate_core::compat::RustType;

    #[test]
    fn every_rust_type_of_the_rules_has_a_kind() {
        let parsed: Vec<RustType> = KINDS.iter().map(|(_, r)| RustType::parse(r)).collect();
        assert_eq!(parsed, RustType::all());
    }
}
