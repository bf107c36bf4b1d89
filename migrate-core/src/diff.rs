//! Schema vs schema: what differs, column by column. Written once; the differential tests use
//! it now and `verify` will.

mod constraints;
mod display;
mod exclusions;
mod normalize;
mod objects;
mod repair;
mod repair_columns;
mod repair_constraints;
mod review;
#[cfg(test)]
mod review_tests;
mod shape;

use crate::Dialect;
use crate::schema::{Column, Schema, Table};

pub use constraints::target;
pub use normalize::{normalize_default, same_type};
pub use repair::{Repair, repair};
pub use review::{origin, review};

/// One difference between the expected schema (the migrations') and the actual one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Difference {
    MissingTable {
        table: String,
    },
    ExtraTable {
        table: String,
    },
    MissingColumn {
        table: String,
        column: String,
    },
    ExtraColumn {
        table: String,
        column: String,
    },
    ColumnOrder {
        table: String,
        expected: Vec<String>,
        actual: Vec<String>,
    },
    Type {
        table: String,
        column: String,
        expected: String,
        actual: String,
    },
    Nullability {
        table: String,
        column: String,
        expected_not_null: bool,
    },
    Default {
        table: String,
        column: String,
        expected: Option<String>,
        actual: Option<String>,
    },
    PrimaryKey {
        table: String,
        expected: Vec<String>,
        actual: Vec<String>,
    },
    MissingEnum {
        name: String,
    },
    ExtraEnum {
        name: String,
    },
    EnumLabels {
        name: String,
        expected: Vec<String>,
        actual: Vec<String>,
    },
    MissingIndex {
        name: String,
    },
    ExtraIndex {
        name: String,
    },
    MissingUnique {
        table: String,
        columns: Vec<String>,
    },
    ExtraUnique {
        table: String,
        columns: Vec<String>,
        name: Option<String>,
    },
    MissingForeignKey {
        table: String,
        columns: Vec<String>,
        /// `users (id) ON DELETE CASCADE`.
        references: String,
    },
    ExtraForeignKey {
        table: String,
        columns: Vec<String>,
        references: String,
        name: Option<String>,
    },
    MissingCheck {
        table: String,
        name: Option<String>,
        expr: String,
    },
    ExtraCheck {
        table: String,
        name: Option<String>,
        expr: String,
    },
    MissingView {
        name: String,
    },
    ExtraView {
        name: String,
    },
    /// The view's columns (by name, in order) differ.
    ViewColumns {
        name: String,
        expected: Vec<String>,
        actual: Vec<String>,
    },
    MissingDomain {
        name: String,
    },
    ExtraDomain {
        name: String,
    },
    /// The domain's base type or nullability differs (`text NOT NULL`).
    DomainType {
        name: String,
        expected: String,
        actual: String,
    },
    /// The index's definition differs: its keys (expressions, order, operator classes,
    /// collations), `INCLUDE` columns, uniqueness, method or predicate.
    IndexShape {
        name: String,
        /// `UNIQUE USING btree (email DESC) WHERE (…)`.
        expected: String,
        actual: String,
    },
    /// `GENERATED ALWAYS | BY DEFAULT AS IDENTITY`, or none (`None`).
    Identity {
        table: String,
        column: String,
        expected: Option<String>,
        actual: Option<String>,
    },
    /// `GENERATED ALWAYS AS (…) STORED`, or not generated (`None`).
    Generated {
        table: String,
        column: String,
        expected: Option<String>,
        actual: Option<String>,
    },
    /// Whether a sequence (a serial's) is owned by the column.
    SequenceOwner {
        table: String,
        column: String,
        expected_owned: bool,
    },
    /// A `CHECK (col IN (…))` allows other values.
    CheckValues {
        table: String,
        name: Option<String>,
        column: String,
        expected: Vec<String>,
        actual: Vec<String>,
    },
    /// An `EXCLUDE` constraint the migrations add (`definition` without its name:
    /// `EXCLUDE USING gist (room WITH =, during WITH &&)`).
    MissingExclusion {
        table: String,
        name: Option<String>,
        definition: String,
    },
    ExtraExclusion {
        table: String,
        name: Option<String>,
        definition: String,
    },
    /// The `EXCLUDE` constraint of this name excludes something else.
    ExclusionShape {
        table: String,
        name: String,
        expected: String,
        actual: String,
    },
}

