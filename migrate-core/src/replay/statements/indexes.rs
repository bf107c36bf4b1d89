//! `CREATE INDEX`, and the shape of an index read from its SQL: the replay's statement and the
//! catalog's (`pg_get_indexdef`, SQLite's `sqlite_schema.sql`) go through the same reading.

use sqlparser::ast::{CreateIndex, Expr, IndexColumn, ObjectNamePart, OrderBySort, Statement};
use sqlparser::dialect::{PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

use super::names::{expr_name_in, ident_in};
use super::{Run, fold};
use crate::Dialect;
use crate::schema::{Index, IndexKey, Name, Origin};

/// Operator classes that come with an extension: PostgreSQL refuses an index that uses one
/// before `CREATE EXTENSION`.
const EXTENSION_OPCLASSES: &[(&str, &str)] = &[
    ("gin_trgm_ops", "pg_trgm"),
    ("gist_trgm_ops", "pg_trgm"),
    ("gin_hstore_ops", "hstore"),
    ("gist_hstore_ops", "hstore"),
];

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
        for key in shape(self.dialect, &index).1 {
            let Some(opclass) = key.opclass else { continue };
            if let Some((_, extension)) = EXTENSION_OPCLASSES.iter().find(|(o, _)| *o == opclass)
                && !self.schema.extensions.iter().any(|e| e == extension)
            {
                return self.error(format!(
                    "operator class {opclass} does not exist: it comes with the extension \
                     {extension}; add `CREATE EXTENSION IF NOT EXISTS {extension};` in an earlier \
                     migration (PostgreSQL refuses this index without it)"
                ));
            }
        }
        let name = match &index.name {
            // PostgreSQL puts an index in its table's schema (the name cannot be qualified).
            Some(n) => Name {
                schema: table.schema.clone(),
                name: self.name(n).name,
            },
            None => {
                // Every column of the index names it, `INCLUDE` columns too.
                let parts: Vec<String> = index
                    .columns
                    .iter()
                    .map(|c| key_name_part(self.dialect, &c.column.expr))
                    .chain(index.include.iter().map(|i| self.ident(i)))
                    .collect();
                let (relations, _) = self.names_in(&table.schema, None);
                Name {
                    schema: table.schema.clone(),
                    name: super::constraints::choose(
                        &table.name,
                        Some(&parts.join("_")),
                        "idx",
                        &relations,
                    ),
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
        let mut made = from_ast(self.dialect, &index, self.origin());
        made.name = name;
        made.table = table;
        self.schema.indexes.push(made);
    }
}

/// An index as its `CREATE INDEX` statement defines it (PostgreSQL's `pg_get_indexdef`, the
/// SQL SQLite keeps): `None` when the text is not one.
pub fn index_from_sql(dialect: Dialect, sql: &str) -> Option<Index> {
    let parsed = match dialect {
        Dialect::Postgres => Parser::parse_sql(&PostgreSqlDialect {}, sql),
        _ => Parser::parse_sql(&SQLiteDialect {}, sql),
    }
    .ok()?;
    match parsed.into_iter().next()? {
        Statement::CreateIndex(index) => {
            let mut made = from_ast(dialect, &index, Origin::default());
            let table = &index.table_name.0;
            let part = |p: &ObjectNamePart| match p {
                ObjectNamePart::Identifier(i) => ident_in(dialect, i),
                other => other.to_string(),
            };
            let schema = match dialect {
                Dialect::Postgres => Some(
                    table
                        .len()
                        .checked_sub(2)
                        .map_or_else(|| "public".to_owned(), |i| part(&table[i])),
                ),
                _ => None,
            };
            made.table = Name {
                schema: schema.clone(),
                name: table.last().map(part).unwrap_or_default(),
            };
            made.name = Name {
                schema,
                name: index
                    .name
                    .as_ref()
                    .and_then(|n| n.0.last())
                    .map(part)
                    .unwrap_or_default(),
            };
            Some(made)
        }
        _ => None,
    }
}

fn from_ast(dialect: Dialect, index: &CreateIndex, origin: Origin) -> Index {
    let (columns, keys) = shape(dialect, index);
    Index {
        name: Name::new(None, ""),
        table: Name::new(None, ""),
        columns,
        keys,
        include: index.include.iter().map(|i| ident_in(dialect, i)).collect(),
        unique: index.unique,
        method: index.using.as_ref().map(|m| m.to_string().to_lowercase()),
        predicate: index.predicate.as_ref().map(ToString::to_string),
        origin,
    }
}

/// The key columns (names or expressions) and each one's options.
fn shape(dialect: Dialect, index: &CreateIndex) -> (Vec<String>, Vec<IndexKey>) {
    index.columns.iter().map(|c| key_of(dialect, c)).unzip()
}

/// One key of an index (or an `EXCLUDE` element): the column's name or the expression, and
/// its collation, operator class and order.
pub(super) fn key_of(dialect: Dialect, c: &IndexColumn) -> (String, IndexKey) {
    let descending = matches!(c.column.options.sort, Some(OrderBySort::Desc));
    let collation = match &c.column.expr {
        Expr::Collate { collation, .. } => Some(collation.to_string()),
        Expr::Nested(inner) => match inner.as_ref() {
            Expr::Collate { collation, .. } => Some(collation.to_string()),
            _ => None,
        },
        _ => None,
    };
    let key = IndexKey {
        collation,
        opclass: c
            .operator_class
            .as_ref()
            .and_then(|o| o.0.last())
            .map(|p| p.to_string().trim_matches('"').to_lowercase()),
        descending,
        nulls_first: c.column.options.nulls_first.unwrap_or(descending),
    };
    (expr_name_in(dialect, &c.column.expr), key)
}

/// What a key adds to a default index name (PostgreSQL's `ChooseIndexColumnNames`): the
/// column's name, an expression's function name, else `expr`.
pub(super) fn key_name_part(dialect: Dialect, expr: &Expr) -> String {
    match expr {
        Expr::Function(f) => f
            .name
            .0
            .last()
            .map(|p| fold(dialect, &p.to_string()))
            .unwrap_or_else(|| "expr".into()),
        Expr::Identifier(_) | Expr::CompoundIdentifier(_) => expr_name_in(dialect, expr),
        Expr::Nested(inner) => key_name_part(dialect, inner),
        _ => "expr".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_shape_reads_order_opclass_collation_include_and_predicate() {
        let i = index_from_sql(
            Dialect::Postgres,
            "CREATE UNIQUE INDEX i ON app.t USING btree (lower((email)::text) text_pattern_ops DESC, \
             name COLLATE \"C\" NULLS FIRST) INCLUDE (id) WHERE (deleted_at IS NULL)",
        )
        .unwrap();
        assert_eq!(i.name, Name::new(Some("app"), "i"));
        assert_eq!(i.table, Name::new(Some("app"), "t"));
        assert_eq!(i.columns, ["lower((email)::TEXT)", "name"]);
        assert_eq!(
            i.keys[0],
            IndexKey {
                collation: None,
                opclass: Some("text_pattern_ops".into()),
                descending: true,
                nulls_first: true,
            }
        );
        assert_eq!(i.keys[1].collation.as_deref(), Some("\"C\""));
        assert!(i.keys[1].nulls_first && !i.keys[1].descending);
        assert_eq!(i.include, ["id"]);
        assert!(i.unique);
        assert_eq!(i.method.as_deref(), Some("btree"));
        assert_eq!(i.predicate.as_deref(), Some("(deleted_at IS NULL)"));
        assert_eq!(i.keys[0].suffix(), " text_pattern_ops DESC");
        assert_eq!(i.keys[1].suffix(), " COLLATE \"C\" NULLS FIRST");
    }
}
