//! `SELECT`, set operations, `VALUES` and `WITH`: the columns a query yields.

use sqlparser::ast::{
    Expr, GroupByExpr, LimitClause, Query, Select, SelectItem, SelectItemQualifiedWildcardKind,
    SetExpr, Spanned,
};

use super::expr::common;
use super::scope::Scope;
use super::{Col, Infer, QueryError, Typed};
use crate::Dialect;
use crate::replay::{ident_in, name_in};

impl Infer<'_> {
    /// The columns of a query (its `WITH` queries visible inside it only).
    pub fn query(&mut self, query: &Query) -> Result<Vec<Col>, QueryError> {
        let ctes_before = self.ctes.len();
        let result = self.query_body(query);
        self.ctes.truncate(ctes_before);
        result
    }

    fn query_body(&mut self, query: &Query) -> Result<Vec<Col>, QueryError> {
        if let Some(with) = &query.with {
            for cte in &with.cte_tables {
                let name = ident_in(self.dialect, &cte.alias.name);
                // A recursive query's first branch gives the columns its second one reads.
                if with.recursive
                    && let SetExpr::SetOperation { left, .. } = cte.query.body.as_ref()
                {
                    let mut seed = self.set_expr(left)?;
                    for (col, def) in seed.iter_mut().zip(&cte.alias.columns) {
                        col.name = ident_in(self.dialect, &def.name);
                    }
                    self.ctes.push((name.clone(), seed));
                }
                let mut columns = self.query(&cte.query)?;
                for (col, def) in columns.iter_mut().zip(&cte.alias.columns) {
                    col.name = ident_in(self.dialect, &def.name);
                }
                self.ctes.push((name, columns));
            }
        }
        let columns = self.set_expr(&query.body)?;
        if let Some(limit) = &query.limit_clause {
            let count = match self.dialect {
                Dialect::Postgres | Dialect::Mysql => "bigint",
                Dialect::Sqlite => "INTEGER",
            };
            let exprs: Vec<&Expr> = match limit {
                LimitClause::LimitOffset { limit, offset, .. } => limit
                    .iter()
                    .chain(offset.as_ref().map(|o| &o.value))
                    .collect(),
                LimitClause::OffsetCommaLimit { offset, limit } => vec![offset, limit],
            };
            for e in exprs {
                self.expect(e, Some(count.to_owned()))?;
                self.expr(e)?;
            }
        }
        Ok(columns)
    }

    /// A subquery inside an expression: it sees the enclosing scopes.
    pub fn subquery(&mut self, query: &Query) -> Result<Vec<Col>, QueryError> {
        self.query(query)
    }

    fn set_expr(&mut self, body: &SetExpr) -> Result<Vec<Col>, QueryError> {
        match body {
            SetExpr::Select(select) => self.select(select),
            SetExpr::Query(query) => self.query(query),
            SetExpr::SetOperation { left, right, .. } => {
                let left = self.set_expr(left)?;
                let right = self.set_expr(right)?;
                if left.len() != right.len() {
                    return Err(QueryError::new(
                        format!(
                            "each side of a UNION, INTERSECT or EXCEPT must have the same number of columns: {} and {}",
                            left.len(),
                            right.len()
                        ),
                        body.span(),
                    ));
                }
                Ok(left
                    .into_iter()
                    .zip(right)
                    .map(|(l, r)| Col {
                        typed: match self.dialect {
                            Dialect::Mysql => {
                                super::mysql_functions::alternatives(&[l.typed, r.typed])
                            }
                            _ => common(&[l.typed, r.typed]),
                        },
                        name: l.name,
                    })
                    .collect())
            }
            SetExpr::Values(values) => {
                let mut rows: Vec<Vec<Typed>> = Vec::new();
                for row in &values.rows {
                    let mut typed = Vec::new();
                    for e in &row.content {
                        typed.push(self.expr(e)?);
                    }
                    rows.push(typed);
                }
                let width = rows.first().map_or(0, Vec::len);
                Ok((0..width)
                    .map(|i| {
                        let column: Vec<Typed> =
                            rows.iter().filter_map(|r| r.get(i).cloned()).collect();
                        Col {
                            name: format!("column{}", i + 1),
                            typed: common(&column),
                        }
                    })
                    .collect())
            }
            // A data-modifying statement in `WITH` (or under one): its `RETURNING` columns.
            SetExpr::Insert(statement)
            | SetExpr::Update(statement)
            | SetExpr::Delete(statement) => self.statement(statement),
            other => Err(QueryError::new(
                "this kind of query is not inferred yet",
                other.span(),
            )),
        }
    }

    fn select(&mut self, select: &Select) -> Result<Vec<Col>, QueryError> {
        let scope = self.scope_of(&select.from)?;
        self.scopes.push(scope);
        let result = self.select_in_scope(select);
        self.scopes.pop();
        result
    }

    fn select_in_scope(&mut self, select: &Select) -> Result<Vec<Col>, QueryError> {
        if let Some(selection) = &select.selection {
            self.expr(selection)?;
        }
        if let GroupByExpr::Expressions(exprs, _) = &select.group_by {
            for e in exprs {
                self.group_by(e, &select.projection)?;
            }
        }
        if let Some(having) = &select.having {
            self.expr(having)?;
        }
        let mut columns = self.projection(&select.projection)?;
        if self.dialect == Dialect::Mysql {
            super::mysql::implicit_group(select, &mut columns);
        }
        Ok(columns)
    }

    /// A `GROUP BY` item (a list in parentheses item by item): an input column, or else the
    /// name of an output column (`SELECT t.id AS id … GROUP BY (id, name)`), as PostgreSQL
    /// and SQLite resolve it.
    fn group_by(&mut self, e: &Expr, projection: &[SelectItem]) -> Result<(), QueryError> {
        match e {
            Expr::Nested(inner) => return self.group_by(inner, projection),
            Expr::Tuple(items) => {
                for item in items {
                    self.group_by(item, projection)?;
                }
                return Ok(());
            }
            _ => {}
        }
        match self.expr(e) {
            Ok(_) => Ok(()),
            Err(err) => {
                let Expr::Identifier(name) = e else {
                    return Err(err);
                };
                let name = ident_in(self.dialect, name);
                let output = projection.iter().any(|item| {
                    matches!(item, SelectItem::ExprWithAlias { alias, .. }
                        if self.schema.same(&ident_in(self.dialect, alias), &name))
                });
                if output { Ok(()) } else { Err(err) }
            }
        }
    }

    /// The columns of a select list (or a `RETURNING` list) in the current scope.
    pub fn projection(&mut self, items: &[SelectItem]) -> Result<Vec<Col>, QueryError> {
        let mut columns = Vec::new();
        for item in items {
            match item {
                SelectItem::UnnamedExpr(e) => {
                    let typed = self.expr(e)?;
                    columns.push(Col {
                        name: self.column_name(e),
                        typed,
                    });
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    let typed = self.expr(expr)?;
                    columns.push(Col {
                        name: ident_in(self.dialect, alias),
                        typed,
                    });
                }
                SelectItem::Wildcard(_) => {
                    let scope = self.scopes.last().cloned().unwrap_or_default();
                    if scope.rels.is_empty() {
                        return Err(QueryError::new(
                            "SELECT * with no tables specified is not valid",
                            item.span(),
                        ));
                    }
                    for rel in &scope.rels {
                        columns.extend(self.all_columns(rel, item, true)?);
                    }
                }
                SelectItem::QualifiedWildcard(kind, _) => {
                    let SelectItemQualifiedWildcardKind::ObjectName(name) = kind else {
                        return Err(QueryError::new(
                            "this wildcard is not inferred yet",
                            item.span(),
                        ));
                    };
                    let wanted = name_in(self.dialect, name).name;
                    let scope = self.scopes.last().cloned().unwrap_or_default();
                    let Some(rel) = scope
                        .rels
                        .iter()
                        .find(|r| self.schema.same(&r.name, &wanted))
                    else {
                        return Err(QueryError::new(
                            format!("missing FROM-clause entry for {wanted} (in `{wanted}.*`)"),
                            item.span(),
                        ));
                    };
                    columns.extend(self.all_columns(rel, item, false)?);
                }
                other => {
                    return Err(QueryError::new(
                        "this select item is not inferred yet",
                        other.span(),
                    ));
                }
            }
        }
        Ok(columns)
    }

    /// The columns `*` (`unqualified`: not those merged into a `USING` column) or `rel.*`
    /// yields of `rel`.
    fn all_columns(
        &self,
        rel: &super::scope::Rel,
        item: &SelectItem,
        unqualified: bool,
    ) -> Result<Vec<Col>, QueryError> {
        let Some(columns) = &rel.columns else {
            return Err(QueryError::new(
                format!(
                    "the columns of {} are not known (the replay could not read its query): name the columns instead of `*`",
                    rel.name
                ),
                item.span(),
            ));
        };
        Ok(columns
            .iter()
            .filter(|c| !unqualified || !rel.hidden.iter().any(|h| self.schema.same(h, &c.name)))
            .map(|c| Col {
                name: c.name.clone(),
                typed: Typed {
                    not_null: c.typed.not_null && !rel.outer,
                    ..c.typed.clone()
                },
            })
            .collect())
    }

    /// The name the database gives an unnamed result column: PostgreSQL's rules (a column's
    /// name, a function's name, a cast's inner name or type, else `?column?`); SQLite names
    /// it after its text.
    pub fn column_name(&self, expr: &Expr) -> String {
        if self.dialect == Dialect::Mysql {
            return match expr {
                Expr::Identifier(i) => i.value.clone(),
                Expr::CompoundIdentifier(parts) => {
                    parts.last().map(|i| i.value.clone()).unwrap_or_default()
                }
                // A string literal is named after its value.
                Expr::Value(v) => match &v.value {
                    sqlparser::ast::Value::SingleQuotedString(s)
                    | sqlparser::ast::Value::DoubleQuotedString(s) => s.clone(),
                    _ => self.text_of(v.span).unwrap_or_else(|| v.to_string()),
                },
                // MySQL names an expression after its text in the query, as written (a
                // unary operator's span starts at its operand: the operator is added).
                Expr::UnaryOp { op, expr: inner } => {
                    let inner_text = self.text_of(inner.span());
                    self.text_of(expr.span())
                        .filter(|t| Some(t) != inner_text.as_ref())
                        .or_else(|| self.text_before(inner.span(), &op.to_string()))
                        .unwrap_or_else(|| expr.to_string())
                }
                other => self
                    .text_of(other.span())
                    .unwrap_or_else(|| other.to_string()),
            };
        }
        if self.dialect != Dialect::Postgres {
            return match expr {
                Expr::Identifier(i) => i.value.clone(),
                Expr::CompoundIdentifier(parts) => {
                    parts.last().map(|i| i.value.clone()).unwrap_or_default()
                }
                other => other.to_string(),
            };
        }
        postgres_name(self.dialect, expr).unwrap_or_else(|| "?column?".to_owned())
    }

    /// The query's text between `span`'s ends (lines and columns from 1, in characters).
    /// A span that ends inside or before parentheses (sqlparser's span of `min(c1)` ends
    /// at `c1`, of `count(*)` at `count`) takes them in.
    fn text_of(&self, span: sqlparser::tokenizer::Span) -> Option<String> {
        let start = self.offset(span.start)?;
        let mut end = self.offset(span.end)?;
        let depth = |text: &str| {
            text.chars().fold(0i32, |d, c| match c {
                '(' => d + 1,
                ')' => d - 1,
                _ => d,
            })
        };
        let open = depth(self.sql.get(start..end)?);
        let rest = self.sql.get(end..)?;
        if open > 0 || rest.trim_start().starts_with('(') {
            let mut d = open;
            for (i, c) in rest.char_indices() {
                match c {
                    '(' => d += 1,
                    ')' => d -= 1,
                    _ => continue,
                }
                if d == 0 {
                    end += i + 1;
                    break;
                }
            }
        }
        self.sql.get(start..end).map(str::to_owned)
    }

    /// `op` and what follows it up to the end of `span`, when the text before `span` (after
    /// blanks) ends with `op`: `- age` for the operand `age` of a unary minus.
    fn text_before(&self, span: sqlparser::tokenizer::Span, op: &str) -> Option<String> {
        let start = self.offset(span.start)?;
        let end = self.offset(span.end)?;
        let before = self.sql.get(..start)?.trim_end();
        let at = before.len().checked_sub(op.len())?;
        before.get(at..).filter(|t| t.eq_ignore_ascii_case(op))?;
        self.sql.get(at..end).map(str::to_owned)
    }

    /// The byte offset of a tokenizer location (0 when unknown: `None`).
    fn offset(&self, at: sqlparser::tokenizer::Location) -> Option<usize> {
        if at.line == 0 {
            return None;
        }
        let mut start = 0;
        for (i, text) in self.sql.split_inclusive('\n').enumerate() {
            if i + 1 == at.line as usize {
                let mut chars = text.char_indices().map(|(b, _)| b).chain([text.len()]);
                return chars.nth(at.column as usize - 1).map(|b| start + b);
            }
            start += text.len();
        }
        None
    }

    /// Runs `body` with `scope` as the innermost scope.
    pub fn with_scope<T>(
        &mut self,
        scope: Scope,
        body: impl FnOnce(&mut Self) -> Result<T, QueryError>,
    ) -> Result<T, QueryError> {
        self.scopes.push(scope);
        let result = body(self);
        self.scopes.pop();
        result
    }
}

