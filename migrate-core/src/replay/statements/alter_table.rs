//! `ALTER TABLE`: columns, constraints, renames and `SET SCHEMA`.

use sqlparser::ast::{AlterColumnOperation, AlterTableOperation, RenameTableNameKind};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::{Run, foreign_keys_to, same, same_name};
use crate::Dialect;
use crate::replay::types::normalize;
use crate::schema::{Name, Table};

impl Run<'_> {
    pub(super) fn alter_table(&mut self, name: &Name, op: AlterTableOperation) {
        let dialect = self.dialect;
        let Some(mut table) = self.schema.table(name).cloned() else {
            return self.missing_table(name);
        };
        match op {
            AlterTableOperation::AddColumn {
                if_not_exists,
                column_def,
                ..
            } => {
                let column = self.ident(&column_def.name);
                if table.column(dialect, &column).is_some() {
                    if !if_not_exists {
                        let at = table
                            .column(dialect, &column)
                            .map(|c| c.origin.to_string())
                            .unwrap_or_default();
                        self.error(format!(
                            "column {column} of table {name} already exists (added at {at})"
                        ));
                    }
                    return;
                }
                self.add_column(&mut table, &column_def);
            }
            AlterTableOperation::DropColumn {
                column_names,
                if_exists,
                ..
            } => {
                for column in column_names {
                    let column = self.ident(&column);
                    if table.column(dialect, &column).is_none() {
                        if !if_exists {
                            self.error(format!("column {column} of table {name} does not exist"));
                        }
                        continue;
                    }
                    let before = table.clone();
                    self.column_gone(name, &column, None);
                    // A key that includes the column goes whole.
                    if table.primary_key.iter().any(|c| same(dialect, c, &column)) {
                        table.primary_key.clear();
                        table.primary_key_name = None;
                    }
                    table
                        .uniques
                        .retain(|u| !u.columns.iter().any(|c| same(dialect, c, &column)));
                    table
                        .foreign_keys
                        .retain(|f| !f.columns.iter().any(|c| same(dialect, c, &column)));
                    table.checks.retain(|c| {
                        !super::expressions::referenced_columns(dialect, &before, &c.expr)
                            .iter()
                            .any(|r| same(dialect, r, &column))
                    });
                    table
                        .exclusions
                        .retain(|x| !super::exclusions::uses_column(x, &column));
                    table.columns.retain(|c| !same(dialect, &c.name, &column));
                    if dialect == Dialect::Postgres {
                        // Foreign keys that refer to the column go too (CASCADE; without it
                        // PostgreSQL refuses the drop).
                        let pk = before.primary_key.clone();
                        self.drop_foreign_keys(&mut table, name, |fk| {
                            let referred = if fk.referred_columns.is_empty() {
                                &pk
                            } else {
                                &fk.referred_columns
                            };
                            referred.iter().any(|c| same(dialect, c, &column))
                        });
                    }
                    // Indexes on the column go with it, expression indexes included.
                    self.schema.indexes.retain(|i| {
                        let uses = i
                            .columns
                            .iter()
                            .chain(i.predicate.iter())
                            .any(|c| super::expressions::mentions(dialect, c, &column));
                        !(i.table == *name && uses)
                    });
                }
            }
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => {
                let (old, new) = (self.ident(&old_column_name), self.ident(&new_column_name));
                if table.column(dialect, &old).is_none() {
                    return self.error(format!("column {old} of table {name} does not exist"));
                }
                // SQLite may rename a column to another case of its own name.
                if table.column(dialect, &new).is_some() && !same(dialect, &old, &new) {
                    return self.error(format!("column {new} of table {name} already exists"));
                }
                self.column_gone(name, &old, Some(&new));
                let rename = |c: &mut String| {
                    if same(dialect, c, &old) {
                        *c = new.clone();
                    }
                };
                for column in &mut table.columns {
                    if same(dialect, &column.name, &old) {
                        column.name = new.clone();
                        column.origin = self.origin();
                    }
                }
                table.primary_key.iter_mut().for_each(rename);
                table
                    .uniques
                    .iter_mut()
                    .flat_map(|u| u.columns.iter_mut())
                    .for_each(rename);
                table
                    .foreign_keys
                    .iter_mut()
                    .flat_map(|f| f.columns.iter_mut())
                    .for_each(rename);
                for check in &mut table.checks {
                    check.expr =
                        super::expressions::rename_in_expr(dialect, &check.expr, &old, &new);
                    if let Some((c, _)) = check.in_list.as_mut() {
                        rename(c);
                    }
                }
                for exclusion in &mut table.exclusions {
                    super::exclusions::rename_column(exclusion, &old, &new);
                }
                // Foreign keys that refer to the column follow it (this table's included).
                for fk in foreign_keys_to(dialect, &mut self.schema.tables, &mut table, name) {
                    fk.referred_columns.iter_mut().for_each(rename);
                }
                for index in self
                    .schema
                    .indexes
                    .iter_mut()
                    .filter(|i| same_name(dialect, &i.table, name))
                {
                    for key in &mut index.columns {
                        if key.chars().all(|c| c.is_alphanumeric() || c == '_') {
                            rename(key);
                        } else {
                            // An expression key: `(id + 1)` follows the column as the databases
                            // print it afterwards.
                            *key = super::expressions::rename_in_expr(dialect, key, &old, &new);
                        }
                    }
                    if let Some(predicate) = &mut index.predicate {
                        *predicate =
                            super::expressions::rename_in_expr(dialect, predicate, &old, &new);
                    }
                }
            }
            AlterTableOperation::RenameTable { table_name } => {
                let (RenameTableNameKind::As(new) | RenameTableNameKind::To(new)) = table_name;
                let mut new = self.name(&new);
                if dialect == Dialect::Postgres {
                    new.schema = name.schema.clone();
                }
                if self.schema.table(&new).is_some() {
                    return self.error(format!("table {new} already exists"));
                }
                self.schema.dropped.push(crate::schema::Dropped {
                    name: name.clone(),
                    how: format!("renamed to {new}"),
                    origin: self.origin(),
                });
                for index in self
                    .schema
                    .indexes
                    .iter_mut()
                    .filter(|i| same_name(dialect, &i.table, name))
                {
                    index.table = new.clone();
                }
                for fk in foreign_keys_to(dialect, &mut self.schema.tables, &mut table, name) {
                    fk.foreign_table = new.clone();
                }
                self.relation_renamed(name, &new);
                table.name = new;
            }
            AlterTableOperation::AlterColumn { column_name, op } => {
                let column_name = self.ident(&column_name);
                let in_pk = table
                    .primary_key
                    .iter()
                    .any(|c| same(dialect, c, &column_name));
                let origin = self.origin();
                let Some(column) = table
                    .columns
                    .iter_mut()
                    .find(|c| same(dialect, &c.name, &column_name))
                else {
                    return self.error(format!(
                        "column {column_name} of table {name} does not exist"
                    ));
                };
                match op {
                    AlterColumnOperation::SetNotNull => column.not_null = true,
                    AlterColumnOperation::DropNotNull => {
                        if in_pk {
                            return self.error(format!("column {column_name} is in the primary key of {name}: it cannot drop NOT NULL"));
                        }
                        column.not_null = false;
                    }
                    AlterColumnOperation::SetDefault { value } => {
                        column.default = super::constants::stored_default(
                            dialect,
                            &column.sql_type,
                            value.to_string(),
                        )
                    }
                    AlterColumnOperation::DropDefault => column.default = None,
                    AlterColumnOperation::SetDataType { data_type, .. } => {
                        column.sql_type = normalize(dialect, &data_type.to_string()).sql_type;
                        column.origin = origin;
                    }
                    AlterColumnOperation::AddGenerated { generated_as, .. } => {
                        column.identity = Some(super::tables::identity_of(generated_as));
                        column.not_null = true;
                    }
                }
            }
            AlterTableOperation::AddConstraint { constraint, .. } => {
                self.add_constraint(&mut table, constraint)
            }
            AlterTableOperation::DropConstraint {
                name: constraint,
                if_exists,
                drop_behavior,
            } => {
                let constraint = self.ident(&constraint);
                let cascade = matches!(drop_behavior, Some(sqlparser::ast::DropBehavior::Cascade));
                // A constraint a skipped statement made may have a name the replay does not
                // know, on a table with constraints.
                let has_constraints = !table.foreign_keys.is_empty()
                    || !table.uniques.is_empty()
                    || !table.exclusions.is_empty()
                    || !table.primary_key.is_empty();
                let pk = table.primary_key.clone();
                match super::constraints::drop_constraint(dialect, &mut table, &constraint) {
                    // Without CASCADE PostgreSQL refuses to drop a key a foreign key depends
                    // on, so none did. With it, the foreign keys on the key's columns (as a
                    // set) go — unless a unique constraint was dropped and the primary key has
                    // the same columns: a foreign key depends on the older index, the primary
                    // key's, usually.
                    Some(super::constraints::Dropped::Key(key)) if cascade => {
                        let set = |cols: &[String]| {
                            let mut v: Vec<String> = cols
                                .iter()
                                .map(|c| match dialect {
                                    Dialect::Postgres => c.clone(),
                                    _ => c.to_lowercase(),
                                })
                                .collect();
                            v.sort();
                            v
                        };
                        let was_pk = set(&key) == set(&pk) && table.primary_key.is_empty();
                        let pk_remains = !was_pk && set(&table.primary_key) == set(&key);
                        if !pk_remains {
                            self.drop_foreign_keys(&mut table, name, |fk| {
                                if fk.referred_columns.is_empty() {
                                    was_pk
                                } else {
                                    set(&fk.referred_columns) == set(&key)
                                }
                            });
                        }
                    }
                    Some(_) => {}
                    None if if_exists || has_constraints => {}
                    None => self.error(format!(
                        "constraint {constraint} of table {name} is not known to the replay"
                    )),
                }
            }
            AlterTableOperation::RenameConstraint { old_name, new_name } => {
                let (old, new) = (self.ident(&old_name), self.ident(&new_name));
                // An unknown name may be one a skipped statement made.
                super::constraints::rename_constraint(dialect, &mut table, &old, &new);
            }
            // Owners, row-level security, triggers, storage options: nothing tracked changes.
            _ => {}
        }
        self.name_constraints(&mut table);
        if let Some(slot) = self.schema.table_mut(name) {
            *slot = table;
        }
    }

    /// Removes the foreign keys that refer to table `target` and match `refers` — in every
    /// table, and in `altered` (the table being changed, out of the schema meanwhile).
    /// Records where a column went, for the derives' messages.
    fn column_gone(&mut self, table: &Name, column: &str, renamed_to: Option<&str>) {
        let origin = self.origin();
        self.schema
            .dropped_columns
            .push(crate::schema::DroppedColumn {
                table: table.clone(),
                column: column.to_owned(),
                renamed_to: renamed_to.map(str::to_owned),
                origin,
            });
    }

    pub(super) fn drop_foreign_keys(
        &mut self,
        altered: &mut Table,
        target: &Name,
        refers: impl Fn(&crate::schema::ForeignKey) -> bool,
    ) {
        let dialect = self.dialect;
        let altered_name = altered.name.clone();
        let tables = self
            .schema
            .tables
            .iter_mut()
            .filter(|t| t.name != altered_name)
            .chain(std::iter::once(altered));
        for t in tables {
            t.foreign_keys
                .retain(|f| !(same_name(dialect, &f.foreign_table, target) && refers(f)));
        }
    }

    pub(super) fn set_schema(&mut self, sql: &str) {
        let upper = sql.to_ascii_uppercase();
        let at = upper.find(" SET SCHEMA ").unwrap_or(0);
        let head = sql[..at].trim();
        let target = sql[at + " SET SCHEMA ".len()..].trim().trim_matches('"');
        let table_sql = head
            .split_whitespace()
            .skip(2)
            .filter(|w| !w.eq_ignore_ascii_case("IF") && !w.eq_ignore_ascii_case("EXISTS"))
            .collect::<Vec<_>>()
            .join(" ");
        let parsed = Parser::new(&PostgreSqlDialect {})
            .try_with_sql(&table_sql)
            .and_then(|mut p| p.parse_object_name(false));
        let Ok(object) = parsed else {
            return self.error("cannot read the table name of `ALTER TABLE … SET SCHEMA`");
        };
        let name = self.name(&object);
        let target = if target.chars().any(|c| c.is_uppercase()) && !sql.contains('"') {
            target.to_lowercase()
        } else {
            target.to_owned()
        };
        let moved = Name {
            schema: Some(target.clone()),
            name: name.name.clone(),
        };
        match self.schema.table_mut(&name) {
            Some(table) => {
                table.name.schema = Some(target.clone());
                // A sequence its column owns moves with the table, and the default then names
                // it in the new schema (regclass prints it qualified outside `public`).
                for column in table.columns.iter_mut().filter(|c| c.owns_sequence) {
                    if let Some(default) = &mut column.default
                        && let Some(sequence) = super::constraints::serial_sequence(default)
                    {
                        *default = super::renames::sequence_default(&Name {
                            schema: Some(target.clone()),
                            name: sequence,
                        });
                    }
                }
            }
            None if upper.contains(" IF EXISTS ") => return,
            None => return self.missing_table(&name),
        }
        // Its indexes move with it.
        for index in self.schema.indexes.iter_mut().filter(|i| i.table == name) {
            index.table = moved.clone();
            index.name.schema = Some(target.clone());
        }
        self.relation_renamed(&name, &moved);
        // Foreign keys follow the table (PostgreSQL refers to it by oid).
        for fk in self
            .schema
            .tables
            .iter_mut()
            .flat_map(|t| t.foreign_keys.iter_mut())
            .filter(|f| f.foreign_table == name)
        {
            fk.foreign_table = moved.clone();
        }
    }
}
