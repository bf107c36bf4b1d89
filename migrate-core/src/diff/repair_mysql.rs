//! Repair steps in MySQL's own syntax where it differs from PostgreSQL's: a column's type,
//! nullability, default and `AUTO_INCREMENT` are restated whole with `MODIFY COLUMN`, an
//! index is dropped `ON` its table, the primary key is replaced in one `ALTER TABLE`, and a
//! column is added (or moved) `AFTER` the one before it, keeping the migrations' order.
//! Everything MySQL spells like PostgreSQL (ADD/DROP COLUMN, CREATE INDEX, constraints) stays
//! with the common steps.

use super::Difference;
use super::review::{find_column, find_index, find_table};
use crate::Dialect;
use crate::schema::{Schema, column_def, create_index, quote_ident, quote_name};

/// SQL (or a TODO) for a MySQL difference that needs MySQL's syntax, and the phase it runs
/// in; `None` when the common step serves (or `d` is not MySQL).
pub(super) fn mysql_sql(
    d: Dialect,
    expected: &Schema,
    actual: &Schema,
    x: &Difference,
) -> Option<(u8, Result<Vec<String>, String>)> {
    if d != Dialect::Mysql {
        return None;
    }
    let table_sql = |shown: &str| {
        find_table(expected, shown)
            .or_else(|| find_table(actual, shown))
            .map_or_else(|| shown.to_owned(), |t| quote_name(d, &t.name))
    };
    let drop_index = |name: &str| {
        find_index(actual, name).map(|i| {
            format!(
                "DROP INDEX {} ON {};",
                quote_ident(d, &i.name.name),
                quote_name(d, &i.table)
            )
        })
    };
    let step = match x {
        Difference::Type { table, column, .. }
        | Difference::Nullability { table, column, .. }
        | Difference::Default { table, column, .. }
        | Difference::Identity { table, column, .. } => {
            // MODIFY restates the whole column, so one statement fixes all of it.
            let sql = find_column(expected, table, column)
                .map(|c| {
                    vec![format!(
                        "ALTER TABLE {} MODIFY COLUMN {};",
                        table_sql(table),
                        column_def(d, c)
                    )]
                })
                .ok_or_else(|| format!("redefine column {table}.{column} by hand"));
            (4, sql)
        }
        Difference::Generated { table, column, .. } => {
            let sql = find_column(expected, table, column)
                .map(|c| {
                    vec![
                        format!(
                            "ALTER TABLE {} DROP COLUMN {};",
                            table_sql(table),
                            quote_ident(d, column)
                        ),
                        format!(
                            "ALTER TABLE {} ADD COLUMN {};",
                            table_sql(table),
                            column_def(d, c)
                        ),
                    ]
                })
                .ok_or_else(|| format!("redefine column {table}.{column} by hand"));
            (4, sql)
        }
        Difference::PrimaryKey {
            table,
            expected: e,
            actual: a,
        } => {
            let mut changes = Vec::new();
            if !a.is_empty() {
                changes.push("DROP PRIMARY KEY".to_owned());
            }
            if !e.is_empty() {
                let cols: Vec<String> = e.iter().map(|c| quote_ident(d, c)).collect();
                changes.push(format!("ADD PRIMARY KEY ({})", cols.join(", ")));
            }
            (
                4,
                Ok(vec![format!(
                    "ALTER TABLE {} {};",
                    table_sql(table),
                    changes.join(", ")
                )]),
            )
        }
        Difference::MissingColumn { table, column } => {
            // In its place (AFTER the column before it), so the order stays the migrations'.
            let found = find_table(expected, table)
                .and_then(|t| Some((t, t.columns.iter().position(|c| c.name == *column)?)));
            let sql = match found {
                Some((t, at)) => Ok(vec![format!(
                    "ALTER TABLE {} ADD COLUMN {}{};",
                    table_sql(table),
                    column_def(d, &t.columns[at]),
                    place(d, &t.columns, at)
                )]),
                None => Err(format!("add column {column} to {table} by hand")),
            };
            (3, sql)
        }
        Difference::ColumnOrder {
            table, expected: e, ..
        } => {
            // Each column restated in turn, after the one the migrations put before it.
            let sql = match find_table(expected, table) {
                Some(t) => Ok(e
                    .iter()
                    .filter_map(|name| t.columns.iter().position(|c| c.name == *name))
                    .map(|at| {
                        format!(
                            "ALTER TABLE {} MODIFY COLUMN {}{};",
                            table_sql(table),
                            column_def(d, &t.columns[at]),
                            place(d, &t.columns, at)
                        )
                    })
                    .collect()),
                None => Err(format!("reorder the columns of {table} by hand")),
            };
            (5, sql)
        }
        Difference::ExtraIndex { name } => (
            1,
            drop_index(name)
                .map(|s| vec![s])
                .ok_or_else(|| format!("drop index {name} by hand")),
        ),
        Difference::IndexShape { name, .. } => (
            8,
            match (find_index(expected, name), drop_index(name)) {
                (Some(want), Some(drop)) => Ok(vec![drop, create_index(d, want)]),
                _ => Err(format!("recreate index {name} by hand")),
            },
        ),
        _ => return None,
    };
    Some(step)
}

/// ` FIRST`, or ` AFTER` the column before `at`.
fn place(d: Dialect, columns: &[crate::schema::Column], at: usize) -> String {
    match at.checked_sub(1) {
        Some(prev) => format!(" AFTER {}", quote_ident(d, &columns[prev].name)),
        None => " FIRST".to_owned(),
    }
}