/// PostgreSQL's `FigureColname`, for the expressions the inference knows.
fn postgres_name(dialect: Dialect, expr: &Expr) -> Option<String> {
    Some(match expr {
        Expr::Identifier(i) => ident_in(dialect, i),
        Expr::CompoundIdentifier(parts) => ident_in(dialect, parts.last()?),
        Expr::Function(f) => f.name.0.last()?.to_string().to_lowercase(),
        Expr::Nested(inner) => return postgres_name(dialect, inner),
        Expr::Cast {
            expr, data_type, ..
        } => match postgres_name(dialect, expr) {
            Some(name) => name,
            None => internal_type_name(&data_type.to_string()),
        },
        Expr::Case { .. } => "case".to_owned(),
        Expr::Array(_) => "array".to_owned(),
        // `tags[1]` is named after `tags`.
        Expr::CompoundFieldAccess { root, access_chain } => {
            let (parts, rest) = super::expr::reference(root, access_chain);
            if !rest
                .iter()
                .all(|a| matches!(a, sqlparser::ast::AccessExpr::Subscript(_)))
            {
                return None;
            }
            match parts {
                Some(parts) => ident_in(dialect, parts.last()?),
                None => return postgres_name(dialect, root),
            }
        }
        Expr::Exists { .. } => "exists".to_owned(),
        Expr::Subquery(q) => match q.body.as_ref() {
            SetExpr::Select(s) => match s.projection.as_slice() {
                [SelectItem::UnnamedExpr(e)] => return postgres_name(dialect, e),
                [SelectItem::ExprWithAlias { alias, .. }] => ident_in(dialect, alias),
                _ => return None,
            },
            _ => return None,
        },
        _ => return None,
    })
}

/// `integer` -> `int4`: the name PostgreSQL gives a cast's column.
fn internal_type_name(written: &str) -> String {
    let lower = written.to_lowercase();
    let base = lower.split('(').next().unwrap_or(&lower).trim();
    match base {
        "int" | "integer" | "int4" => "int4",
        "bigint" | "int8" => "int8",
        "smallint" | "int2" => "int2",
        "boolean" | "bool" => "bool",
        "real" | "float4" => "float4",
        "double precision" | "float8" | "float" => "float8",
        "varchar" | "character varying" => "varchar",
        "char" | "character" => "bpchar",
        "timestamptz" | "timestamp with time zone" => "timestamptz",
        "timestamp" | "timestamp without time zone" => "timestamp",
        "decimal" => "numeric",
        other => return other.rsplit('.').next().unwrap_or(other).to_owned(),
    }
    .to_owned()
}
