//! A difference as a line of a review: what is wrong, in terms of the table (or type) it is
//! on, and which migration line defines what the database should have.
//!
//! `table users: column avatar_url is missing (added by migrations/20240104_add_avatar_url.sql:1)`

use super::Difference;
use crate::schema::{Column, EnumType, Exclusion, ForeignKey, Index, Origin, Schema, Table};

/// The review line of `d`; `expected` is the schema the migrations give.
pub fn review(d: &Difference, expected: &Schema) -> String {
    let at = |o: Option<&Origin>, verb: &str| match o {
        Some(o) if !o.path.is_empty() => format!(" ({verb}{o})"),
        _ => String::new(),
    };
    match d {
        Difference::MissingTable { table } => {
            let o = find_table(expected, table).map(|t| &t.origin);
            format!("table {table} is missing{}", at(o, "created by "))
        }
        Difference::ExtraTable { table } => {
            let gone = expected
                .dropped
                .iter()
                .rev()
                .find(|x| x.name.to_string() == *table);
            match gone {
                Some(x) => format!(
                    "table {table} exists but the migrations removed it ({} by {})",
                    x.how, x.origin
                ),
                None => format!("table {table} exists but no migration creates it"),
            }
        }
        Difference::MissingColumn { table, column } => {
            let o = find_column(expected, table, column).map(|c| &c.origin);
            format!(
                "table {table}: column {column} is missing{}",
                at(o, "added by ")
            )
        }
        Difference::ExtraColumn { table, column } => {
            format!("table {table}: column {column} exists but no migration adds it")
        }
        Difference::ColumnOrder {
            table,
            expected: e,
            actual,
        } => format!(
            "table {table}: columns are in another order: ({}), the migrations give ({})",
            actual.join(", "),
            e.join(", ")
        ),
        Difference::Type {
            table,
            column,
            expected: e,
            actual,
        } => {
            let o = find_column(expected, table, column).map(|c| &c.origin);
            format!(
                "table {table}: column {column} has type {actual}, the migrations give {e}{}",
                at(o, "")
            )
        }
        Difference::Nullability {
            table,
            column,
            expected_not_null,
        } => {
            let o = find_column(expected, table, column).map(|c| &c.origin);
            let what = if *expected_not_null {
                "allows NULL, the migrations make it NOT NULL"
            } else {
                "is NOT NULL, the migrations allow NULL"
            };
            format!("table {table}: column {column} {what}{}", at(o, ""))
        }
        Difference::Default {
            table,
            column,
            expected: e,
            actual,
        } => {
            let o = find_column(expected, table, column).map(|c| &c.origin);
            format!(
                "table {table}: column {column} has default {}, the migrations give {}{}",
                actual.as_deref().unwrap_or("none"),
                e.as_deref().unwrap_or("none"),
                at(o, "")
            )
        }
        Difference::PrimaryKey {
            table,
            expected: e,
            actual,
        } => {
            let o = find_table(expected, table).map(|t| &t.origin);
            format!(
                "table {table}: primary key is ({}), the migrations give ({}){}",
                actual.join(", "),
                e.join(", "),
                at(o, "")
            )
        }
        Difference::MissingEnum { name } => {
            let o = find_enum(expected, name).map(|e| &e.origin);
            format!("enum type {name} is missing{}", at(o, "created by "))
        }
        Difference::ExtraEnum { name } => {
            format!("enum type {name} exists but no migration creates it")
        }
        Difference::EnumLabels {
            name,
            expected: e,
            actual,
        } => {
            let mut parts = Vec::new();
            for label in actual.iter().filter(|l| !e.contains(l)) {
                parts.push(format!("label '{label}' exists but no migration adds it"));
            }
            for label in e.iter().filter(|l| !actual.contains(l)) {
                let o = find_enum(expected, name)
                    .and_then(|t| t.labels.iter().find(|x| x.name == *label))
                    .map(|x| &x.origin);
                parts.push(format!("label '{label}' is missing{}", at(o, "added by ")));
            }
            if parts.is_empty() {
                parts.push(format!(
                    "labels are in another order: ({}), the migrations give ({})",
                    actual.join(", "),
                    e.join(", ")
                ));
            }
            format!("enum type {name}: {}", parts.join("; "))
        }
        Difference::MissingIndex { name } => {
            let index = find_index(expected, name);
            let on = index
                .map(|i| format!(" on {}", i.table))
                .unwrap_or_default();
            format!(
                "index {name}{on} is missing{}",
                at(index.map(|i| &i.origin), "created by ")
            )
        }
        Difference::ExtraIndex { name } => {
            format!("index {name} exists but no migration creates it")
        }
        Difference::MissingUnique { .. }
        | Difference::MissingForeignKey { .. }
        | Difference::MissingCheck { .. }
        | Difference::MissingExclusion { .. } => {
            format!("{d}{}", at(origin(d, expected), "added by "))
        }
        Difference::CheckValues { .. }
        | Difference::ViewColumns { .. }
        | Difference::DomainType { .. }
        | Difference::IndexShape { .. }
        | Difference::ExclusionShape { .. } => format!("{d}{}", at(origin(d, expected), "")),
        Difference::Identity { table, column, .. }
        | Difference::Generated { table, column, .. }
        | Difference::SequenceOwner { table, column, .. } => {
            // `column users.id is …` -> `table users: column id is …`.
            let text = d.to_string();
            let rest = text
                .strip_prefix(&format!("column {table}.{column}"))
                .unwrap_or(&text);
            format!(
                "table {table}: column {column}{rest}{}",
                at(origin(d, expected), "")
            )
        }
        Difference::MissingView { .. } | Difference::MissingDomain { .. } => {
            format!("{d}{}", at(origin(d, expected), "created by "))
        }
        Difference::ExtraView { .. } | Difference::ExtraDomain { .. } => d.to_string(),
        Difference::ExtraUnique { .. }
        | Difference::ExtraForeignKey { .. }
        | Difference::ExtraCheck { .. }
        | Difference::ExtraExclusion { .. } => d.to_string(),
    }
}

