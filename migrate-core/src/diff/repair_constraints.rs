//! Repair steps for constraints: PostgreSQL and MySQL add and drop them in place; SQLite
//! cannot, so its steps say how to rebuild the table.

use super::Difference;
use super::review::{find_exclusion, find_foreign_key, find_table};
use crate::Dialect;
use crate::schema::{
    Schema, check_def, exclusion_def, foreign_key_def, quote_ident, quote_name, unique_def,
};

/// SQL (or a TODO) for a constraint difference, and the phase it runs in; `None` when `x` is
/// not about a constraint.
pub(super) fn constraint_sql(
    d: Dialect,
    expected: &Schema,
    actual: &Schema,
    x: &Difference,
) -> Option<(u8, Result<Vec<String>, String>)> {
    let (table, phase) = match x {
        Difference::ExtraUnique { table, .. }
        | Difference::ExtraForeignKey { table, .. }
        | Difference::ExtraCheck { table, .. }
        | Difference::ExtraExclusion { table, .. } => (table, 1),
        Difference::MissingUnique { table, .. }
        | Difference::MissingForeignKey { table, .. }
        | Difference::MissingCheck { table, .. }
        | Difference::CheckValues { table, .. }
        | Difference::MissingExclusion { table, .. }
        | Difference::ExclusionShape { table, .. } => (table, 9),
        _ => return None,
    };
    if d == Dialect::Sqlite {
        return Some((
            phase,
            Err(format!(
                "SQLite cannot add or drop a constraint in place: rebuild table {table} by hand — \
                 create it anew under another name with the migrations' definition (`cargo migrate \
                 schema`), copy the rows (INSERT INTO … SELECT …), drop the old table and rename \
                 the new one"
            )),
        ));
    }
    let alter = format!(
        "ALTER TABLE {}",
        find_table(expected, table)
            .or_else(|| find_table(actual, table))
            .map_or_else(|| table.clone(), |t| quote_name(d, &t.name))
    );
    // MySQL drops a foreign key by its own verb, and a unique constraint as the index it is.
    let drop = |name: &Option<String>, what: &str| match name {
        Some(name) if d == Dialect::Mysql && what == "the foreign key" => Ok(format!(
            "{alter} DROP FOREIGN KEY {};",
            quote_ident(d, name)
        )),
        Some(name) if d == Dialect::Mysql && what == "the unique constraint" => {
            Ok(format!("{alter} DROP INDEX {};", quote_ident(d, name)))
        }
        Some(name) => Ok(format!("{alter} DROP CONSTRAINT {};", quote_ident(d, name))),
        None => Err(format!(
            "drop {what} of {table} by hand (`\\d {table}` names it)"
        )),
    };
    let sql = match x {
        Difference::ExtraUnique { name, .. } => {
            drop(name, "the unique constraint").map(|s| vec![s])
        }
        Difference::ExtraForeignKey { name, .. } => drop(name, "the foreign key").map(|s| vec![s]),
        Difference::ExtraCheck { name, .. } => drop(name, "the check").map(|s| vec![s]),
        Difference::ExtraExclusion { name, .. } => {
            drop(name, "the exclusion constraint").map(|s| vec![s])
        }
        Difference::MissingExclusion {
            name, definition, ..
        } => find_exclusion(expected, table, name.as_deref(), definition)
            .map(|x| vec![format!("{alter} ADD {};", exclusion_def(d, x))])
            .ok_or_else(|| format!("add the exclusion constraint of {table} by hand")),
        Difference::ExclusionShape { name, .. } => {
            match find_exclusion(expected, table, Some(name), "") {
                Some(x) => Ok(vec![
                    format!("{alter} DROP CONSTRAINT {};", quote_ident(d, name)),
                    format!("{alter} ADD {};", exclusion_def(d, x)),
                ]),
                None => Err(format!(
                    "replace the exclusion constraint {name} of {table} by hand"
                )),
            }
        }
        Difference::MissingUnique { columns, .. } => find_table(expected, table)
            .and_then(|t| t.uniques.iter().find(|u| u.columns == *columns))
            .map(|u| vec![format!("{alter} ADD {};", unique_def(d, u))])
            .ok_or_else(|| format!("add the unique constraint of {table} by hand")),
        Difference::MissingForeignKey {
            columns,
            references,
            ..
        } => find_foreign_key(expected, table, columns, references)
            .map(|f| vec![format!("{alter} ADD {};", foreign_key_def(d, f))])
            .ok_or_else(|| format!("add the foreign key of {table} by hand")),
        Difference::MissingCheck { name, expr, .. } => find_table(expected, table)
            .and_then(|t| t.checks.iter().find(|c| c.expr == *expr && c.name == *name))
            .map(|c| vec![format!("{alter} ADD {};", check_def(d, c))])
            .ok_or_else(|| format!("add the check of {table} by hand")),
        Difference::CheckValues { name, column, .. } => {
            let check = find_table(expected, table).and_then(|t| {
                t.checks
                    .iter()
                    .find(|c| c.in_list.as_ref().is_some_and(|(col, _)| col == column))
            });
            match (check, drop(name, "the check")) {
                (Some(c), Ok(drop)) => Ok(vec![drop, format!("{alter} ADD {};", check_def(d, c))]),
                (_, Err(todo)) => Err(todo),
                (None, _) => Err(format!("replace the check on {table}.{column} by hand")),
            }
        }
        _ => return None,
    };
    Some((phase, sql))
}
