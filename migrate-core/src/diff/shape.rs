//! What an index is, beyond its name, and what a column is, beyond its type: index keys
//! (expressions, order, operator classes, collations), `INCLUDE` columns, uniqueness, method
//! and predicate; a column's identity, generation expression and owned sequence.
//!
//! The replay keeps an index as written and the catalog as PostgreSQL prints it
//! (`pg_get_indexdef`), both read by the same parser
//! ([`crate::replay::index_from_sql`]); what remains of spelling (`lower((email)::text)` vs
//! `lower(email)`, `(deleted_at IS NULL)` vs `deleted_at IS NULL`, an implied `btree`, an
//! operator class that is its type's default) is removed here before comparing.

use super::Difference;
use super::normalize::expression_key;
use crate::Dialect;
use crate::schema::{Column, Index, IndexKey, Schema};

/// Operator classes that PostgreSQL's `pg_get_indexdef` leaves out because they are their
/// type's default for the method: written or not, they compare as none.
const DEFAULT_OPCLASSES: &[&str] = &[
    "text_ops",
    "varchar_ops",
    "bpchar_ops",
    "int2_ops",
    "int4_ops",
    "int8_ops",
    "float4_ops",
    "float8_ops",
    "numeric_ops",
    "bool_ops",
    "date_ops",
    "time_ops",
    "timestamp_ops",
    "timestamptz_ops",
    "interval_ops",
    "uuid_ops",
    "bytea_ops",
    "char_ops",
    "name_ops",
    "oid_ops",
    "inet_ops",
    "jsonb_ops",
    "array_ops",
    "tsvector_ops",
    "enum_ops",
    "range_ops",
    "multirange_ops",
];

pub(super) fn diff_indexes(expected: &Schema, actual: &Schema, out: &mut Vec<Difference>) {
    let d = expected.dialect;
    // MySQL names an index within its table (`user_uuid` on two tables is two indexes).
    let same = |a: &Index, b: &Index| {
        expected.same_name(&a.name, &b.name)
            && (d != Dialect::Mysql || expected.same_name(&a.table, &b.table))
    };
    let shown = |i: &Index| match d {
        Dialect::Mysql => format!("{} on {}", i.name, i.table),
        _ => i.name.to_string(),
    };
    for index in &expected.indexes {
        match actual.indexes.iter().find(|i| same(i, index)) {
            None => out.push(Difference::MissingIndex { name: shown(index) }),
            Some(found) if shape_key(d, index) != shape_key(d, found) => {
                out.push(Difference::IndexShape {
                    name: shown(index),
                    expected: describe(d, index),
                    actual: describe(d, found),
                })
            }
            Some(_) => {}
        }
    }
    for index in &actual.indexes {
        if !expected.indexes.iter().any(|i| same(i, index)) {
            out.push(Difference::ExtraIndex { name: shown(index) });
        }
    }
}

/// The index as a review shows it: `UNIQUE USING btree (email DESC) INCLUDE (id) WHERE …`.
pub(crate) fn describe(d: Dialect, index: &Index) -> String {
    let mut out = String::new();
    if index.unique {
        out.push_str("UNIQUE ");
    }
    if let Some(method) = method(d, index) {
        out.push_str(&format!("USING {method} "));
    }
    let keys: Vec<String> = index
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let key = index.keys.get(i).cloned().unwrap_or_default();
            format!("{c}{}", key.suffix())
        })
        .collect();
    out.push_str(&format!("({})", keys.join(", ")));
    if !index.include.is_empty() {
        out.push_str(&format!(" INCLUDE ({})", index.include.join(", ")));
    }
    if let Some(p) = &index.predicate {
        out.push_str(&format!(" WHERE {p}"));
    }
    out
}

/// Everything that makes two indexes the same, with spelling removed.
fn shape_key(d: Dialect, index: &Index) -> String {
    let name = |s: &str| {
        if d == Dialect::Postgres {
            s.to_owned()
        } else {
            s.to_lowercase()
        }
    };
    let keys: Vec<String> = index
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| key_text(d, c, index.keys.get(i).cloned().unwrap_or_default()))
        .collect();
    let include: Vec<String> = index.include.iter().map(|c| name(c)).collect();
    format!(
        "{}|{:?}|{}|{}|{:?}",
        index.unique,
        method(d, index),
        keys.join(","),
        include.join(","),
        index.predicate.as_deref().map(expression_key)
    )
}