/// Where the migrations define what `d` is about, when they do.
pub fn origin<'a>(d: &Difference, expected: &'a Schema) -> Option<&'a Origin> {
    let o = match d {
        Difference::MissingTable { table }
        | Difference::ColumnOrder { table, .. }
        | Difference::PrimaryKey { table, .. } => find_table(expected, table).map(|t| &t.origin),
        Difference::MissingColumn { table, column }
        | Difference::Type { table, column, .. }
        | Difference::Nullability { table, column, .. }
        | Difference::Default { table, column, .. }
        | Difference::Identity { table, column, .. }
        | Difference::Generated { table, column, .. }
        | Difference::SequenceOwner { table, column, .. } => {
            find_column(expected, table, column).map(|c| &c.origin)
        }
        Difference::MissingEnum { name } | Difference::EnumLabels { name, .. } => {
            find_enum(expected, name).map(|e| &e.origin)
        }
        Difference::MissingIndex { name } | Difference::IndexShape { name, .. } => {
            find_index(expected, name).map(|i| &i.origin)
        }
        Difference::MissingUnique { table, columns } => find_table(expected, table)
            .and_then(|t| t.uniques.iter().find(|u| u.columns == *columns))
            .map(|u| &u.origin),
        Difference::MissingForeignKey {
            table,
            columns,
            references,
        } => find_foreign_key(expected, table, columns, references).map(|f| &f.origin),
        Difference::MissingCheck { table, name, expr } => find_table(expected, table)
            .and_then(|t| t.checks.iter().find(|c| c.expr == *expr && c.name == *name))
            .map(|c| &c.origin),
        Difference::CheckValues { table, column, .. } => find_table(expected, table)
            .and_then(|t| {
                t.checks
                    .iter()
                    .find(|c| c.in_list.as_ref().is_some_and(|(col, _)| col == column))
            })
            .map(|c| &c.origin),
        Difference::MissingView { name } | Difference::ViewColumns { name, .. } => expected
            .views
            .iter()
            .find(|v| v.name.to_string() == *name)
            .map(|v| &v.origin),
        Difference::MissingDomain { name } | Difference::DomainType { name, .. } => expected
            .domains
            .iter()
            .find(|x| x.name.to_string() == *name)
            .map(|x| &x.origin),
        Difference::MissingExclusion {
            table,
            name,
            definition,
        } => find_exclusion(expected, table, name.as_deref(), definition).map(|x| &x.origin),
        Difference::ExclusionShape { table, name, .. } => {
            find_exclusion(expected, table, Some(name), "").map(|x| &x.origin)
        }
        Difference::ExtraView { .. } | Difference::ExtraDomain { .. } => None,
        Difference::ExtraTable { .. }
        | Difference::ExtraColumn { .. }
        | Difference::ExtraEnum { .. }
        | Difference::ExtraIndex { .. }
        | Difference::ExtraUnique { .. }
        | Difference::ExtraForeignKey { .. }
        | Difference::ExtraCheck { .. }
        | Difference::ExtraExclusion { .. } => None,
    };
    o.filter(|o| !o.path.is_empty())
}

/// The table a difference names (as [`crate::schema::Name`] displays it).
pub fn find_table<'a>(schema: &'a Schema, shown: &str) -> Option<&'a Table> {
    schema.tables.iter().find(|t| t.name.to_string() == shown)
}

pub fn find_column<'a>(schema: &'a Schema, table: &str, column: &str) -> Option<&'a Column> {
    find_table(schema, table)?.column(schema.dialect, column)
}

pub fn find_enum<'a>(schema: &'a Schema, shown: &str) -> Option<&'a EnumType> {
    schema.enums.iter().find(|e| e.name.to_string() == shown)
}

pub fn find_index<'a>(schema: &'a Schema, shown: &str) -> Option<&'a Index> {
    // MySQL's are shown `name on table` (an index is named within its table).
    schema.indexes.iter().find(|i| {
        i.name.to_string() == shown
            || (schema.dialect == crate::Dialect::Mysql
                && format!("{} on {}", i.name, i.table) == shown)
    })
}

/// The exclusion constraint of `table` named `name`, or (unnamed) defined as `definition`
/// (as [`super::exclusions::describe`] shows it).
pub fn find_exclusion<'a>(
    schema: &'a Schema,
    table: &str,
    name: Option<&str>,
    definition: &str,
) -> Option<&'a Exclusion> {
    find_table(schema, table)?
        .exclusions
        .iter()
        .find(|x| match name {
            Some(name) => x.name.as_deref() == Some(name),
            None => super::exclusions::describe(x) == definition,
        })
}

/// The foreign key of `table` on `columns` that refers to `references` (as
/// [`super::target`] shows it).
pub fn find_foreign_key<'a>(
    schema: &'a Schema,
    table: &str,
    columns: &[String],
    references: &str,
) -> Option<&'a ForeignKey> {
    find_table(schema, table)?
        .foreign_keys
        .iter()
        .find(|f| f.columns == columns && super::target(f, schema) == references)
}
