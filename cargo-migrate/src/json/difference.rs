//! A schema difference as a JSON object (an element of `verify --format json`'s
//! `differences`).

use migrate_core::diff::{Difference, origin, review};
use migrate_core::schema::Schema;
use serde_json::Value;

/// The difference as a JSON object: `kind`, its fields, `message` (the review line) and
/// `origin` (`path:line` of the migration that defines the expected state, or `null`).
pub fn difference(d: &Difference, expected: &Schema) -> Value {
    let mut fields: Vec<(String, Value)> = Vec::new();
    let mut put = |k: &str, v: Value| fields.push((k.to_owned(), v));
    let kind = match d {
        Difference::MissingTable { table } | Difference::ExtraTable { table } => {
            put("table", table.as_str().into());
            if matches!(d, Difference::MissingTable { .. }) {
                "missing_table"
            } else {
                "extra_table"
            }
        }
        Difference::MissingColumn { table, column } | Difference::ExtraColumn { table, column } => {
            put("table", table.as_str().into());
            put("column", column.as_str().into());
            if matches!(d, Difference::MissingColumn { .. }) {
                "missing_column"
            } else {
                "extra_column"
            }
        }
        Difference::ColumnOrder {
            table,
            expected,
            actual,
        } => {
            put("table", table.as_str().into());
            put("expected", expected.clone().into());
            put("actual", actual.clone().into());
            "column_order"
        }
        Difference::Type {
            table,
            column,
            expected,
            actual,
        } => {
            put("table", table.as_str().into());
            put("column", column.as_str().into());
            put("expected", expected.as_str().into());
            put("actual", actual.as_str().into());
            "type"
        }
        Difference::Nullability {
            table,
            column,
            expected_not_null,
        } => {
            put("table", table.as_str().into());
            put("column", column.as_str().into());
            put("expected_nullable", (!expected_not_null).into());
            put("actual_nullable", (*expected_not_null).into());
            "nullability"
        }
        Difference::Default {
            table,
            column,
            expected,
            actual,
        } => {
            put("table", table.as_str().into());
            put("column", column.as_str().into());
            put("expected", expected.clone().into());
            put("actual", actual.clone().into());
            "default"
        }
        Difference::PrimaryKey {
            table,
            expected,
            actual,
        } => {
            put("table", table.as_str().into());
            put("expected", expected.clone().into());
            put("actual", actual.clone().into());
            "primary_key"
        }
        Difference::MissingEnum { name } | Difference::ExtraEnum { name } => {
            put("enum", name.as_str().into());
            if matches!(d, Difference::MissingEnum { .. }) {
                "missing_enum"
            } else {
                "extra_enum"
            }
        }
        Difference::EnumLabels {
            name,
            expected,
            actual,
        } => {
            put("enum", name.as_str().into());
            put("expected", expected.clone().into());
            put("actual", actual.clone().into());
            "enum_labels"
        }
        Difference::MissingIndex { name } | Difference::ExtraIndex { name } => {
            put("index", name.as_str().into());
            if matches!(d, Difference::MissingIndex { .. }) {
                "missing_index"
            } else {
                "extra_index"
            }
        }
        Difference::MissingUnique { table, columns } => {
            put("table", table.as_str().into());
            put("columns", columns.clone().into());
            "missing_unique"
        }
        Difference::ExtraUnique {
            table,
            columns,
            name,
        } => {
            put("table", table.as_str().into());
            put("columns", columns.clone().into());
            put("name", name.clone().into());
            "extra_unique"
        }
        Difference::MissingForeignKey {
            table,
            columns,
            references,
        } => {
            put("table", table.as_str().into());
            put("columns", columns.clone().into());
            put("references", references.as_str().into());
            "missing_foreign_key"
        }
        Difference::ExtraForeignKey {
            table,
            columns,
            references,
            name,
        } => {
            put("table", table.as_str().into());
            put("columns", columns.clone().into());
            put("references", references.as_str().into());
            put("name", name.clone().into());
            "extra_foreign_key"
        }
        Difference::MissingCheck { table, name, expr }
        | Difference::ExtraCheck { table, name, expr } => {
            put("table", table.as_str().into());
            put("name", name.clone().into());
            put("expr", expr.as_str().into());
            if matches!(d, Difference::MissingCheck { .. }) {
                "missing_check"
            } else {
                "extra_check"
            }
        }
        Difference::MissingExclusion {
            table,
            name,
            definition,
        }
        | Difference::ExtraExclusion {
            table,
            name,
            definition,
        } => {
            put("table", table.as_str().into());
            put("name", name.clone().into());
            put("definition", definition.as_str().into());
            if matches!(d, Difference::MissingExclusion { .. }) {
                "missing_exclusion"
            } else {
                "extra_exclusion"
            }
        }
        Difference::ExclusionShape {
            table,
            name,
            expected,
            actual,
        } => {
            put("table", table.as_str().into());
            put("name", name.as_str().into());
            put("expected", expected.as_str().into());
            put("actual", actual.as_str().into());
            "exclusion_shape"
        }
        Difference::MissingView { name } | Difference::ExtraView { name } => {
            put("view", name.as_str().into());
            if matches!(d, Difference::MissingView { .. }) {
                "missing_view"
            } else {
                "extra_view"
            }
        }
        Difference::ViewColumns {
            name,
            expected,
            actual,
        } => {
            put("view", name.as_str().into());
            put("expected", expected.clone().into());
            put("actual", actual.clone().into());
            "view_columns"
        }
        Difference::MissingDomain { name } | Difference::ExtraDomain { name } => {
            put("domain", name.as_str().into());
            if matches!(d, Difference::MissingDomain { .. }) {
                "missing_domain"
            } else {
                "extra_domain"
            }
        }
        Difference::DomainType {
            name,
            expected,
            actual,
        } => {
            put("domain", name.as_str().into());
            put("expected", expected.as_str().into());
            put("actual", actual.as_str().into());
            "domain_type"
        }
        Difference::IndexShape {
            name,
            expected,
            actual,
        } => {
            put("index", name.as_str().into());
            put("expected", expected.as_str().into());
            put("actual", actual.as_str().into());
            "index_shape"
        }
        Difference::Identity {
            table,
            column,
            expected,
            actual,
        }
        | Difference::Generated {
            table,
            column,
            expected,
            actual,
        } => {
            put("table", table.as_str().into());
            put("column", column.as_str().into());
            put("expected", expected.clone().into());
            put("actual", actual.clone().into());
            if matches!(d, Difference::Identity { .. }) {
                "identity"
            } else {
                "generated"
            }
        }
        Difference::SequenceOwner {
            table,
            column,
            expected_owned,
        } => {
            put("table", table.as_str().into());
            put("column", column.as_str().into());
            put("expected_owned", (*expected_owned).into());
            "sequence_owner"
        }
        Difference::CheckValues {
            table,
            name,
            column,
            expected,
            actual,
        } => {
            put("table", table.as_str().into());
            put("name", name.clone().into());
            put("column", column.as_str().into());
            put("expected", expected.clone().into());
            put("actual", actual.clone().into());
            "check_values"
        }
        // `Difference` is `#[non_exhaustive]`: a kind added to migrate-core and not yet
        // named here still prints its message and origin.
        _ => "other",
    };
    let mut out = vec![("kind".to_owned(), kind.into())];
    out.append(&mut fields);
    out.push(("message".to_owned(), review(d, expected).into()));
    out.push((
        "origin".to_owned(),
        origin(d, expected).map(|o| o.to_string()).into(),
    ));
    Value::Object(out.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use migrate_core::diff::diff;
    use migrate_core::replay::replay;
    use migrate_core::{Dialect, Migration, Script};

    use super::*;

    fn schema(files: &[&str]) -> Schema {
        let migrations: Vec<Migration> = files
            .iter()
            .enumerate()
            .map(|(i, sql)| Migration {
                version: migrate_core::Version::Number(i as i64 + 1),
                name: "m".into(),
                up: Script::parse(
                    format!("m/{}_m.sql", i + 1),
                    sql.to_string(),
                    Dialect::Postgres,
                    false,
                )
                .unwrap(),
                down: None,
                replay: None,
            })
            .collect();
        replay(&migrations, Dialect::Postgres).unwrap()
    }

    #[test]
    fn differences_as_json_carry_kind_fields_message_and_origin() {
        let users = "CREATE TABLE users (\n  id integer PRIMARY KEY\n);";
        let expected = schema(&[
            users,
            "-- a comment\nALTER TABLE users ADD COLUMN avatar_url text;",
        ]);
        let actual = schema(&[users]);
        let found = diff(&expected, &actual);
        assert_eq!(
            super::super::pretty(&difference(&found[0], &expected)),
            "{\n  \"kind\": \"missing_column\",\n  \"table\": \"users\",\n  \"column\": \"avatar_url\",\n  \
             \"message\": \"table users: column avatar_url is missing (added by m/2_m.sql:2)\",\n  \
             \"origin\": \"m/2_m.sql:2\"\n}"
        );
    }
}
