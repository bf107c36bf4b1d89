//! The relations a query reads (`FROM`, joins) and how a column reference resolves in them.

use sqlparser::ast::{
    FunctionArg, Ident, JoinConstraint, JoinOperator, ObjectName, Spanned, TableFactor,
    TableWithJoins,
};

use super::{Col, Infer, QueryError, Typed};
use crate::replay::{ident_in, name_in};
use crate::schema::Name;
use crate::suggest::closest;

/// One relation of a `FROM` clause.
#[derive(Debug, Clone)]
pub(crate) struct Rel {
    /// How the query names it: its alias, or its table name (empty for the merged columns
    /// of a `JOIN … USING`, which no qualifier reaches).
    pub name: String,
    /// The table or view it reads, and where the migrations define it (for messages).
    pub source: Option<(Name, String)>,
    /// Its columns; `None` when they are not known (a view whose query the replay could not
    /// read): any column resolves, of unknown type.
    pub columns: Option<Vec<Col>>,
    /// On the far side of an outer join: every column may be NULL.
    pub outer: bool,
    /// Columns merged into a `JOIN … USING`/`NATURAL JOIN` column: an unqualified reference
    /// and `*` skip them (`rel.col` and `rel.*` still reach them).
    pub hidden: Vec<String>,
}

impl Rel {
    /// A relation of known columns that no table defines (a subquery, a function).
    pub fn of(name: String, columns: Vec<Col>) -> Rel {
        Rel {
            name,
            source: None,
            columns: Some(columns),
            outer: false,
            hidden: Vec::new(),
        }
    }
}

/// The relations of one query level.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scope {
    pub rels: Vec<Rel>,
}

/// The kind of a join, as its merged `USING` columns need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JoinKind {
    Inner,
    Left,
    Right,
    Full,
}

