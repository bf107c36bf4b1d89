//! The longer messages of a field check: nullability (as true as sqlx makes it) and where a
//! missing column went.

use migrate_core::Dialect;
use migrate_core::schema::Column;
use quote::ToTokens;
use syn::Type;

use super::FieldCheck;
use crate::sql_types;
use crate::suggest;

impl FieldCheck<'_> {
    /// Why a nullable column into a non-`Option` field is wrong, as true for the dialect and
    /// the type as sqlx 0.9 makes it, and the fixes that fit the field as written.
    pub(super) fn nullable_message(
        &self,
        where_: &str,
        column: &Column,
        decoded: &Type,
    ) -> (String, String) {
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
            short,
        )
    }

    pub(super) fn missing_column(&self) -> (String, String) {
        let relation = self.relation;
        let mut message = format!(
            "{} `{}` has no column `{}` (field `{}`)",
            relation.kind, relation.name, self.column_name, self.field_ident
        );
        if let Some((gone, fix)) = self.where_it_went() {
            message.push_str(&gone);
            return (message, fix);
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
        (message, fix)
    }

    /// "; it was dropped by <file>:<line>…" or "; it was renamed to `x` by <file>:<line>…",
    /// following renames to where the column is now.
    fn where_it_went(&self) -> Option<(String, String)> {
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
                            format!(
                                "; it was {}: map the field with #[sqlx(rename = \"{new}\")] (or rename the field)",
                                steps.join(", then ")
                            ),
                            format!("#[sqlx(rename = \"{new}\")] (or rename the field)"),
                        ));
                    }
                }
                None => {
                    steps.push(format!("dropped by {}", gone.origin));
                    return Some((
                        format!(
                            "; it was {}: remove the field, mark it #[sqlx(skip)] or #[sqlx(default)], or add the column back in a new migration",
                            steps.join(", then ")
                        ),
                        "remove the field, or mark it #[sqlx(skip)] or #[sqlx(default)]".to_owned(),
                    ));
                }
            }
        }
        None
    }
}
