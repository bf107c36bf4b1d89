//! The longer messages of a field check: nullability (as true as sqlx makes it) and where a
//! missing column went.

use migrate_core::Dialect;
use migrate_core::schema::{Column, Name, Schema};
use quote::ToTokens;
use syn::Type;

use super::FieldCheck;
use crate::sql_types;
use migrate_core::suggest;

impl FieldCheck<'_> {
    /// Why a nullable column into a non-`Option` field is wrong, as true for the dialect and
    /// the type as sqlx 0.9 makes it, and the fixes that fit the field as written.
    pub(super) fn nullable_message(
        &self,
        where_: &str,
        column: &Column,
        decoded: &Type,
    ) -> (String, String, String) {
        let dialect = self.loaded.schema.dialect;
        let origin = &column.origin;
        let field = self.field_ident;
        let decoded = decoded.to_token_stream().to_string().replace(' ', "");
        let sqlite_pk = dialect == Dialect::Sqlite
            && self.relation.table.is_some_and(|t| {
                t.primary_key.len() == 1 && t.primary_key[0].eq_ignore_ascii_case(&column.name)
            });
        let why = if sqlite_pk {
            format!(
                "{where_} is a PRIMARY KEY without NOT NULL ({origin}), and SQLite's legacy rule lets such a column hold NULL (only INTEGER PRIMARY KEY, STRICT and WITHOUT ROWID tables refuse it)"
            )
        } else {
            format!("{where_} can be NULL ({origin})")
        };
        let effect = match (dialect, sql_types::null_reads_silently(&decoded)) {
            (Dialect::Sqlite, Some(value)) => format!(
                "sqlx reads a NULL into `{decoded}` as {value} without an error, a silently wrong value"
            ),
            _ => "a NULL fails to decode at run time".to_owned(),
        };
        let schema_fix = if sqlite_pk {
            "add NOT NULL (or declare it INTEGER PRIMARY KEY, or make the table STRICT or WITHOUT ROWID) in a migration"
        } else {
            "add NOT NULL in a migration"
        };
        let field_fix = match &self.attrs.try_from {
            Some(_) => format!(
                "sqlx's try_from cannot convert a NULL: {schema_fix}, select `COALESCE({}, …)` and mark the field #[migrate(not_null)], or read the column without try_from into `Option<{decoded}>`",
                column.name
            ),
            None => format!(
                "use `Option<{decoded}>`, {schema_fix}, or mark the field #[migrate(not_null)] if your queries never return NULL here"
            ),
        };
        let short = match &self.attrs.try_from {
            Some(_) => format!(
                "add NOT NULL to `{}` in a migration, or select COALESCE({}, …) and mark the field #[migrate(not_null)]",
                column.name, column.name
            ),
            None => format!(
                "make it `Option<{decoded}>` (or add NOT NULL to `{}` in a migration, or mark the field #[migrate(not_null)] if your queries never return NULL)",
                column.name
            ),
        };
        (
            format!("{why}, but field `{field}` is not an Option: {effect}. Fix: {field_fix}"),
            format!("{why}, but the field is not an Option: {effect}"),
            short,
        )
    }

    /// The message, the problem alone, and the fix.
    pub(super) fn missing_column(&self) -> (String, String, String) {
        let relation = self.relation;
        let mut message = format!(
            "{} `{}` has no column `{}` (field `{}`)",
            relation.kind, relation.name, self.column_name, self.field_ident
        );
        let mut problem = format!(
            "{} `{}` has no column `{}`",
            relation.kind, relation.name, self.column_name
        );
        if let Some((steps, advice, fix)) = self.where_it_went() {
            message.push_str(&format!("; it was {steps}: {advice}"));
            problem.push_str(&format!("; it was {steps}"));
            return (message, problem, fix);
        }
        let names = relation.columns.iter().map(|c| c.name.as_str());
        let fix = match suggest::closest(self.column_name, names) {
            Some(close) => {
                message.push_str(&format!(
                    "; did you mean `{close}`? Map the field with #[sqlx(rename = \"{close}\")], or add the column in a new migration (`cargo migrate new`)"
                ));
                format!(
                    "#[sqlx(rename = \"{close}\")] (or add column `{}` in a new migration)",
                    self.column_name
                )
            }
            None => {
                message.push_str(
                    "; add it in a new migration (`cargo migrate new`), or mark the field #[sqlx(skip)] or #[sqlx(default)] if it is not read from the database",
                );
                format!(
                    "add column `{}` in a new migration, or mark the field #[sqlx(skip)] or #[sqlx(default)]",
                    self.column_name
                )
            }
        };
        (message, problem, fix)
    }

    /// "; it was dropped by <file>:<line>…" or "; it was renamed to `x` by <file>:<line>…",
    /// following renames to where the column is now.
    /// The steps (renamed …, dropped …), the advice in the message, and the fix.
    fn where_it_went(&self) -> Option<(String, String, String)> {
        let schema = &self.loaded.schema;
        let table = &self.relation.name;
        let mut name = self.column_name.to_owned();
        let mut steps = Vec::new();
        let mut after = 0;
        while let Some((i, gone)) = schema
            .dropped_columns
            .iter()
            .enumerate()
            .skip(after)
            .find(|(_, d)| schema.same_name(&d.table, table) && schema.same(&d.column, &name))
        {
            after = i + 1;
            match &gone.renamed_to {
                Some(new) => {
                    steps.push(format!("renamed to `{new}` by {}", gone.origin));
                    name = new.clone();
                    if self
                        .relation
                        .columns
                        .iter()
                        .any(|c| schema.same(&c.name, new))
                    {
                        return Some((
                            steps.join(", then "),
                            format!(
                                "map the field with #[sqlx(rename = \"{new}\")] (or rename the field)"
                            ),
                            format!("#[sqlx(rename = \"{new}\")] (or rename the field)"),
                        ));
                    }
                }
                None => {
                    steps.push(format!("dropped by {}", gone.origin));
                    return Some((
                        steps.join(", then "),
                        "remove the field, mark it #[sqlx(skip)] or #[sqlx(default)], or add the column back in a new migration".to_owned(),
                        "remove the field, or mark it #[sqlx(skip)] or #[sqlx(default)]".to_owned(),
                    ));
                }
            }
        }
        None
    }
}