impl Infer<'_> {
    /// The scope of a `FROM` list: each item with its joins, join conditions checked.
    /// A `LATERAL` subquery and a function sees the items before it.
    pub fn scope_of(&mut self, from: &[TableWithJoins]) -> Result<Scope, QueryError> {
        let mut scope = Scope::default();
        for item in from {
            // The relations of this item (a join's left side) start here.
            let start = scope.rels.len();
            let first = self.relations(&item.relation, &scope)?;
            scope.rels.extend(first);
            for join in &item.joins {
                let right = self.relations(&join.relation, &scope)?;
                let (constraint, kind) = match &join.join_operator {
                    JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => (c, JoinKind::Left),
                    JoinOperator::Right(c) | JoinOperator::RightOuter(c) => (c, JoinKind::Right),
                    JoinOperator::FullOuter(c) => (c, JoinKind::Full),
                    JoinOperator::Join(c) | JoinOperator::Inner(c) | JoinOperator::CrossJoin(c) => {
                        (c, JoinKind::Inner)
                    }
                    other => {
                        return Err(QueryError::new(
                            format!("this join (`{other:?}`) is not inferred yet"),
                            join.relation.span(),
                        ));
                    }
                };
                let mut right = right;
                // USING and NATURAL merge columns of both sides, as they were before the join
                // made either side nullable.
                let merged = match constraint {
                    JoinConstraint::Using(names) => {
                        let names: Vec<String> = names
                            .iter()
                            .map(|n| name_in(self.dialect, n).name)
                            .collect();
                        Some(self.merge_using(
                            &mut scope.rels[start..],
                            &mut right,
                            &names,
                            kind,
                            join.relation.span(),
                        )?)
                    }
                    JoinConstraint::Natural => {
                        let names =
                            self.natural_names(&scope.rels[start..], &right, join.relation.span())?;
                        Some(self.merge_using(
                            &mut scope.rels[start..],
                            &mut right,
                            &names,
                            kind,
                            join.relation.span(),
                        )?)
                    }
                    _ => None,
                };
                if matches!(kind, JoinKind::Right | JoinKind::Full) {
                    for r in &mut scope.rels[start..] {
                        r.outer = true;
                    }
                }
                for r in &mut right {
                    r.outer |= matches!(kind, JoinKind::Left | JoinKind::Full);
                }
                scope.rels.extend(right);
                if let Some(merged) = merged {
                    scope.rels.insert(start, merged);
                }
                if let JoinConstraint::On(on) = constraint {
                    self.scopes.push(scope);
                    let checked = self.expr(on);
                    scope = self.scopes.pop().unwrap_or_default();
                    checked?;
                }
            }
        }
        Ok(scope)
    }

    /// The relations of one `FROM` item: one, or those of a join in parentheses.
    fn relations(&mut self, factor: &TableFactor, before: &Scope) -> Result<Vec<Rel>, QueryError> {
        match factor {
            TableFactor::NestedJoin {
                table_with_joins,
                alias: None,
            } => Ok(self
                .scope_of(std::slice::from_ref(table_with_joins.as_ref()))?
                .rels),
            other => Ok(vec![self.relation(other, before)?]),
        }
    }

    /// One `FROM` item; `before` is what precedes it in the `FROM` list (a `LATERAL`
    /// subquery and a function's arguments see it).
    fn relation(&mut self, factor: &TableFactor, before: &Scope) -> Result<Rel, QueryError> {
        match factor {
            TableFactor::Table {
                name,
                alias,
                args: Some(args),
                with_ordinality,
                ..
            } => {
                let args: Vec<&FunctionArg> = args.args.iter().collect();
                self.with_scope(before.clone(), |me| {
                    me.function_in_from(name, &args, *with_ordinality, alias.as_ref())
                })
            }
            TableFactor::Function {
                name,
                args,
                with_ordinality,
                alias,
                ..
            } => {
                let args: Vec<&FunctionArg> = args.iter().collect();
                self.with_scope(before.clone(), |me| {
                    me.function_in_from(name, &args, *with_ordinality, alias.as_ref())
                })
            }
            TableFactor::UNNEST {
                alias,
                array_exprs,
                with_ordinality,
                with_offset: false,
                ..
            } => self.with_scope(before.clone(), |me| {
                me.unnest_in_from(array_exprs, *with_ordinality, alias.as_ref())
            }),
            TableFactor::Table { name, alias, .. } => {
                let mut rel = self.table(name)?;
                if let Some(alias) = alias {
                    rel.name = ident_in(self.dialect, &alias.name);
                    rename_columns(&mut rel, &alias.columns, self.dialect);
                }
                Ok(rel)
            }
            TableFactor::Derived {
                lateral,
                subquery,
                alias,
                ..
            } => {
                let columns = if *lateral {
                    self.with_scope(before.clone(), |me| me.query(subquery))?
                } else {
                    self.query(subquery)?
                };
                let name = alias
                    .as_ref()
                    .map(|a| ident_in(self.dialect, &a.name))
                    .unwrap_or_default();
                let mut rel = Rel::of(name, columns);
                if let Some(alias) = alias {
                    rename_columns(&mut rel, &alias.columns, self.dialect);
                }
                Ok(rel)
            }
            other => Err(QueryError::new(
                "this kind of FROM item is not inferred yet",
                other.span(),
            )),
        }
    }

    /// A table, view or CTE by name.
    pub fn table(&self, name: &ObjectName) -> Result<Rel, QueryError> {
        let resolved = name_in(self.dialect, name);
        if name.0.len() == 1
            && let Some((cte, columns)) = self
                .ctes
                .iter()
                .rev()
                .find(|(n, _)| self.schema.same(n, &resolved.name))
        {
            return Ok(Rel {
                name: cte.clone(),
                source: None,
                columns: Some(columns.clone()),
                outer: false,
                hidden: Vec::new(),
            });
        }
        if let Some(table) = self.schema.table(&resolved) {
            let columns = table
                .columns
                .iter()
                .map(|c| Col {
                    name: c.name.clone(),
                    typed: Typed {
                        sql_type: Some(c.sql_type.clone()),
                        not_null: !table.nullable(self.dialect, c),
                    },
                })
                .collect();
            return Ok(Rel {
                name: resolved.name.clone(),
                source: Some((resolved, table.origin.to_string())),
                columns: Some(columns),
                outer: false,
                hidden: Vec::new(),
            });
        }
        if let Some(view) = self.schema.view(&resolved) {
            // A view's column may be NULL whatever its source says (PostgreSQL's describe
            // says so too).
            let columns = view.columns.as_ref().map(|columns| {
                columns
                    .iter()
                    .map(|c| Col {
                        name: c.name.clone(),
                        typed: Typed {
                            sql_type: Some(c.sql_type.clone()),
                            not_null: false,
                        },
                    })
                    .collect()
            });
            return Ok(Rel {
                name: resolved.name.clone(),
                source: Some((resolved, view.origin.to_string())),
                columns,
                outer: false,
                hidden: Vec::new(),
            });
        }
        let mut known: Vec<&str> = self
            .schema
            .tables
            .iter()
            .map(|t| t.name.name.as_str())
            .chain(self.schema.views.iter().map(|v| v.name.name.as_str()))
            .chain(self.ctes.iter().map(|(n, _)| n.as_str()))
            .collect();
        known.sort_unstable();
        let gone = self
            .schema
            .dropped
            .iter()
            .rev()
            .find(|d| self.schema.same_name(&d.name, &resolved))
            .map(|d| format!(" (it was {} at {})", d.how, d.origin))
            .unwrap_or_default();
        let hint = match closest(&resolved.name, known.iter().copied()) {
            Some(close) => format!("; did you mean `{close}`?"),
            None => String::new(),
        };
        Err(QueryError::new(
            format!(
                "relation {resolved} does not exist in the schema the migrations produce{gone}{hint}"
            ),
            name.span(),
        ))
    }

    /// The column `parts` (`col`, `rel.col`, `schema.rel.col`) names, searched from the
    /// innermost scope out.
    pub fn column(&self, parts: &[Ident]) -> Result<Typed, QueryError> {
        let Some((last, qualifier)) = parts.split_last() else {
            return Ok(Typed::unknown());
        };
        let column = ident_in(self.dialect, last);
        let span = parts[0].span.union(&last.span);
        let qualifier = qualifier.last().map(|q| ident_in(self.dialect, q));
        for scope in self.scopes.iter().rev() {
            let candidates: Vec<&Rel> = scope
                .rels
                .iter()
                .filter(|r| {
                    qualifier
                        .as_ref()
                        .is_none_or(|q| self.schema.same(&r.name, q))
                })
                .collect();
            if let Some(q) = &qualifier
                && let Some(rel) = candidates.first()
            {
                return self
                    .column_of(rel, &column, false)
                    .ok_or_else(|| QueryError::new(self.missing_column(rel, q, &column), span));
            }
            let found: Vec<(&Rel, Typed)> = candidates
                .iter()
                .filter_map(|r| Some((*r, self.column_of(r, &column, qualifier.is_none())?)))
                .collect();
            match found.as_slice() {
                [(_, typed)] => return Ok(typed.clone()),
                [] => {}
                several => {
                    let names: Vec<&str> = several
                        .iter()
                        .map(|(r, _)| match r.name.as_str() {
                            "" => "a JOIN … USING",
                            name => name,
                        })
                        .collect();
                    return Err(QueryError::new(
                        format!(
                            "column reference {column} is ambiguous: {} all have it; qualify it (`{}.{column}`)",
                            names.join(", "),
                            several
                                .iter()
                                .map(|(r, _)| r.name.as_str())
                                .find(|n| !n.is_empty())
                                .unwrap_or("t")
                        ),
                        span,
                    ));
                }
            }
        }
        let innermost = self
            .scopes
            .last()
            .map(|s| s.rels.as_slice())
            .unwrap_or_default();
        let message = match (&qualifier, innermost) {
            (Some(q), _) => {
                let known: Vec<&str> = innermost.iter().map(|r| r.name.as_str()).collect();
                // A one- or two-letter alias is no typo of another: list what there is.
                let close = closest(q, known.iter().copied()).filter(|_| q.chars().count() > 2);
                let hint = match close {
                    Some(close) => format!("; did you mean `{close}`?"),
                    None => format!(" (the query reads {})", list_or_nothing(&known)),
                };
                format!("missing FROM-clause entry for {q}{hint}")
            }
            (None, [rel]) => self.missing_column(rel, &rel.name, &column),
            (None, rels) => {
                let names: Vec<&str> = rels
                    .iter()
                    .map(|r| r.name.as_str())
                    .filter(|n| !n.is_empty())
                    .collect();
                let all: Vec<String> = rels
                    .iter()
                    .flat_map(|r| {
                        r.columns
                            .iter()
                            .flatten()
                            .map(move |c| format!("{}.{}", r.name, c.name))
                    })
                    .collect();
                let hint = match closest(&column, all.iter().map(String::as_str)) {
                    Some(close) => format!("; did you mean `{close}`?"),
                    None => String::new(),
                };
                format!(
                    "column {column} does not exist in {}{hint}",
                    list_or_nothing(&names)
                )
            }
        };
        Err(QueryError::new(message, span))
    }

    /// Column `column` of `rel`; `unqualified`, a column merged into a `USING` column is
    /// not found (the merged one is).
    pub fn column_of(&self, rel: &Rel, column: &str, unqualified: bool) -> Option<Typed> {
        if unqualified && rel.hidden.iter().any(|h| self.schema.same(h, column)) {
            return None;
        }
        let Some(columns) = &rel.columns else {
            return Some(Typed::unknown());
        };
        let col = columns.iter().find(|c| self.schema.same(&c.name, column))?;
        let mut typed = col.typed.clone();
        typed.not_null &= !rel.outer;
        Some(typed)
    }

    /// `column users.avatar_url does not exist (table users: migrations/1_init.sql:1); did
    /// you mean `avatar`?`, or what became of it.
    fn missing_column(&self, rel: &Rel, shown: &str, column: &str) -> String {
        let mut message = format!("column {shown}.{column} does not exist");
        if let Some((table, origin)) = &rel.source {
            let kind = if self.schema.table(table).is_some() {
                "table"
            } else {
                "view"
            };
            message.push_str(&format!(" ({kind} {table}: {origin})"));
            let dropped = self.schema.dropped_columns.iter().rev().find(|d| {
                self.schema.same_name(&d.table, table) && self.schema.same(&d.column, column)
            });
            if let Some(d) = dropped {
                return match &d.renamed_to {
                    Some(to) => {
                        format!("{message}: it was renamed to `{to}` by {}", d.origin)
                    }
                    None => format!("{message}: it was dropped by {}", d.origin),
                };
            }
        }
        let names: Vec<&str> = rel
            .columns
            .iter()
            .flatten()
            .map(|c| c.name.as_str())
            .collect();
        if let Some(close) = closest(column, names.iter().copied()) {
            message.push_str(&format!("; did you mean `{close}`?"));
        }
        message
    }
}

fn rename_columns(
    rel: &mut Rel,
    names: &[sqlparser::ast::TableAliasColumnDef],
    dialect: crate::Dialect,
) {
    if let Some(columns) = &mut rel.columns {
        for (col, def) in columns.iter_mut().zip(names) {
            col.name = ident_in(dialect, &def.name);
        }
    }
}

fn list_or_nothing(names: &[&str]) -> String {
    if names.is_empty() {
        "no relation".to_owned()
    } else {
        names.join(", ")
    }
}
