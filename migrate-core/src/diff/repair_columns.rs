//! Repair steps for what a column is beyond its type: identity, generation expression and the
//! sequence it owns (PostgreSQL). SQLite changes none of these in place.

use super::Difference;
use super::review::{find_column, find_table};
use crate::Dialect;
use crate::schema::{Schema, column_def, quote_ident, quote_name};

/// Appends the SQL for an identity, generation or sequence-ownership difference to `sql`, or
/// sets `todo` where no safe SQL exists.
pub(super) fn column_kind_sql(
    d: Dialect,
    expected: &Schema,
    actual: &Schema,
    x: &Difference,
    sql: &mut Vec<String>,
    todo: &mut Option<String>,
) {
    let (Difference::Identity { table, column, .. }
    | Difference::Generated { table, column, .. }
    | Difference::SequenceOwner { table, column, .. }) = x
    else {
        return;
    };
    if d != Dialect::Postgres {
        *todo = Some(format!(
            "SQLite cannot change a generated column in place: rebuild table {table} by hand — \
             create it anew under another name with the migrations' definition (`cargo migrate \
             schema`), copy the rows (INSERT INTO … SELECT …), drop the old table and rename the new one"
        ));
        return;
    }
    let t = find_table(expected, table)
        .or_else(|| find_table(actual, table))
        .map_or_else(|| table.clone(), |t| quote_name(d, &t.name));
    let c = quote_ident(d, column);
    let alter = |change: &str| format!("ALTER TABLE {t} ALTER COLUMN {c} {change};");
    match x {
        Difference::Identity {
            expected: e,
            actual: a,
            ..
        } => match (e, a) {
            (Some(kind), None) => sql.push(alter(&format!("ADD GENERATED {kind} AS IDENTITY"))),
            (None, Some(_)) => sql.push(alter("DROP IDENTITY")),
            (Some(kind), Some(_)) => sql.push(alter(&format!("SET GENERATED {kind}"))),
            (None, None) => {}
        },
        Difference::Generated { expected: e, .. } => {
            match (e, find_column(expected, table, column)) {
                (None, _) => sql.push(alter("DROP EXPRESSION")),
                (Some(_), Some(want)) => {
                    sql.push(format!("ALTER TABLE {t} DROP COLUMN {c};"));
                    sql.push(format!(
                        "ALTER TABLE {t} ADD COLUMN {};",
                        column_def(d, want)
                    ));
                }
                (Some(_), None) => {
                    *todo = Some(format!("redefine column {table}.{column} by hand"))
                }
            }
        }
        Difference::SequenceOwner { expected_owned, .. } => {
            let from = if *expected_owned { expected } else { actual };
            let sequence = find_column(from, table, column)
                .and_then(|c| c.default.as_deref())
                .and_then(nextval_sequence);
            match sequence {
                Some(seq) if *expected_owned => {
                    sql.push(format!("ALTER SEQUENCE {seq} OWNED BY {t}.{c};"))
                }
                Some(seq) => sql.push(format!("ALTER SEQUENCE {seq} OWNED BY NONE;")),
                None => {
                    *todo = Some(format!(
                        "find the sequence with SELECT pg_get_serial_sequence('{t}', '{column}') \
                         and ALTER SEQUENCE it OWNED BY {}",
                        if *expected_owned {
                            format!("{t}.{c}")
                        } else {
                            "NONE".to_owned()
                        }
                    ))
                }
            }
        }
        _ => {}
    }
}

/// What a reviewer should know about the step, appended to its comment.
pub(super) fn note(d: Dialect, x: &Difference) -> Option<&'static str> {
    match x {
        Difference::Generated {
            expected: Some(_), ..
        } if d == Dialect::Postgres => Some(
            " (drops and re-adds the column, which moves it last; on PostgreSQL 17+ a column \
             that is already generated keeps its place with ALTER COLUMN … SET EXPRESSION AS (…))",
        ),
        Difference::Identity {
            expected: Some(_),
            actual: None,
            ..
        } => Some(" (the column must have no default: drop it first)"),
        _ => None,
    }
}

/// `nextval('app.users_id_seq'::regclass)` -> `app.users_id_seq`.
fn nextval_sequence(default: &str) -> Option<&str> {
    let start = default.find("nextval('")? + "nextval('".len();
    let len = default[start..].find('\'')?;
    Some(&default[start..start + len])
}
