//! `ALTER TABLE … ADD [CONSTRAINT c] PRIMARY KEY | UNIQUE USING INDEX i` (PostgreSQL): an
//! existing unique index becomes the constraint's.

use sqlparser::ast::Ident;

use super::{Run, same};
use crate::Dialect;
use crate::schema::{Table, Unique};

impl Run<'_> {
    pub(super) fn constraint_using_index(
        &mut self,
        table: &mut Table,
        index: &Ident,
        constraint: Option<&Ident>,
        primary: bool,
    ) {
        let index_name = self.ident(index);
        let Some(at) = self
            .schema
            .indexes
            .iter()
            .position(|i| i.name.name == index_name && i.name.schema == table.name.schema)
        else {
            return self.error(format!("there is no index {index_name} to use"));
        };
        // The index now backs the constraint and is no longer a plain index.
        let index = self.schema.indexes.remove(at);
        if primary {
            for c in &mut table.columns {
                if index
                    .columns
                    .iter()
                    .any(|k| same(Dialect::Postgres, k, &c.name))
                {
                    c.not_null = true;
                }
            }
            table.primary_key = index.columns;
            table.primary_key_name = Some(constraint.map_or(index.name.name, |c| self.ident(c)));
        } else {
            // The index takes the constraint's name when it has one.
            let name = constraint.map_or(index.name.name, |c| self.ident(c));
            table.uniques.push(Unique {
                name: Some(name),
                columns: index.columns,
                origin: self.origin(),
            });
        }
    }
}
