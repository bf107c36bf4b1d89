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
mod repair_mysql;
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
    /// A table the migrations create is missing.
    MissingTable {
        /// The table, schema-qualified outside the default schema.
        table: String,
    },
    /// A table exists that no migration creates.
    ExtraTable {
        /// The table, schema-qualified outside the default schema.
        table: String,
    },
    /// A column the migrations add is missing.
    MissingColumn {
        /// The table, schema-qualified outside the default schema.
        table: String,
        /// The column.
        column: String,
    },
    /// A column exists that no migration adds.
    ExtraColumn {
        /// The table, schema-qualified outside the default schema.
        table: String,
        /// The column.
        column: String,
    },
    /// The table's columns are in another order.
    ColumnOrder {
        /// The table, schema-qualified outside the default schema.
        table: String,
        /// What the migrations give.
        expected: Vec<String>,
        /// What the database has.
        actual: Vec<String>,
    },
    /// A column has another type.
    Type {
        /// The table, schema-qualified outside the default schema.
        table: String,
        /// The column.
        column: String,
        /// What the migrations give.
        expected: String,
        /// What the database has.
        actual: String,
    },
    /// A column's nullability differs.
    Nullability {
        /// The table, schema-qualified outside the default schema.
        table: String,
        /// The column.
        column: String,
        /// Whether the migrations make the column `NOT NULL`.
        expected_not_null: bool,
    },
    /// A column's default differs.
    Default {
        /// The table, schema-qualified outside the default schema.
        table: String,
        /// The column.
        column: String,
        /// What the migrations give.
        expected: Option<String>,
        /// What the database has.
        actual: Option<String>,
    },
    /// The primary key differs.
    PrimaryKey {
        /// The table, schema-qualified outside the default schema.
        table: String,
        /// What the migrations give.
        expected: Vec<String>,
        /// What the database has.
        actual: Vec<String>,
    },
    /// An enum type the migrations create is missing.
    MissingEnum {
        /// The object's name, schema-qualified outside the default schema (for a constraint: its name, when it has one).
        name: String,
    },
    /// An enum type exists that no migration creates.
    ExtraEnum {
        /// The object's name, schema-qualified outside the default schema (for a constraint: its name, when it has one).
        name: String,
    },
    /// An enum type's labels differ.
    EnumLabels {
        /// The object's name, schema-qualified outside the default schema (for a constraint: its name, when it has one).
        name: String,
        /// What the migrations give.
        expected: Vec<String>,
        /// What the database has.
        actual: Vec<String>,
    },
    /// An index the migrations create is missing.
    MissingIndex {
        /// The object's name, schema-qualified outside the default schema (for a constraint: its name, when it has one).
        name: String,
    },
    /// An index exists that no migration creates.
    ExtraIndex {
        /// The object's name, schema-qualified outside the default schema (for a constraint: its name, when it has one).
        name: String,
    },
    /// A unique constraint the migrations add is missing.
    MissingUnique {
        /// The table, schema-qualified outside the default schema.
        table: String,
        /// The constrained columns, in order.
        columns: Vec<String>,
    },
    /// A unique constraint exists that no migration adds.
    ExtraUnique {
        /// The table, schema-qualified outside the default schema.
        table: String,
        /// The constrained columns, in order.
        columns: Vec<String>,
        /// The object's name, schema-qualified outside the default schema (for a constraint: its name, when it has one).
        name: Option<String>,
    },
    /// A foreign key the migrations add is missing.
    MissingForeignKey {
        /// The table, schema-qualified outside the default schema.
        table: String,
        /// The constrained columns, in order.
        columns: Vec<String>,
        /// `users (id) ON DELETE CASCADE`.
        references: String,
    },
    /// A foreign key exists that no migration adds.
    ExtraForeignKey {
        /// The table, schema-qualified outside the default schema.
        table: String,
        /// The constrained columns, in order.
        columns: Vec<String>,
        /// The referenced table and columns, with the actions (`users (id) ON DELETE CASCADE`).
        references: String,
        /// The object's name, schema-qualified outside the default schema (for a constraint: its name, when it has one).
        name: Option<String>,
    },
    /// A check constraint the migrations add is missing.
    MissingCheck {
        /// The table, schema-qualified outside the default schema.
        table: String,
        /// The object's name, schema-qualified outside the default schema (for a constraint: its name, when it has one).
        name: Option<String>,
        /// The check's expression.
        expr: String,
    },
    /// A check constraint exists that no migration adds.
    ExtraCheck {
        /// The table, schema-qualified outside the default schema.
        table: String,
        /// The object's name, schema-qualified outside the default schema (for a constraint: its name, when it has one).
        name: Option<String>,
        /// The check's expression.
        expr: String,
    },
    /// A view the migrations create is missing.
    MissingView {
        /// The object's name, schema-qualified outside the default schema (for a constraint: its name, when it has one).
        name: String,
    },
    /// A view exists that no migration creates.
    ExtraView {
        /// The object's name, schema-qualified outside the default schema (for a constraint: its name, when it has one).
        name: String,
    },
    /// The view's columns (by name, in order) differ.
    ViewColumns {
        /// The object's name, schema-qualified outside the default schema (for a constraint: its name, when it has one).
        name: String,
        /// What the migrations give.
        expected: Vec<String>,
        /// What the database has.
        actual: Vec<String>,
    },
    /// A domain the migrations create is missing.
    MissingDomain {
        /// The object's name, schema-qualified outside the default schema (for a constraint: its name, when it has one).
        name: String,
    },
    /// A domain exists that no migration creates.
    ExtraDomain {
        /// The object's name, schema-qualified outside the default schema (for a constraint: its name, when it has one).
        name: String,
    },
    /// The domain's base type or nullability differs (`text NOT NULL`).
    DomainType {
        /// The object's name, schema-qualified outside the default schema (for a constraint: its name, when it has one).
        name: String,
        /// What the migrations give.
        expected: String,
        /// What the database has.
        actual: String,
    },
    /// The index's definition differs: its keys (expressions, order, operator classes,
    /// collations), `INCLUDE` columns, uniqueness, method or predicate.
    IndexShape {
        /// The object's name, schema-qualified outside the default schema (for a constraint: its name, when it has one).
        name: String,
        /// `UNIQUE USING btree (email DESC) WHERE (…)`.
        expected: String,
        /// What the database has.
        actual: String,
    },
    /// `GENERATED ALWAYS | BY DEFAULT AS IDENTITY`, or none (`None`).
    Identity {
        /// The table, schema-qualified outside the default schema.
        table: String,
        /// The column.
        column: String,
        /// What the migrations give.
        expected: Option<String>,
        /// What the database has.
        actual: Option<String>,
    },
    /// `GENERATED ALWAYS AS (…) STORED`, or not generated (`None`).
    Generated {
        /// The table, schema-qualified outside the default schema.
        table: String,
        /// The column.
        column: String,
        /// What the migrations give.
        expected: Option<String>,
        /// What the database has.
        actual: Option<String>,
    },
    /// Whether a sequence (a serial's) is owned by the column.
    SequenceOwner {
        /// The table, schema-qualified outside the default schema.
        table: String,
        /// The column.
        column: String,
        /// Whether the migrations make the column own a sequence.
        expected_owned: bool,
    },
    /// A `CHECK (col IN (…))` allows other values.
    CheckValues {
        /// The table, schema-qualified outside the default schema.
        table: String,
        /// The object's name, schema-qualified outside the default schema (for a constraint: its name, when it has one).
        name: Option<String>,
        /// The column.
        column: String,
        /// What the migrations give.
        expected: Vec<String>,
        /// What the database has.
        actual: Vec<String>,
    },
    /// An `EXCLUDE` constraint the migrations add (`definition` without its name:
    /// `EXCLUDE USING gist (room WITH =, during WITH &&)`).
    MissingExclusion {
        /// The table.
        table: String,
        /// Its name, when the migrations give or imply one.
        name: Option<String>,
        /// What it excludes.
        definition: String,
    },
    /// An `EXCLUDE` constraint the database has and the migrations do not.
    ExtraExclusion {
        /// The table.
        table: String,
        /// Its name.
        name: Option<String>,
        /// What it excludes.
        definition: String,
    },
    /// The `EXCLUDE` constraint of this name excludes something else.
    ExclusionShape {
        /// The table.
        table: String,
        /// The constraint's name.
        name: String,
        /// What the migrations define.
        expected: String,
        /// What the database has.
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
    // An interval's fraction of a year is read as either server version reads it (the
    // comparison does not know the version): `'1.99 years'` is 2 years on 15+, 23 months before.
    let stored = |c: &Column, years| {
        c.default
            .as_deref()
            .map(|d| normalize::normalize_default_with(d, years))
            .filter(|d| d != "null")
    };
    let same = [normalize::Years::Rounded, normalize::Years::Truncated]
        .into_iter()
        .any(|years| stored(expected, years) == stored(actual, years));
    let identities = expected.identity.is_some() && actual.identity.is_some();
    if !same && !identities {
        out.push(Difference::Default {
            table: table.to_owned(),
            column,
            expected: expected.default.clone(),
            actual: actual.default.clone(),
        });
    }
    shape::diff_column_kind(dialect, table, expected, actual, out);
}
