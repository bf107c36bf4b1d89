//! Views and `CREATE TABLE … AS`: the columns a query yields.

use sqlparser::ast::CreateView;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::{Run, fold, temp_schema};
use crate::schema::{Column, View};

impl Run<'_> {
    pub(super) fn create_view(&mut self, view: CreateView) {
        if view.temporary || temp_schema(&view.name) {
            return;
        }
        let name = self.name(&view.name);
        if self.schema.view(&name).is_some() && !view.or_replace {
            if view.if_not_exists {
                return;
            }
            return self.error(format!("view {name} already exists"));
        }
        let query = view.query.to_string();
        // A column list names the view's columns.
        let columns = if view.columns.is_empty() {
            self.view_columns(&query)
        } else {
            self.view_columns(&query).map(|derived| {
                derived
                    .into_iter()
                    .zip(&view.columns)
                    .map(|(c, def)| Column {
                        name: self.ident(&def.name),
                        ..c
                    })
                    .collect()
            })
        };
        let depends_on = self.view_sources(&query);
        self.schema.views.retain(|v| v.name != name);
        self.schema.views.push(View {
            name,
            columns,
            depends_on,
            origin: self.origin(),
        });
    }

    /// The columns of `SELECT a, b AS c FROM t` (plain column references of one table).
    pub(super) fn select_columns(&self, query: &str) -> Option<Vec<Column>> {
        let upper = query.to_ascii_uppercase();
        let select = upper.strip_prefix("SELECT ")?;
        let from = select.find(" FROM ")?;
        let rest = &query["SELECT ".len() + from + " FROM ".len()..];
        let table_text = rest.split_whitespace().next()?;
        if ["JOIN", " UNION ", "(", ","]
            .iter()
            .any(|k| rest.to_ascii_uppercase().contains(k))
        {
            return None;
        }
        let table_name = Parser::new(&PostgreSqlDialect {})
            .try_with_sql(table_text)
            .ok()?
            .parse_object_name(false)
            .ok()?;
        let source = self.schema.table(&self.name(&table_name))?;
        let list = &query["SELECT ".len().."SELECT ".len() + from];
        let mut columns = Vec::new();
        for item in list.split(',') {
            let item = item.trim();
            let (expr, alias) = match item.to_ascii_uppercase().find(" AS ") {
                Some(i) => (&item[..i], Some(item[i + 4..].trim())),
                None => (item, None),
            };
            if expr == "*" {
                columns.extend(source.columns.iter().cloned().map(|c| Column {
                    origin: self.origin(),
                    default: None,
                    not_null: false,
                    identity: None,
                    generated: None,
                    owns_sequence: false,
                    ..c
                }));
                continue;
            }
            let bare = expr.rsplit('.').next()?.trim_matches('"');
            let column = source.column(self.dialect, &fold(self.dialect, bare))?;
            let name = alias.map_or_else(
                || column.name.clone(),
                |a| fold(self.dialect, a.trim_matches('"')),
            );
            columns.push(Column {
                name,
                origin: self.origin(),
                default: None,
                not_null: false,
                identity: None,
                generated: None,
                owns_sequence: false,
                ..column.clone()
            });
        }
        Some(columns)
    }

    pub(super) fn view_columns(&self, query: &str) -> Option<Vec<Column>> {
        self.select_columns(query)
    }
}
