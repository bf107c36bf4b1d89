//! Checks on written types and names, shared by every statement that declares a column, and
//! the name and type helpers the PostgreSQL checks use.

use sqlparser::ast::{ColumnDef, ColumnOption, DataType, Expr, ObjectName};

use super::rules::*;
use crate::schema::Name;

/// Type rules that hold for every column, new table or not.
pub(super) fn column_types(out: &mut Vec<Found>, def: &ColumnDef, primary_key: bool) {
    let column = &def.name;
    let written = def.data_type.to_string().to_ascii_lowercase();
    let key = primary_key
        || def
            .options
            .iter()
            .any(|o| matches!(o.option, ColumnOption::PrimaryKey(_)));
    if matches!(
        written.as_str(),
        "serial" | "bigserial" | "smallserial" | "serial4" | "serial8"
    ) {
        out.push(found(SERIAL, format!("column {column} is {written}")));
    }
    if key
        && matches!(
            written.as_str(),
            "int" | "integer" | "int4" | "serial" | "serial4" | "smallint" | "int2"
        )
    {
        out.push(found(INT_KEY, format!("primary key {column} is {written}")));
    }
    if matches!(
        def.data_type,
        DataType::Timestamp(
            _,
            sqlparser::ast::TimezoneInfo::None | sqlparser::ast::TimezoneInfo::WithoutTimeZone
        )
    ) {
        out.push(found(TIMESTAMP, format!("column {column} is {written}")));
    }
    if written.starts_with("varchar(")
        || written.starts_with("character varying(")
        || written.starts_with("char(")
        || written.starts_with("character(")
        || written == "char"
        || written == "character"
    {
        out.push(found(VARCHAR, format!("column {column} is {written}")));
    }
}

/// Every name written in a CREATE or ALTER statement longer than PostgreSQL keeps.
pub(super) fn long_names(out: &mut Vec<Found>, sql: &str) {
    use sqlparser::tokenizer::{Token, Tokenizer};
    let Ok(tokens) = Tokenizer::new(&sqlparser::dialect::PostgreSqlDialect {}, sql).tokenize()
    else {
        return;
    };
    let mut seen: Vec<&str> = Vec::new();
    for token in &tokens {
        if let Token::Word(word) = token
            && word.value.len() > 63
            && !seen.contains(&word.value.as_str())
        {
            seen.push(&word.value);
            out.push(found(
                LONG_NAME,
                format!(
                    "name {} is {} bytes long; PostgreSQL keeps the first 63",
                    word.value,
                    word.value.len()
                ),
            ));
        }
    }
}

/// The volatile function a default calls, if any.
pub(super) fn volatile(expr: &Expr) -> Option<String> {
    const VOLATILE: &[&str] = &[
        "random",
        "gen_random_uuid",
        "uuid_generate_v1",
        "uuid_generate_v4",
        "uuidv4",
        "uuidv7",
        "clock_timestamp",
        "timeofday",
        "nextval",
        "txid_current",
    ];
    let text = expr.to_string().to_ascii_lowercase();
    VOLATILE
        .iter()
        .find(|f| text.contains(&format!("{f}(")))
        .map(|f| (*f).to_owned())
}

/// Changes PostgreSQL makes without a rewrite (binary-coercible, limit not lowered):
/// varchar(n) to varchar(m >= n), varchar or text to an unlimited varchar or text,
/// numeric(p, s) to numeric(q >= p, s) or unlimited numeric, varbit likewise, cidr to inet.
pub(super) fn free_type_change(old: Option<&str>, new: &DataType) -> bool {
    let Some(old) = old else { return false };
    let (old, new) = (written(old), written(&new.to_string()));
    if old == new {
        return true;
    }
    let (Some((from, from_args)), Some((to, to_args))) = (family(&old), family(&new)) else {
        return false;
    };
    match (from, to) {
        ("cidr", "inet") => true,
        ("numeric", "numeric") => match (from_args.as_slice(), to_args.as_slice()) {
            (_, []) => true,
            ([p], [q]) => q >= p,
            ([p, s], [q, t]) => s == t && q >= p,
            _ => false,
        },
        (a, b) if a == b && (a == "varchar" || a == "varbit") => {
            match (from_args.first(), to_args.first()) {
                (_, None) => true,
                (Some(n), Some(m)) => m >= n,
                (None, Some(_)) => false,
            }
        }
        _ => false,
    }
}

/// A type as written, lower case, without spaces around its arguments.
fn written(t: &str) -> String {
    t.trim()
        .to_ascii_lowercase()
        .replace(" (", "(")
        .replace(", ", ",")
}

/// A type's family for binary coercion (text is an unlimited varchar) and its arguments.
fn family(t: &str) -> Option<(&'static str, Vec<u64>)> {
    let (base, args) = match t.split_once('(') {
        Some((base, rest)) => (base.trim(), rest.strip_suffix(')')?),
        None => (t, ""),
    };
    let args: Vec<u64> = args
        .split(',')
        .filter(|a| !a.trim().is_empty())
        .map(|a| a.trim().parse().ok())
        .collect::<Option<_>>()?;
    let family = match base {
        "text" | "varchar" | "character varying" => "varchar",
        "numeric" | "decimal" => "numeric",
        "varbit" | "bit varying" => "varbit",
        "cidr" => "cidr",
        "inet" => "inet",
        _ => return None,
    };
    Some((family, args))
}

/// A written name as PostgreSQL resolves it (`public` when no schema is written).
pub(super) fn name_of(name: &ObjectName) -> Name {
    crate::replay::name_in(crate::Dialect::Postgres, name)
}

/// An identifier as PostgreSQL stores it (unquoted: lower case; at most 63 bytes).
pub(super) fn fold(value: &str, quote: Option<char>) -> String {
    let mut ident = sqlparser::ast::Ident::new(value);
    ident.quote_style = quote;
    crate::replay::ident_in(crate::Dialect::Postgres, &ident)
}
