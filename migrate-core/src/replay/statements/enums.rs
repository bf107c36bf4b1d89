//! Enum types: `CREATE TYPE … AS ENUM`, `ALTER TYPE`, and labels used too early.

use sqlparser::ast::{AlterTypeAddValuePosition, AlterTypeOperation};

use super::{Run, same_name};
use crate::LineCol;
use crate::schema::{EnumType, Label, Name, Origin};

impl Run<'_> {
    pub(super) fn create_enum(&mut self, name: Name, labels: Vec<String>, if_not_exists: bool) {
        if let Some(existing) = self.schema.enum_type(&name) {
            if !if_not_exists {
                let at = existing.origin.clone();
                self.error(format!("type {name} already exists (created at {at})"));
            }
            return;
        }
        let origin = self.origin();
        // Each label's own line: its quoted text, found in order from the statement's start.
        let mut from = self.offset;
        let labels = labels
            .into_iter()
            .map(|label| {
                let quoted = format!("'{}'", label.replace('\'', "''"));
                let found = (!self.replacing)
                    .then(|| self.script.sql.get(from..)?.find(&quoted))
                    .flatten();
                let origin = match found {
                    Some(at) => {
                        from += at + quoted.len();
                        Origin {
                            path: self.script.path.to_string(),
                            line: LineCol::of(&self.script.sql, from).line,
                        }
                    }
                    None => origin.clone(),
                };
                Label {
                    name: label,
                    origin,
                }
            })
            .collect();
        self.schema.enums.push(EnumType {
            name,
            labels,
            origin,
        });
    }

    pub(super) fn alter_type(&mut self, name: &Name, op: AlterTypeOperation) {
        let origin = self.origin();
        let dialect = self.dialect;
        let Some(index) = self
            .schema
            .enums
            .iter()
            .position(|e| same_name(dialect, &e.name, name))
        else {
            return self.error(format!(
                "there is no enum type {name}{}",
                self.gone_hint(name)
            ));
        };
        match op {
            AlterTypeOperation::AddValue(add) => {
                let value = add.value.value.clone();
                let labels = &self.schema.enums[index].labels;
                if labels.iter().any(|l| l.name == value) {
                    if !add.if_not_exists {
                        self.error(format!("enum {name} already has the label '{value}'"));
                    }
                    return;
                }
                let position = match &add.position {
                    None => Some(labels.len()),
                    Some(AlterTypeAddValuePosition::Before(l)) => {
                        labels.iter().position(|x| x.name == l.value)
                    }
                    Some(AlterTypeAddValuePosition::After(l)) => {
                        labels.iter().position(|x| x.name == l.value).map(|i| i + 1)
                    }
                };
                let Some(position) = position else {
                    return self.error(format!(
                        "enum {name} has no such label to place '{value}' next to"
                    ));
                };
                self.schema.enums[index].labels.insert(
                    position,
                    Label {
                        name: value.clone(),
                        origin,
                    },
                );
                self.added_labels.push(value);
            }
            AlterTypeOperation::RenameValue(rename) => {
                let (from, to) = (rename.from.value.clone(), rename.to.value.clone());
                let labels = &mut self.schema.enums[index].labels;
                if labels.iter().any(|l| l.name == to) {
                    return self.error(format!("enum {name} already has the label '{to}'"));
                }
                match labels.iter_mut().find(|l| l.name == from) {
                    Some(label) => {
                        label.name = to.clone();
                        label.origin = origin;
                        self.rename_label_in_defaults(name, &from, &to);
                    }
                    None => self.error(format!("enum {name} has no label '{from}'")),
                }
            }
            AlterTypeOperation::Rename(rename) => {
                let new = self.ident(&rename.new_name);
                let old = self.schema.enums[index].name.name.clone();
                for column in self
                    .schema
                    .tables
                    .iter_mut()
                    .flat_map(|t| t.columns.iter_mut())
                {
                    if column.sql_type == old {
                        column.sql_type = new.clone();
                    } else if column.sql_type == format!("{old}[]") {
                        column.sql_type = format!("{new}[]");
                    }
                }
                self.schema.enums[index].name.name = new;
            }
        }
    }

    /// PostgreSQL rejects using an enum label in the transaction that added it.
    pub(super) fn check_new_labels_unused(&mut self, sql: &str) {
        if let Some(label) = self
            .added_labels
            .iter()
            .find(|l| sql.contains(&format!("'{l}'")))
            .cloned()
        {
            self.error(format!(
                "the enum label '{label}' is used in the same transaction that adds it, which PostgreSQL rejects (\"unsafe use of new value\"): move this statement to a later migration, or mark this one `-- migrate:no-transaction`"
            ));
        }
    }
}