/// Why there is no such relation: the message, the problem alone, the fix.
pub(super) fn missing_relation(
    schema: &Schema,
    dir: &str,
    name: &Name,
) -> (String, String, String) {
    let mut message = format!("no table or view `{name}` in the schema that {dir}/ produces");
    let problem = message.clone();
    if let Some(dropped) = schema.dropped.iter().rev().find(|d| d.name == *name) {
        return (
            format!(
                "table `{name}` was {} by {}: point #[migrate(table = \"…\")] at the table that holds these rows now",
                dropped.how, dropped.origin
            ),
            format!("table `{name}` was {} by {}", dropped.how, dropped.origin),
            "point #[migrate(table = \"…\")] at the table that holds these rows now".to_owned(),
        );
    }
    let names: Vec<String> = schema
        .tables
        .iter()
        .map(|t| t.name.to_string())
        .chain(schema.views.iter().map(|v| v.name.to_string()))
        .collect();
    let fix = match suggest::closest(&name.to_string(), names.iter().map(String::as_str)) {
        Some(close) => {
            message.push_str(&format!(
                "; did you mean `{close}`? Set #[migrate(table = \"{close}\")]"
            ));
            format!("set #[migrate(table = \"{close}\")]")
        }
        None if names.is_empty() => {
            message.push_str(": the migrations create no tables yet");
            format!("create table `{name}` in a migration")
        }
        None => {
            message.push_str(&format!(
                "; it has {}. Set #[migrate(table = \"…\")]",
                list(&names)
            ));
            format!(
                "set #[migrate(table = \"…\")] to one of them, or create table `{name}` in a migration"
            )
        }
    };
    (message, problem, fix)
}

fn list(names: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut shown: Vec<String> = names.iter().take(SHOWN).map(|n| format!("`{n}`")).collect();
    if names.len() > SHOWN {
        shown.push(format!("and {} more", names.len() - SHOWN));
    }
    shown.join(", ")
}
