//! How a difference reads: one line, what differs and what the migrations give.

use std::fmt;

use super::Difference;

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::MissingTable { table } => write!(f, "table {table} is missing"),
            Difference::ExtraTable { table } => {
                write!(f, "table {table} exists but no migration creates it")
            }
            Difference::MissingColumn { table, column } => {
                write!(f, "column {table}.{column} is missing")
            }
            Difference::ExtraColumn { table, column } => {
                write!(f, "column {table}.{column} exists but no migration adds it")
            }
            Difference::ColumnOrder {
                table,
                expected,
                actual,
            } => {
                write!(
                    f,
                    "table {table} has its columns in another order: expected ({}), found ({})",
                    expected.join(", "),
                    actual.join(", ")
                )
            }
            Difference::Type {
                table,
                column,
                expected,
                actual,
            } => {
                write!(
                    f,
                    "column {table}.{column} has type {actual}, the migrations give {expected}"
                )
            }
            Difference::Nullability {
                table,
                column,
                expected_not_null,
            } => {
                if *expected_not_null {
                    write!(
                        f,
                        "column {table}.{column} allows NULL, the migrations make it NOT NULL"
                    )
                } else {
                    write!(
                        f,
                        "column {table}.{column} is NOT NULL, the migrations allow NULL"
                    )
                }
            }
            Difference::Default {
                table,
                column,
                expected,
                actual,
            } => write!(
                f,
                "column {table}.{column} has default {}, the migrations give {}",
                actual.as_deref().unwrap_or("none"),
                expected.as_deref().unwrap_or("none")
            ),
            Difference::PrimaryKey {
                table,
                expected,
                actual,
            } => {
                write!(
                    f,
                    "table {table} has primary key ({}), the migrations give ({})",
                    actual.join(", "),
                    expected.join(", ")
                )
            }
            Difference::MissingEnum { name } => write!(f, "enum type {name} is missing"),
            Difference::ExtraEnum { name } => {
                write!(f, "enum type {name} exists but no migration creates it")
            }
            Difference::EnumLabels {
                name,
                expected,
                actual,
            } => write!(
                f,
                "enum type {name} has labels ({}), the migrations give ({})",
                quote_all(actual),
                quote_all(expected)
            ),
            Difference::MissingIndex { name } => write!(f, "index {name} is missing"),
            Difference::ExtraIndex { name } => {
                write!(f, "index {name} exists but no migration creates it")
            }
            Difference::MissingUnique { table, columns } => {
                write!(
                    f,
                    "table {table}: unique ({}) is missing",
                    columns.join(", ")
                )
            }
            Difference::ExtraUnique { table, columns, .. } => write!(
                f,
                "table {table}: unique ({}) exists but no migration adds it",
                columns.join(", ")
            ),
            Difference::MissingForeignKey {
                table,
                columns,
                references,
            } => write!(
                f,
                "table {table}: foreign key ({}) -> {references} is missing",
                columns.join(", ")
            ),
            Difference::ExtraForeignKey {
                table,
                columns,
                references,
                ..
            } => write!(
                f,
                "table {table}: foreign key ({}) -> {references} exists but no migration adds it",
                columns.join(", ")
            ),
            Difference::MissingCheck { table, name, expr } => {
                write!(
                    f,
                    "table {table}: check {}is missing",
                    check_label(name, expr)
                )
            }
            Difference::ExtraCheck { table, name, expr } => write!(
                f,
                "table {table}: check {}exists but no migration adds it",
                check_label(name, expr)
            ),
            Difference::MissingView { name } => write!(f, "view {name} is missing"),
            Difference::ExtraView { name } => {
                write!(f, "view {name} exists but no migration creates it")
            }
            Difference::ViewColumns {
                name,
                expected,
                actual,
            } => write!(
                f,
                "view {name} has columns ({}), the migrations give ({})",
                actual.join(", "),
                expected.join(", ")
            ),
            Difference::MissingDomain { name } => write!(f, "domain {name} is missing"),
            Difference::ExtraDomain { name } => {
                write!(f, "domain {name} exists but no migration creates it")
            }
            Difference::DomainType {
                name,
                expected,
                actual,
            } => write!(
                f,
                "domain {name} is {actual}, the migrations give {expected}"
            ),
            Difference::IndexShape {
                name,
                expected,
                actual,
            } => write!(
                f,
                "index {name} is {actual}, the migrations give {expected}"
            ),
            Difference::Identity {
                table,
                column,
                expected,
                actual,
            } => {
                let show = |x: &Option<String>| {
                    x.as_ref().map_or("not an identity".to_owned(), |k| {
                        format!("GENERATED {k} AS IDENTITY")
                    })
                };
                write!(
                    f,
                    "column {table}.{column} is {}, the migrations give {}",
                    show(actual),
                    show(expected)
                )
            }
            Difference::Generated {
                table,
                column,
                expected,
                actual,
            } => write!(
                f,
                "column {table}.{column} is {}, the migrations give {}",
                actual.as_deref().unwrap_or("not generated"),
                expected.as_deref().unwrap_or("not generated")
            ),
            Difference::SequenceOwner {
                table,
                column,
                expected_owned,
            } => {
                if *expected_owned {
                    write!(
                        f,
                        "column {table}.{column} owns no sequence, the migrations make it own its serial sequence"
                    )
                } else {
                    write!(
                        f,
                        "column {table}.{column} owns a sequence, the migrations give it none"
                    )
                }
            }
            Difference::CheckValues {
                table,
                column,
                expected,
                actual,
                ..
            } => write!(
                f,
                "table {table}: column {column} may hold ({}), the migrations allow ({})",
                quote_all(actual),
                quote_all(expected)
            ),
            Difference::MissingExclusion {
                table,
                name,
                definition,
            } => write!(
                f,
                "table {table}: exclusion {}{definition} is missing",
                name.as_ref().map(|n| format!("{n} ")).unwrap_or_default()
            ),
            Difference::ExtraExclusion {
                table,
                name,
                definition,
            } => write!(
                f,
                "table {table}: exclusion {}{definition} exists but no migration adds it",
                name.as_ref().map(|n| format!("{n} ")).unwrap_or_default()
            ),
            Difference::ExclusionShape {
                table,
                name,
                expected,
                actual,
            } => write!(
                f,
                "table {table}: exclusion {name} is {actual}, the migrations give {expected}"
            ),
        }
    }
}

/// `tasks_check (price > 0) ` or `(price > 0) `.
fn check_label(name: &Option<String>, expr: &str) -> String {
    match name {
        Some(name) => format!("{name} ({expr}) "),
        None => format!("({expr}) "),
    }
}

fn quote_all(v: &[String]) -> String {
    v.iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ")
}