/// Every difference between `expected` and `actual`.
pub fn diff(expected: &Schema, actual: &Schema) -> Vec<Difference> {
    let dialect = expected.dialect;
    let mut out = Vec::new();
    for table in &expected.tables {
        match actual.table(&table.name) {
            None => out.push(Difference::MissingTable {
                table: table.name.to_string(),
            }),
            Some(found) => {
                diff_table(dialect, table, found, &mut out);
                constraints::diff_constraints(expected, actual, table, found, &mut out);
                exclusions::diff_exclusions(table, found, &mut out);
            }
        }
    }
    for table in &actual.tables {
        if expected.table(&table.name).is_none() {
            out.push(Difference::ExtraTable {
                table: table.name.to_string(),
            });
        }
    }
    for e in &expected.enums {
        match actual.enum_type(&e.name) {
            None => out.push(Difference::MissingEnum {
                name: e.name.to_string(),
            }),
            Some(found) => {
                let labels = |t: &crate::schema::EnumType| {
                    t.labels.iter().map(|l| l.name.clone()).collect::<Vec<_>>()
                };
                if labels(e) != labels(found) {
                    out.push(Difference::EnumLabels {
                        name: e.name.to_string(),
                        expected: labels(e),
                        actual: labels(found),
                    });
                }
            }
        }
    }
    for e in &actual.enums {
        if expected.enum_type(&e.name).is_none() {
            out.push(Difference::ExtraEnum {
                name: e.name.to_string(),
            });
        }
    }
    objects::diff_views_and_domains(expected, actual, &mut out);
    shape::diff_indexes(expected, actual, &mut out);
    out
}

fn diff_table(dialect: Dialect, expected: &Table, actual: &Table, out: &mut Vec<Difference>) {
    let table = expected.name.to_string();
    for column in &expected.columns {
        match actual.column(dialect, &column.name) {
            None => out.push(Difference::MissingColumn {
                table: table.clone(),
                column: column.name.clone(),
            }),
            Some(found) => diff_column(dialect, &table, column, found, out),
        }
    }
    for column in &actual.columns {
        if expected.column(dialect, &column.name).is_none() {
            out.push(Difference::ExtraColumn {
                table: table.clone(),
                column: column.name.clone(),
            });
        }
    }
    let order = |t: &Table, other: &Table| -> Vec<String> {
        t.columns
            .iter()
            .filter(|c| other.column(dialect, &c.name).is_some())
            .map(|c| c.name.to_lowercase())
            .collect()
    };
    let (e, a) = (order(expected, actual), order(actual, expected));
    if e != a {
        out.push(Difference::ColumnOrder {
            table: table.clone(),
            expected: e,
            actual: a,
        });
    }
    let lower = |v: &[String]| {
        v.iter()
            .map(|s| {
                if dialect == Dialect::Postgres {
                    s.clone()
                } else {
                    s.to_lowercase()
                }
            })
            .collect::<Vec<_>>()
    };
    if lower(&expected.primary_key) != lower(&actual.primary_key) {
        out.push(Difference::PrimaryKey {
            table,
            expected: expected.primary_key.clone(),
            actual: actual.primary_key.clone(),
        });
    }
}

fn diff_column(
    dialect: Dialect,
    table: &str,
    expected: &Column,
    actual: &Column,
    out: &mut Vec<Difference>,
) {
    let column = expected.name.clone();
    if !same_type(dialect, &expected.sql_type, &actual.sql_type) {
        out.push(Difference::Type {
            table: table.to_owned(),
            column: column.clone(),
            expected: expected.sql_type.clone(),
            actual: actual.sql_type.clone(),
        });
    }
    if expected.not_null != actual.not_null {
        out.push(Difference::Nullability {
            table: table.to_owned(),
            column: column.clone(),
            expected_not_null: expected.not_null,
        });
    }
    // `DEFAULT NULL` is no default (PostgreSQL keeps `NULL::character varying` where the
    // NULL needs a cast, and nothing otherwise).
    let stored = |c: &Column| {
        c.default
            .as_deref()
            .map(normalize_default)
            .filter(|d| d != "null")
    };
    let (e, a) = (stored(expected), stored(actual));
    if e != a && !(expected.identity.is_some() && actual.identity.is_some()) {
        out.push(Difference::Default {
            table: table.to_owned(),
            column,
            expected: expected.default.clone(),
            actual: actual.default.clone(),
        });
    }
    shape::diff_column_kind(dialect, table, expected, actual, out);
}