/// One key (of an index, or an `EXCLUDE` element) with spelling removed.
pub(super) fn key_text(d: Dialect, column: &str, key: IndexKey) -> String {
    let plain = column.chars().all(|ch| ch.is_alphanumeric() || ch == '_');
    let column = match (plain, d) {
        (true, Dialect::Postgres) => column.to_owned(),
        (true, _) => column.to_lowercase(),
        (false, _) => expression_key(column),
    };
    let IndexKey {
        collation,
        opclass,
        descending,
        nulls_first,
    } = key;
    let collation = collation.map(|c| c.trim_matches('"').to_lowercase());
    let opclass = opclass.filter(|o| !DEFAULT_OPCLASSES.contains(&o.as_str()));
    format!("{column}|{collation:?}|{opclass:?}|{descending}|{nulls_first}")
}

/// The access method: PostgreSQL's `btree` when none is written; SQLite has none.
fn method(d: Dialect, index: &Index) -> Option<String> {
    match d {
        Dialect::Postgres => Some(
            index
                .method
                .as_deref()
                .unwrap_or("btree")
                .to_ascii_lowercase(),
        ),
        _ => None,
    }
}

/// Identity, generation and sequence ownership of one column.
pub(super) fn diff_column_kind(
    d: Dialect,
    table: &str,
    expected: &Column,
    actual: &Column,
    out: &mut Vec<Difference>,
) {
    let identity = |c: &Column| c.identity.map(|i| i.as_sql().to_owned());
    if identity(expected) != identity(actual) {
        out.push(Difference::Identity {
            table: table.to_owned(),
            column: expected.name.clone(),
            expected: identity(expected),
            actual: identity(actual),
        });
    }
    let same_generation = match (&expected.generated, &actual.generated) {
        (None, None) => true,
        (Some(e), Some(a)) => {
            e.stored == a.stored && expression_key(&e.expr) == expression_key(&a.expr)
        }
        _ => false,
    };
    if !same_generation {
        let show = |c: &Column| {
            c.generated
                .as_ref()
                .map(|g| crate::schema::generated_def(d, g))
        };
        out.push(Difference::Generated {
            table: table.to_owned(),
            column: expected.name.clone(),
            expected: show(expected),
            actual: show(actual),
        });
    }
    if d == Dialect::Postgres && expected.owns_sequence != actual.owns_sequence {
        out.push(Difference::SequenceOwner {
            table: table.to_owned(),
            column: expected.name.clone(),
            expected_owned: expected.owns_sequence,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replay::index_from_sql;

    fn shape(d: Dialect, sql: &str) -> String {
        shape_key(d, &index_from_sql(d, sql).unwrap())
    }

    #[test]
    fn indexes_compare_as_written_and_as_postgresql_prints_them() {
        let pg = Dialect::Postgres;
        let same = [
            (
                "CREATE INDEX i ON t (lower(email))",
                "CREATE INDEX i ON public.t USING btree (lower((email)::text))",
            ),
            (
                "CREATE INDEX i ON t (a DESC NULLS FIRST) WHERE deleted_at IS NULL",
                "CREATE INDEX i ON public.t USING btree (a DESC) WHERE (deleted_at IS NULL)",
            ),
            (
                "CREATE INDEX i ON t USING GIN (data jsonb_ops)",
                "CREATE INDEX i ON public.t USING gin (data)",
            ),
            (
                "CREATE INDEX i ON t (a) WHERE status IN ('a', 'b')",
                "CREATE INDEX i ON public.t USING btree (a) WHERE ((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))",
            ),
        ];
        for (written, printed) in same {
            assert_eq!(shape(pg, written), shape(pg, printed), "{written}");
        }
        let base = shape(pg, "CREATE INDEX i ON t (a, b)");
        for other in [
            "CREATE UNIQUE INDEX i ON t (a, b)",
            "CREATE INDEX i ON t (a)",
            "CREATE INDEX i ON t (b, a)",
            "CREATE INDEX i ON t (a DESC, b)",
            "CREATE INDEX i ON t (a NULLS FIRST, b)",
            "CREATE INDEX i ON t (a text_pattern_ops, b)",
            "CREATE INDEX i ON t (a COLLATE \"C\", b)",
            "CREATE INDEX i ON t USING hash (a, b)",
            "CREATE INDEX i ON t (a, b) INCLUDE (c)",
            "CREATE INDEX i ON t (a, b) WHERE a > 0",
        ] {
            assert_ne!(base, shape(pg, other), "{other}");
        }
        let lite = Dialect::Sqlite;
        assert_eq!(
            shape(lite, "CREATE INDEX i ON t (A)"),
            shape(lite, "create index i on t (a)")
        );
        assert_ne!(
            shape(lite, "CREATE INDEX i ON t (a COLLATE NOCASE)"),
            shape(lite, "CREATE INDEX i ON t (a)")
        );
    }
}
