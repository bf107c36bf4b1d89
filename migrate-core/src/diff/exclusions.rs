//! `EXCLUDE` constraints of one table, expected vs actual (PostgreSQL).
//!
//! They match by name, then (for those left) by what they exclude. The replay keeps an
//! exclusion as written and the catalog as `pg_get_constraintdef` prints it, both read by the
//! same parser ([`crate::replay::exclusion_from_sql`]); spelling (`((room + 1))` vs
//! `(room+1)`, an implied `btree`, a default operator class, `OPERATOR(pg_catalog.=)` vs `=`)
//! is removed before comparing, as for indexes.

use super::Difference;
use super::normalize::expression_key;
use super::shape::key_text;
use crate::Dialect;
use crate::schema::{Exclusion, Table, exclusion_def};

/// Whether an expected exclusion and an actual one are the same constraint.
type Matcher<'a> = &'a dyn Fn(&Exclusion, &Exclusion) -> bool;

pub(super) fn diff_exclusions(expected: &Table, actual: &Table, out: &mut Vec<Difference>) {
    let table = expected.name.to_string();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let by_name = |e: &Exclusion, a: &Exclusion| e.name.is_some() && e.name == a.name;
    let by_shape = |e: &Exclusion, a: &Exclusion| shape_key(e) == shape_key(a);
    let passes: [Matcher; 2] = [&by_name, &by_shape];
    for pass in passes {
        for (ei, e) in expected.exclusions.iter().enumerate() {
            if pairs.iter().any(|p| p.0 == ei) {
                continue;
            }
            let found = actual
                .exclusions
                .iter()
                .enumerate()
                .find(|(ai, a)| !pairs.iter().any(|p| p.1 == *ai) && pass(e, a));
            if let Some((ai, _)) = found {
                pairs.push((ei, ai));
            }
        }
    }
    for (ei, e) in expected.exclusions.iter().enumerate() {
        match pairs.iter().find(|p| p.0 == ei) {
            None => out.push(Difference::MissingExclusion {
                table: table.clone(),
                name: e.name.clone(),
                definition: describe(e),
            }),
            Some(&(_, ai)) => {
                let a = &actual.exclusions[ai];
                if shape_key(e) != shape_key(a) {
                    out.push(Difference::ExclusionShape {
                        table: table.clone(),
                        name: a
                            .name
                            .clone()
                            .or_else(|| e.name.clone())
                            .unwrap_or_default(),
                        expected: describe(e),
                        actual: describe(a),
                    });
                }
            }
        }
    }
    for (ai, a) in actual.exclusions.iter().enumerate() {
        if !pairs.iter().any(|p| p.1 == ai) {
            out.push(Difference::ExtraExclusion {
                table: table.clone(),
                name: a.name.clone(),
                definition: describe(a),
            });
        }
    }
}

/// The constraint without its name: `EXCLUDE USING gist (room WITH =, during WITH &&)`.
pub(crate) fn describe(x: &Exclusion) -> String {
    exclusion_def(
        Dialect::Postgres,
        &Exclusion {
            name: None,
            ..x.clone()
        },
    )
}

/// Everything that makes two exclusion constraints the same, with spelling removed.
fn shape_key(x: &Exclusion) -> String {
    let d = Dialect::Postgres;
    let elements: Vec<String> = x
        .elements
        .iter()
        .map(|e| {
            format!(
                "{} WITH {}",
                key_text(d, &e.key, e.options.clone()),
                operator(&e.operator)
            )
        })
        .collect();
    format!(
        "{}|{}|{}|{:?}",
        x.method.as_deref().unwrap_or("btree").to_ascii_lowercase(),
        elements.join(","),
        x.include.join(","),
        x.predicate.as_deref().map(expression_key)
    )
}

/// `OPERATOR(pg_catalog.=)` -> `=`; other operators as written.
fn operator(op: &str) -> String {
    let inner = op
        .strip_prefix("OPERATOR(")
        .and_then(|o| o.strip_suffix(')'))
        .unwrap_or(op);
    inner
        .strip_prefix("pg_catalog.")
        .unwrap_or(inner)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replay::exclusion_from_sql;
    use crate::schema::{Name, Origin};

    fn table(exclusions: Vec<Exclusion>) -> Table {
        Table {
            name: Name::new(Some("public"), "r"),
            columns: Vec::new(),
            primary_key: Vec::new(),
            primary_key_name: None,
            uniques: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            exclusions,
            strict: false,
            without_rowid: false,
            origin: Origin::default(),
        }
    }

    fn x(name: &str, def: &str) -> Exclusion {
        exclusion_from_sql(name, def).unwrap()
    }

    #[test]
    fn spelling_differences_are_no_difference() {
        let written = table(vec![x(
            "r_expr_during_excl",
            "EXCLUDE USING GIST ((room+1) WITH =, during range_ops WITH &&) WHERE (room > 3)",
        )]);
        let catalog = table(vec![x(
            "r_expr_during_excl",
            "EXCLUDE USING gist (((room + 1)) WITH OPERATOR(pg_catalog.=), during WITH &&) \
             WHERE ((room > 3))",
        )]);
        let mut out = Vec::new();
        diff_exclusions(&written, &catalog, &mut out);
        assert_eq!(out, []);
    }

    #[test]
    fn another_operator_key_or_name_is_a_difference() {
        let expected = table(vec![
            x("a", "EXCLUDE USING gist (during WITH &&)"),
            x("b", "EXCLUDE USING gist (room WITH =)"),
        ]);
        let actual = table(vec![
            x("a", "EXCLUDE USING gist (during WITH =)"),
            x("c", "EXCLUDE USING gist (other WITH =)"),
        ]);
        let mut out = Vec::new();
        diff_exclusions(&expected, &actual, &mut out);
        let shown: Vec<String> = out.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "table r: exclusion a is EXCLUDE USING gist (during WITH =), the migrations give \
                 EXCLUDE USING gist (during WITH &&)",
                "table r: exclusion b EXCLUDE USING gist (room WITH =) is missing",
                "table r: exclusion c EXCLUDE USING gist (other WITH =) exists but no \
                 migration adds it",
            ]
        );
    }
}
