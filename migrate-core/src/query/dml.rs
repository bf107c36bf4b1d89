//! `INSERT`, `UPDATE` and `DELETE`: parameters from their target columns, and the columns of
//! `RETURNING`.

use sqlparser::ast::{
    Assignment, AssignmentTarget, Delete, FromTable, Insert, ObjectName, Query, SelectItem,
    SetExpr, Spanned, TableObject, Update, UpdateTableFromKind,
};

use super::scope::{Rel, Scope};
use super::{Col, Infer, QueryError, Typed};
use crate::replay::ident_in;

impl Infer<'_> {
    pub fn insert(&mut self, insert: &Insert) -> Result<Vec<Col>, QueryError> {
        let TableObject::TableName(name) = &insert.table else {
            return Err(QueryError::new(
                "INSERT INTO a table function is not inferred",
                insert.table.span(),
            ));
        };
        let mut target = self.table(name)?;
        if let Some(alias) = &insert.table_alias {
            target.name = ident_in(self.dialect, &alias.alias);
        }
        // The columns the values go to: the list, or every column in order.
        let mut columns = Vec::new();
        let scope = Scope {
            rels: vec![target.clone()],
        };
        for column in &insert.columns {
            let parts: Vec<_> = column
                .0
                .iter()
                .filter_map(|p| p.as_ident().cloned())
                .collect();
            let typed =
                self.with_scope(scope.clone(), |me| me.column(&parts[parts.len() - 1..]))?;
            columns.push(typed);
        }
        if insert.columns.is_empty() {
            columns = target
                .columns
                .iter()
                .flatten()
                .map(|c| c.typed.clone())
                .collect();
        }
        if let Some(source) = &insert.source {
            self.insert_source(source, &columns)?;
        }
        for assignment in &insert.assignments {
            self.assignment(&scope, assignment)?;
        }
        if let Some(sqlparser::ast::OnInsert::DuplicateKeyUpdate(assignments)) = &insert.on {
            // MySQL's ON DUPLICATE KEY UPDATE c = VALUES(c): the target's columns.
            for assignment in assignments {
                self.assignment(&scope, assignment)?;
            }
        } else if let Some(on) = &insert.on {
            // ON CONFLICT … DO UPDATE SET c = EXCLUDED.c: the target and `excluded`.
            let mut rels = scope.rels.clone();
            rels.push(Rel {
                name: "excluded".to_owned(),
                ..target.clone()
            });
            if let sqlparser::ast::OnInsert::OnConflict(conflict) = on
                && let sqlparser::ast::OnConflictAction::DoUpdate(update) = &conflict.action
            {
                let scope = Scope { rels };
                for assignment in &update.assignments {
                    self.assignment(&scope, assignment)?;
                }
                if let Some(selection) = &update.selection {
                    self.with_scope(scope, |me| me.expr(selection))?;
                }
            }
        }
        self.returning(scope, insert.returning.as_deref())
    }

    /// `VALUES (…), (…)` (each value takes its column's type) or a query (each result column
    /// that is a parameter takes its column's type).
    fn insert_source(&mut self, source: &Query, columns: &[Typed]) -> Result<(), QueryError> {
        match source.body.as_ref() {
            SetExpr::Values(values) if source.with.is_none() => {
                for row in &values.rows {
                    for (value, column) in row.content.iter().zip(columns) {
                        self.expect(value, column.sql_type.clone())?;
                        self.with_scope(Scope::default(), |me| me.expr(value))?;
                    }
                }
            }
            body => {
                if let SetExpr::Select(select) = body {
                    for (item, column) in select.projection.iter().zip(columns) {
                        if let SelectItem::UnnamedExpr(e)
                        | SelectItem::ExprWithAlias { expr: e, .. } = item
                        {
                            self.expect(e, column.sql_type.clone())?;
                        }
                    }
                }
                self.with_scope(Scope::default(), |me| me.query(source))?;
            }
        }
        Ok(())
    }

    pub fn update(&mut self, update: &Update) -> Result<Vec<Col>, QueryError> {
        let mut scope = self.scope_of(std::slice::from_ref(&update.table))?;
        if let Some(from) = &update.from {
            let (UpdateTableFromKind::BeforeSet(tables) | UpdateTableFromKind::AfterSet(tables)) =
                from;
            scope.rels.extend(self.scope_of(tables)?.rels);
        }
        for assignment in &update.assignments {
            self.assignment(&scope, assignment)?;
        }
        if let Some(selection) = &update.selection {
            self.with_scope(scope.clone(), |me| me.expr(selection))?;
        }
        self.returning(scope, update.returning.as_deref())
    }

    pub fn delete(&mut self, delete: &Delete) -> Result<Vec<Col>, QueryError> {
        let (FromTable::WithFromKeyword(tables) | FromTable::WithoutKeyword(tables)) = &delete.from;
        let mut scope = self.scope_of(tables)?;
        if let Some(using) = &delete.using {
            scope.rels.extend(self.scope_of(using)?.rels);
        }
        if let Some(selection) = &delete.selection {
            self.with_scope(scope.clone(), |me| me.expr(selection))?;
        }
        self.returning(scope, delete.returning.as_deref())
    }

    /// `SET col = value`: the value (a parameter) takes the column's type.
    fn assignment(&mut self, scope: &Scope, assignment: &Assignment) -> Result<(), QueryError> {
        let targets: Vec<&ObjectName> = match &assignment.target {
            AssignmentTarget::ColumnName(name) => vec![name],
            AssignmentTarget::Tuple(names) => names.iter().collect(),
        };
        // The column is one of the target table's (the first relation), unqualified.
        let target = Scope {
            rels: scope.rels.iter().take(1).cloned().collect(),
        };
        let mut types = Vec::new();
        for name in targets {
            let last: Vec<_> = name
                .0
                .iter()
                .filter_map(|p| p.as_ident().cloned())
                .collect();
            let typed = self.with_scope(target.clone(), |me| {
                me.column(&last[last.len().max(1) - 1..])
            })?;
            types.push(typed);
        }
        if let [typed] = types.as_slice() {
            self.expect(&assignment.value, typed.sql_type.clone())?;
        }
        self.with_scope(scope.clone(), |me| me.expr(&assignment.value))?;
        Ok(())
    }

    fn returning(
        &mut self,
        scope: Scope,
        items: Option<&[SelectItem]>,
    ) -> Result<Vec<Col>, QueryError> {
        let Some(items) = items else {
            return Ok(Vec::new());
        };
        self.with_scope(scope, |me| me.projection(items))
    }
}
