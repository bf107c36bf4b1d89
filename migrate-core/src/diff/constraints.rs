//! UNIQUE, FOREIGN KEY and CHECK constraints of one table, expected vs actual.
//!
//! Unique constraints and foreign keys match by what they constrain (columns, referenced
//! table and columns, actions), whatever their names. Checks match by name, then by the
//! column of an `IN (…)` list, then by their expression with spelling differences removed;
//! a matched `IN (…)` check compares its values. PostgreSQL stores a check's expression
//! rewritten (`IN` becomes `= ANY (ARRAY[…])`, `BETWEEN` two comparisons), so on PostgreSQL
//! other checks matched by name are not compared further.

use super::Difference;
use super::normalize::expression_key;
use crate::Dialect;
use crate::schema::{Check, ForeignKey, Schema, Table};

pub(super) fn diff_constraints(
    expected_schema: &Schema,
    actual_schema: &Schema,
    expected: &Table,
    actual: &Table,
    out: &mut Vec<Difference>,
) {
    let d = expected_schema.dialect;
    let table = expected.name.to_string();
    let fold = |cols: &[String]| -> Vec<String> {
        cols.iter()
            .map(|c| {
                if d == Dialect::Postgres {
                    c.clone()
                } else {
                    c.to_lowercase()
                }
            })
            .collect()
    };

    let mut unmatched: Vec<usize> = (0..actual.uniques.len()).collect();
    for u in &expected.uniques {
        match unmatched
            .iter()
            .position(|&i| fold(&actual.uniques[i].columns) == fold(&u.columns))
        {
            Some(at) => {
                unmatched.remove(at);
            }
            None => out.push(Difference::MissingUnique {
                table: table.clone(),
                columns: u.columns.clone(),
            }),
        }
    }
    for i in unmatched {
        out.push(Difference::ExtraUnique {
            table: table.clone(),
            columns: actual.uniques[i].columns.clone(),
            name: actual.uniques[i].name.clone(),
        });
    }

    // A reference without columns to a table the migrations do not create (made by a skipped
    // statement, or by another tool: Supabase's `auth.users`) cannot be resolved to its key:
    // it matches whatever columns the database resolved it to.
    let fold_text = |t: String| {
        if d == Dialect::Postgres {
            t
        } else {
            t.to_lowercase()
        }
    };
    let same_fk = |e: &ForeignKey, a: &ForeignKey| {
        if fold(&e.columns) != fold(&a.columns) {
            return false;
        }
        let unresolved = e.referred_in(expected_schema).is_empty();
        if !unresolved {
            return fold_text(target(e, expected_schema)) == fold_text(target(a, actual_schema));
        }
        let same_table = if d == Dialect::Postgres {
            e.foreign_table == a.foreign_table
        } else {
            e.foreign_table
                .name
                .eq_ignore_ascii_case(&a.foreign_table.name)
        };
        same_table && e.on_delete == a.on_delete && e.on_update == a.on_update
    };
    let mut unmatched: Vec<usize> = (0..actual.foreign_keys.len()).collect();
    for fk in &expected.foreign_keys {
        match unmatched
            .iter()
            .position(|&i| same_fk(fk, &actual.foreign_keys[i]))
        {
            Some(at) => {
                unmatched.remove(at);
            }
            None => out.push(Difference::MissingForeignKey {
                table: table.clone(),
                columns: fk.columns.clone(),
                references: target(fk, expected_schema),
            }),
        }
    }
    for i in unmatched {
        let fk = &actual.foreign_keys[i];
        out.push(Difference::ExtraForeignKey {
            table: table.clone(),
            columns: fk.columns.clone(),
            references: target(fk, actual_schema),
            name: fk.name.clone(),
        });
    }

    diff_checks(d, &table, &expected.checks, &actual.checks, out);
}

/// Whether an expected check and an actual one are the same constraint.
type Matcher<'a> = &'a dyn Fn(&Check, &Check) -> bool;

fn diff_checks(
    d: Dialect,
    table: &str,
    expected: &[Check],
    actual: &[Check],
    out: &mut Vec<Difference>,
) {
    let same = |a: &str, b: &str| {
        if d == Dialect::Postgres {
            a == b
        } else {
            a.eq_ignore_ascii_case(b)
        }
    };
    let by_name = |e: &Check, a: &Check| match (&e.name, &a.name) {
        (Some(x), Some(y)) => same(x, y),
        _ => false,
    };
    let by_list = |e: &Check, a: &Check| match (&e.in_list, &a.in_list) {
        (Some((x, _)), Some((y, _))) => same(x, y),
        _ => false,
    };
    let by_text = |e: &Check, a: &Check| expression_key(&e.expr) == expression_key(&a.expr);
    let passes: [Matcher; 3] = [&by_name, &by_list, &by_text];

    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for pass in passes {
        for (ei, e) in expected.iter().enumerate() {
            if pairs.iter().any(|p| p.0 == ei) {
                continue;
            }
            let found = actual
                .iter()
                .enumerate()
                .find(|(ai, a)| !pairs.iter().any(|p| p.1 == *ai) && pass(e, a));
            if let Some((ai, _)) = found {
                pairs.push((ei, ai));
            }
        }
    }
    for (ei, e) in expected.iter().enumerate() {
        let Some(&(_, ai)) = pairs.iter().find(|p| p.0 == ei) else {
            out.push(Difference::MissingCheck {
                table: table.to_owned(),
                name: e.name.clone(),
                expr: e.expr.clone(),
            });
            continue;
        };
        let a = &actual[ai];
        match (&e.in_list, &a.in_list) {
            (Some((column, want)), Some((_, found))) => {
                let sorted = |v: &[String]| {
                    let mut v = v.to_vec();
                    v.sort();
                    v
                };
                if sorted(want) != sorted(found) {
                    out.push(Difference::CheckValues {
                        table: table.to_owned(),
                        name: a.name.clone().or_else(|| e.name.clone()),
                        column: column.clone(),
                        expected: want.clone(),
                        actual: found.clone(),
                    });
                }
            }
            // PostgreSQL rewrites expressions; SQLite keeps them as written.
            _ if d != Dialect::Postgres && expression_key(&e.expr) != expression_key(&a.expr) => {
                out.push(Difference::MissingCheck {
                    table: table.to_owned(),
                    name: e.name.clone(),
                    expr: e.expr.clone(),
                });
                out.push(Difference::ExtraCheck {
                    table: table.to_owned(),
                    name: a.name.clone(),
                    expr: a.expr.clone(),
                });
            }
            _ => {}
        }
    }
    for (ai, a) in actual.iter().enumerate() {
        if !pairs.iter().any(|p| p.1 == ai) {
            out.push(Difference::ExtraCheck {
                table: table.to_owned(),
                name: a.name.clone(),
                expr: a.expr.clone(),
            });
        }
    }
}

/// What a foreign key refers to, as a review shows it: `users (id) ON DELETE CASCADE`.
pub fn target(fk: &ForeignKey, schema: &Schema) -> String {
    let mut out = format!(
        "{} ({})",
        fk.foreign_table,
        fk.referred_in(schema).join(", ")
    );
    if let Some(action) = &fk.on_delete {
        out.push_str(&format!(" ON DELETE {action}"));
    }
    if let Some(action) = &fk.on_update {
        out.push_str(&format!(" ON UPDATE {action}"));
    }
    out
}
