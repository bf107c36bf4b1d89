//! What PostgreSQL has before any migration runs, as the interpreter's catalog answers for it:
//! the built-in types of `pg_catalog` (PostgreSQL 15), and the sequences behind serial and
//! identity columns.

use crate::replay::statements::serial_sequence;
use crate::schema::{Name, Schema};

/// Built-in types by `typname`, with their `typtype`: `b` base, `r` range, `m` multirange,
/// `p` pseudo. Base, range and multirange types also have an array type, `_` + the name.
const TYPES: &[(&str, char)] = &[
    ("bool", 'b'),
    ("bytea", 'b'),
    ("char", 'b'),
    ("name", 'b'),
    ("int8", 'b'),
    ("int2", 'b'),
    ("int2vector", 'b'),
    ("int4", 'b'),
    ("regproc", 'b'),
    ("text", 'b'),
    ("oid", 'b'),
    ("tid", 'b'),
    ("xid", 'b'),
    ("cid", 'b'),
    ("oidvector", 'b'),
    ("json", 'b'),
    ("xml", 'b'),
    ("point", 'b'),
    ("lseg", 'b'),
    ("path", 'b'),
    ("box", 'b'),
    ("polygon", 'b'),
    ("line", 'b'),
    ("float4", 'b'),
    ("float8", 'b'),
    ("circle", 'b'),
    ("money", 'b'),
    ("macaddr", 'b'),
    ("inet", 'b'),
    ("cidr", 'b'),
    ("macaddr8", 'b'),
    ("aclitem", 'b'),
    ("bpchar", 'b'),
    ("varchar", 'b'),
    ("date", 'b'),
    ("time", 'b'),
    ("timestamp", 'b'),
    ("timestamptz", 'b'),
    ("interval", 'b'),
    ("timetz", 'b'),
    ("bit", 'b'),
    ("varbit", 'b'),
    ("numeric", 'b'),
    ("refcursor", 'b'),
    ("regprocedure", 'b'),
    ("regoper", 'b'),
    ("regoperator", 'b'),
    ("regclass", 'b'),
    ("regcollation", 'b'),
    ("regtype", 'b'),
    ("regrole", 'b'),
    ("regnamespace", 'b'),
    ("uuid", 'b'),
    ("pg_lsn", 'b'),
    ("tsvector", 'b'),
    ("gtsvector", 'b'),
    ("tsquery", 'b'),
    ("regconfig", 'b'),
    ("regdictionary", 'b'),
    ("jsonb", 'b'),
    ("jsonpath", 'b'),
    ("txid_snapshot", 'b'),
    ("pg_snapshot", 'b'),
    ("xid8", 'b'),
    ("int4range", 'r'),
    ("numrange", 'r'),
    ("tsrange", 'r'),
    ("tstzrange", 'r'),
    ("daterange", 'r'),
    ("int8range", 'r'),
    ("int4multirange", 'm'),
    ("nummultirange", 'm'),
    ("tsmultirange", 'm'),
    ("tstzmultirange", 'm'),
    ("datemultirange", 'm'),
    ("int8multirange", 'm'),
    ("record", 'p'),
    ("cstring", 'p'),
    ("any", 'p'),
    ("anyarray", 'p'),
    ("void", 'p'),
    ("trigger", 'p'),
    ("event_trigger", 'p'),
    ("language_handler", 'p'),
    ("internal", 'p'),
    ("anyelement", 'p'),
    ("anynonarray", 'p'),
    ("anyenum", 'p'),
    ("fdw_handler", 'p'),
    ("index_am_handler", 'p'),
    ("tsm_handler", 'p'),
    ("table_am_handler", 'p'),
    ("anyrange", 'p'),
    ("anymultirange", 'p'),
    ("anycompatible", 'p'),
    ("anycompatiblearray", 'p'),
    ("anycompatiblenonarray", 'p'),
    ("anycompatiblerange", 'p'),
    ("anycompatiblemultirange", 'p'),
    ("unknown", 'p'),
];

/// SQL's names of built-in types (`to_regtype('integer')`) -> their `typname`.
const ALIASES: &[(&str, &str)] = &[
    ("integer", "int4"),
    ("int", "int4"),
    ("smallint", "int2"),
    ("bigint", "int8"),
    ("real", "float4"),
    ("double precision", "float8"),
    ("float", "float8"),
    ("boolean", "bool"),
    ("decimal", "numeric"),
    ("character varying", "varchar"),
    ("character", "bpchar"),
    ("bit varying", "varbit"),
    ("timestamp without time zone", "timestamp"),
    ("timestamp with time zone", "timestamptz"),
    ("time without time zone", "time"),
    ("time with time zone", "timetz"),
    ("\"char\"", "char"),
];

/// The built-in types of `pg_catalog`: `(typname, typtype)`, array types included.
pub(super) fn types() -> impl Iterator<Item = (String, char)> {
    TYPES.iter().flat_map(|&(name, kind)| {
        let array = (kind != 'p').then(|| (format!("_{name}"), 'b'));
        std::iter::once((name.to_owned(), kind)).chain(array)
    })
}

/// The `typname` of a built-in type as SQL writes it (`integer`, `int4`, `text[]`,
/// `pg_catalog.int4`), or `None` when it is not one.
pub(super) fn type_name(text: &str) -> Option<String> {
    let text = text.trim().to_lowercase();
    let text = text.strip_prefix("pg_catalog.").unwrap_or(&text);
    let (base, array) = match text.strip_suffix("[]") {
        Some(base) => (base.trim(), true),
        None => (text, false),
    };
    let base = ALIASES
        .iter()
        .find(|(alias, _)| *alias == base)
        .map_or(base, |(_, name)| name);
    let kind = TYPES.iter().find(|(name, _)| *name == base)?.1;
    match (array, kind) {
        (false, _) => Some(base.to_owned()),
        (true, 'p') => None,
        (true, _) => Some(format!("_{base}")),
    }
}

/// Every sequence: those `CREATE SEQUENCE` made, a serial column's (named by its default, in
/// its table's schema) and an identity column's (`t_c_seq`).
pub(super) fn sequences(schema: &Schema) -> Vec<Name> {
    let mut out: Vec<Name> = schema.sequences.clone();
    for t in &schema.tables {
        for c in &t.columns {
            let name = if c.identity.is_some() {
                Some(format!("{}_{}_seq", t.name.name, c.name))
            } else {
                c.default.as_deref().and_then(serial_sequence)
            };
            let Some(name) = name else { continue };
            let qualified = c
                .default
                .as_deref()
                .and_then(|d| d.strip_prefix("nextval('"))
                .and_then(|d| d.split_once('.'))
                .map(|(s, _)| s.trim_matches('"').to_owned());
            let name = Name {
                schema: qualified.or_else(|| t.name.schema.clone()),
                name,
            };
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_types_by_any_of_their_names() {
        assert_eq!(type_name("int4").as_deref(), Some("int4"));
        assert_eq!(type_name("INTEGER").as_deref(), Some("int4"));
        assert_eq!(type_name("pg_catalog.text").as_deref(), Some("text"));
        assert_eq!(type_name("text[]").as_deref(), Some("_text"));
        assert_eq!(
            type_name("timestamp with time zone").as_deref(),
            Some("timestamptz")
        );
        assert_eq!(type_name("mood"), None);
        assert!(types().any(|(n, k)| n == "_int4" && k == 'b'));
        assert!(types().any(|(n, k)| n == "tstzrange" && k == 'r'));
        assert!(!types().any(|(n, _)| n == "_void"));
    }
}
