//! `CREATE INDEX`.

use sqlparser::ast::{CreateIndex, Expr};

use super::{Run, fold, truncate_identifier};
use crate::schema::{Index, Name};

impl Run<'_> {
    pub(super) fn create_index(&mut self, index: CreateIndex) {
        if self.is_temporary(&index.table_name) {
            return;
        }
        let table = self.name(&index.table_name);
        // PostgreSQL indexes materialized views too.
        if self.schema.table(&table).is_none() && self.schema.view(&table).is_none() {
            return self.missing_table(&table);
        }
        let columns: Vec<String> = index
            .columns
            .iter()
            .map(|c| self.expr_name(&c.column.expr))
            .collect();
        let name = match &index.name {
            Some(n) => self.name(n),
            None => {
                // PostgreSQL names an expression by its function, else `expr`.
                let parts: Vec<String> = index
                    .columns
                    .iter()
                    .map(|c| match &c.column.expr {
                        Expr::Function(f) => f
                            .name
                            .0
                            .last()
                            .map(|p| fold(self.dialect, &p.to_string()))
                            .unwrap_or_else(|| "expr".into()),
                        Expr::Identifier(_) | Expr::CompoundIdentifier(_) => {
                            self.expr_name(&c.column.expr)
                        }
                        _ => "expr".into(),
                    })
                    .collect();
                Name {
                    schema: table.schema.clone(),
                    name: truncate_identifier(format!("{}_{}_idx", table.name, parts.join("_"))),
                }
            }
        };
        if self
            .schema
            .indexes
            .iter()
            .any(|i| self.schema.same_name(&i.name, &name))
        {
            if !index.if_not_exists {
                self.error(format!("index {name} already exists"));
            }
            return;
        }
        self.schema.indexes.push(Index {
            name,
            table,
            columns,
            unique: index.unique,
            method: index.using.as_ref().map(|m| m.to_string().to_lowercase()),
            predicate: index.predicate.as_ref().map(ToString::to_string),
            origin: self.origin(),
        });
    }
}
