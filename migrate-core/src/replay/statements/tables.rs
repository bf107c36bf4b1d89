//! `CREATE TABLE` and its columns.

use sqlparser::ast::{ColumnDef, ColumnOption, CreateTable, GeneratedAs, GeneratedExpressionMode};

use super::{Run, same, temp_schema};
use crate::Dialect;
use crate::replay::types::normalize;
use crate::schema::{Column, Generated, Identity, Name, Table};

impl Run<'_> {
    pub(super) fn create_table(&mut self, create: CreateTable) {
        let name = self.name(&create.name);
        if create.temporary || temp_schema(&create.name) {
            self.temporary.push(name.name);
            return;
        }
        if let Some(existing) = self.schema.table(&name) {
            if !create.if_not_exists {
                let at = existing.origin.clone();
                self.error(format!("table {name} already exists (created at {at})"));
            }
            return;
        }
        let mut table = Table {
            name: name.clone(),
            columns: Vec::new(),
            primary_key: Vec::new(),
            primary_key_name: None,
            uniques: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            exclusions: Vec::new(),
            strict: create.strict,
            without_rowid: create.without_rowid,
            origin: self.origin(),
        };
        if let Some(query) = &create.query {
            match self.select_columns(&query.to_string()) {
                Some(columns) => table.columns = columns,
                None => {
                    return self.error(format!(
                        "cannot derive the columns of `CREATE TABLE {name} AS …` from its query: give the table's columns in a replay override (`CREATE TABLE {name} (…)`)"
                    ));
                }
            }
        }
        for def in &create.columns {
            if table
                .columns
                .iter()
                .any(|c| self.schema.same(&c.name, &self.ident(&def.name)))
            {
                self.error(format!(
                    "column {} is defined twice in table {name}",
                    def.name
                ));
                continue;
            }
            self.add_column(&mut table, def);
        }
        for constraint in create.constraints {
            self.add_constraint(&mut table, constraint);
        }
        for column in std::mem::take(&mut self.not_null_columns) {
            match table.columns.iter_mut().find(|c| c.name == column) {
                Some(c) => c.not_null = true,
                None => self.error(format!(
                    "constraint NOT NULL {column} names no column of table {name}"
                )),
            }
        }
        if let Some(like) = self.like.take() {
            self.apply_like(&mut table, &like);
        }
        self.merge_duplicate_keys(&mut table);
        self.name_constraints(&mut table);
        if self.dialect == Dialect::Sqlite && table.without_rowid {
            // SQLite enforces NOT NULL on the key of a WITHOUT ROWID table.
            for column in table.columns.iter_mut().filter(|c| {
                table
                    .primary_key
                    .iter()
                    .any(|k| same(self.dialect, k, &c.name))
            }) {
                column.not_null = true;
            }
        }
        self.schema.dropped.retain(|d| d.name != name);
        self.schema.tables.push(table);
    }

    pub(super) fn add_column(&mut self, table: &mut Table, def: &ColumnDef) {
        let mut normalized = normalize(self.dialect, &def.data_type.to_string());
        if self.dialect == Dialect::Sqlite
            && let Some(written) = self.written_type(def, &normalized.sql_type)
        {
            normalized.sql_type = written;
        }
        let name = self.ident(&def.name);
        let mut column = Column {
            name: name.clone(),
            sql_type: normalized.sql_type,
            not_null: normalized.serial,
            default: normalized.serial.then(|| {
                // Named as PostgreSQL names it: free among the schema's relations.
                let (relations, _) = self.names_in_schema(table);
                super::renames::sequence_default(&Name {
                    schema: table.name.schema.clone(),
                    name: super::constraints::choose(
                        &table.name.name,
                        Some(&name),
                        "seq",
                        &relations,
                    ),
                })
            }),
            identity: None,
            generated: None,
            owns_sequence: normalized.serial,
            origin: self.origin_at(def.name.span.start.line),
        };
        for option in &def.options {
            match &option.option {
                ColumnOption::NotNull => column.not_null = true,
                ColumnOption::Null => column.not_null = false,
                ColumnOption::Default(expr) => {
                    let text = match self.dialect {
                        Dialect::Sqlite => self.written_expr(expr),
                        _ => None,
                    };
                    column.default = super::constants::stored_default(
                        self.dialect,
                        &column.sql_type,
                        text.unwrap_or_else(|| expr.to_string()),
                    )
                }
                ColumnOption::PrimaryKey(pk) => {
                    table.primary_key = vec![name.clone()];
                    table.primary_key_name = option
                        .name
                        .as_ref()
                        .or(pk.name.as_ref())
                        .map(|n| self.ident(n));
                    if self.dialect == Dialect::Postgres {
                        column.not_null = true;
                    }
                }
                ColumnOption::Unique(_) | ColumnOption::ForeignKey(_) | ColumnOption::Check(_) => {
                    self.column_constraint(table, &name, option.name.as_ref(), &option.option);
                }
                ColumnOption::Generated {
                    generated_as,
                    generation_expr,
                    generation_expr_mode,
                    ..
                } => match generation_expr {
                    Some(expr) => {
                        column.generated = Some(Generated {
                            expr: expr.to_string(),
                            stored: (*generated_as == GeneratedAs::ExpStored
                                || *generation_expr_mode == Some(GeneratedExpressionMode::Stored))
                                && !self.virtual_columns.contains(&name),
                        })
                    }
                    None => {
                        column.identity = Some(identity_of(Some(*generated_as)));
                        column.not_null = true;
                    }
                },
                _ => {}
            }
        }
        table.columns.push(column);
    }
}

/// `GENERATED ALWAYS | BY DEFAULT AS IDENTITY`: `ALWAYS` unless `BY DEFAULT` is written.
pub(super) fn identity_of(generated_as: Option<GeneratedAs>) -> Identity {
    match generated_as {
        Some(GeneratedAs::ByDefault) => Identity::ByDefault,
        _ => Identity::Always,
    }
}
