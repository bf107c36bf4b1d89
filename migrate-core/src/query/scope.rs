//! The relations a query reads (`FROM`, joins) and how a column reference resolves in them.

use sqlparser::ast::{
    Ident, JoinConstraint, JoinOperator, ObjectName, Spanned, TableFactor, TableWithJoins,
};

use super::{Col, Infer, QueryError, Typed};
use crate::replay::{ident_in, name_in};
use crate::schema::Name;
use crate::suggest::closest;

/// One relation of a `FROM` clause.
#[derive(Debug, Clone)]
pub(crate) struct Rel {
    /// How the query names it: its alias, or its table name.
    pub name: String,
    /// The table or view it reads, and where the migrations define it (for messages).
    pub source: Option<(Name, String)>,
    /// Its columns; `None` when they are not known (a view whose query the replay could not
    /// read): any column resolves, of unknown type.
    pub columns: Option<Vec<Col>>,
    /// On the far side of an outer join: every column may be NULL.
    pub outer: bool,
}

/// The relations of one query level.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scope {
    pub rels: Vec<Rel>,
}

impl Infer<'_> {
    /// The scope of a `FROM` list: each item with its joins, join conditions checked.
    pub fn scope_of(&mut self, from: &[TableWithJoins]) -> Result<Scope, QueryError> {
        let mut scope = Scope::default();
        for item in from {
            scope.rels.push(self.relation(&item.relation)?);
            for join in &item.joins {
                let rel = self.relation(&join.relation)?;
                let (constraint, left_outer, right_outer) = match &join.join_operator {
                    JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => (c, false, true),
                    JoinOperator::Right(c) | JoinOperator::RightOuter(c) => (c, true, false),
                    JoinOperator::FullOuter(c) => (c, true, true),
                    JoinOperator::Join(c) | JoinOperator::Inner(c) | JoinOperator::CrossJoin(c) => {
                        (c, false, false)
                    }
                    other => {
                        return Err(QueryError::new(
                            format!("this join (`{other:?}`) is not inferred yet"),
                            join.relation.span(),
                        ));
                    }
                };
                if left_outer {
                    for r in &mut scope.rels {
                        r.outer = true;
                    }
                }
                let mut rel = rel;
                rel.outer |= right_outer;
                scope.rels.push(rel);
                match constraint {
                    JoinConstraint::On(on) => {
                        self.scopes.push(scope);
                        let checked = self.expr(on);
                        scope = self.scopes.pop().unwrap_or_default();
                        checked?;
                    }
                    JoinConstraint::Using(_) | JoinConstraint::Natural => {
                        return Err(QueryError::new(
                            "JOIN … USING and NATURAL JOIN are not inferred yet (their merged \
                             columns): write the condition with ON",
                            join.relation.span(),
                        ));
                    }
                    JoinConstraint::None => {}
                }
            }
        }
        Ok(scope)
    }

    fn relation(&mut self, factor: &TableFactor) -> Result<Rel, QueryError> {
        match factor {
            TableFactor::Table {
                name, alias, args, ..
            } => {
                if args.is_some() {
                    return Err(QueryError::new(
                        "a set-returning function in FROM is not inferred yet",
                        name.span(),
                    ));
                }
                let mut rel = self.table(name)?;
                if let Some(alias) = alias {
                    rel.name = ident_in(self.dialect, &alias.name);
                    rename_columns(&mut rel, &alias.columns, self.dialect);
                }
                Ok(rel)
            }
            TableFactor::Derived {
                subquery, alias, ..
            } => {
                let columns = self.query(subquery)?;
                let mut rel = Rel {
                    name: alias
                        .as_ref()
                        .map(|a| ident_in(self.dialect, &a.name))
                        .unwrap_or_default(),
                    source: None,
                    columns: Some(columns),
                    outer: false,
                };
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
                    .column_of(rel, &column)
                    .ok_or_else(|| QueryError::new(self.missing_column(rel, q, &column), span));
            }
            let found: Vec<(&Rel, Typed)> = candidates
                .iter()
                .filter_map(|r| Some((*r, self.column_of(r, &column)?)))
                .collect();
            match found.as_slice() {
                [(_, typed)] => return Ok(typed.clone()),
                [] => {}
                several => {
                    let names: Vec<&str> = several.iter().map(|(r, _)| r.name.as_str()).collect();
                    return Err(QueryError::new(
                        format!(
                            "column reference {column} is ambiguous: {} all have it; qualify it (`{}.{column}`)",
                            names.join(", "),
                            names[0]
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
                let names: Vec<&str> = rels.iter().map(|r| r.name.as_str()).collect();
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

    fn column_of(&self, rel: &Rel, column: &str) -> Option<Typed> {
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
