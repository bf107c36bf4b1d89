//! Checked queries: what a SQL query returns and what its parameters are, inferred over the
//! schema the migrations replay to, with no database.
//!
//! [`describe`] parses the query with sqlparser (the parser the replay uses, with the same
//! identifier folding) and walks it: `FROM` and joins make a scope of relations (tables, views,
//! CTEs, subqueries; the far side of a `LEFT`/`RIGHT`/`FULL` join becomes nullable), each
//! expression gets a type and a nullability, and each parameter takes the type its context
//! gives it (`col = $1`, `col IN ($1, $2)`, `col = ANY($1)`, `LIMIT $1`, `$1::type`,
//! `VALUES ($1, …)` of an `INSERT`, `SET col = $1`).
//!
//! A column is NOT NULL only when that is proven (a NOT NULL column on the inner side of every
//! join, `count(*)`, a literal, a strict function of NOT NULL arguments); anything unsure is
//! nullable, and a type the inference cannot tell is `None`. Errors name the column or table,
//! where the table is defined (`migrations/…:line`), and the closest name.
//!
//! The query macros (`query!`, `query_as!`) are meant to call [`describe`] with the replayed
//! schema and map [`ResultColumn::sql_type`] to Rust types with [`crate::compat`].

mod dml;
mod enum_labels;
mod expr;
mod from_functions;
mod functions;
mod mysql;
mod mysql_functions;
#[cfg(test)]
mod mysql_tests;
mod pg_calls;
mod pg_catalog;
#[cfg(test)]
mod pg_catalog_tests;
mod scope;
mod select;
mod sqlite_catalog;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_from;
mod user_functions;
#[cfg(test)]
mod user_type_tests;
mod user_types;
mod using;

pub use user_types::{domain_base, enum_type};

use std::collections::BTreeMap;
use std::fmt;

use sqlparser::ast::Statement as Ast;
use sqlparser::dialect::{MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Span, Token, Tokenizer};

use crate::schema::Schema;
use crate::{Dialect, LineCol};

/// A type without its modifiers, as catalogs spell types: `character varying(40)` ->
/// `character varying`, `numeric(10,2)` -> `numeric`, `timestamp(3) with time zone` ->
/// `timestamp with time zone`.
pub fn base_type(sql_type: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in sql_type.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What a query returns and takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    /// The result columns, in order (none for a statement without `RETURNING`).
    pub columns: Vec<ResultColumn>,
    /// The parameters `$1`, `$2`, … (SQLite: `?`, `?NNN`, `:name`; MySQL: `?`, numbered by
    /// position), in number order.
    pub parameters: Vec<Parameter>,
}

/// A column of a query's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultColumn {
    /// Its name, as the database names it (`count`, `?column?` on PostgreSQL for an
    /// expression without a name).
    pub name: String,
    /// Its type as the schema model spells types (PostgreSQL's `format_type()`, SQLite's
    /// declared type, MySQL's `COLUMN_TYPE` such as `int unsigned` or `varchar(40)`, without
    /// length for expressions: `varchar`, `decimal`); `None` when the inference cannot tell.
    pub sql_type: Option<String>,
    /// Proven never NULL. `false` means it may be NULL, or that this is not known.
    pub not_null: bool,
}

/// A parameter of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameter {
    /// Its number, from 1.
    pub number: usize,
    /// The type its context gives it; `None` when nothing does.
    pub sql_type: Option<String>,
}

/// Why a query cannot be described: a column or table that does not exist, a query that
/// does not parse, SQL the inference does not handle yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    /// What is wrong and what to do, in one message.
    pub message: String,
    /// Where in the query text, when known.
    pub at: Option<LineCol>,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.at {
            Some(at) => write!(f, "{at}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for QueryError {}

impl QueryError {
    pub(crate) fn new(message: impl Into<String>, span: Span) -> QueryError {
        let at = (span.start.line > 0).then_some(LineCol {
            line: span.start.line as usize,
            col: span.start.column as usize,
        });
        QueryError {
            message: message.into(),
            at,
        }
    }
}

/// Describes one query over `schema` (its dialect decides the parser and the type rules).
pub fn describe(schema: &Schema, sql: &str) -> Result<Described, QueryError> {
    let statements = match schema.dialect {
        Dialect::Postgres => Parser::parse_sql(&PostgreSqlDialect {}, sql),
        Dialect::Mysql => Parser::parse_sql(&MySqlDialect {}, sql),
        Dialect::Sqlite => Parser::parse_sql(&SQLiteDialect {}, sql),
    }
    .map_err(|e| {
        let message = e.to_string();
        let (line, col) = crate::replay::parse_position(&message);
        QueryError {
            message: format!("the query does not parse: {message}"),
            at: Some(LineCol { line, col }),
        }
    })?;
    let [statement] = statements.as_slice() else {
        return Err(QueryError {
            message: format!(
                "a checked query is one statement; this text holds {}",
                statements.len()
            ),
            at: None,
        });
    };
    let mut infer = Infer::new(schema, sql);
    infer.number_parameters(sql);
    let columns = infer.statement(statement)?;
    Ok(Described {
        columns: columns
            .into_iter()
            .map(|c| ResultColumn {
                name: c.name,
                // PostgreSQL describes a column of a domain type as its base type.
                sql_type: c
                    .typed
                    .sql_type
                    .map(|t| user_types::without_domain(schema, t)),
                not_null: c.typed.not_null,
            })
            .collect(),
        parameters: infer.parameters(),
    })
}

/// A type and whether it is proven NOT NULL.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Typed {
    pub sql_type: Option<String>,
    pub not_null: bool,
}

impl Typed {
    pub fn of(sql_type: &str, not_null: bool) -> Typed {
        Typed {
            sql_type: Some(sql_type.to_owned()),
            not_null,
        }
    }

    /// Unknown type, maybe NULL.
    pub fn unknown() -> Typed {
        Typed::default()
    }
}

/// A named, typed column of a relation or a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Col {
    pub name: String,
    pub typed: Typed,
}

/// The state of one description: the schema, the parameters found so far, the CTEs and
/// scopes in effect.
pub(crate) struct Infer<'a> {
    pub schema: &'a Schema,
    /// The query's text (MySQL names an unnamed result column after the text of its
    /// expression).
    pub sql: &'a str,
    pub dialect: Dialect,
    /// Parameter number -> the type its context gave it (first context wins).
    params: BTreeMap<usize, Option<String>>,
    /// Each placeholder's text -> its number (SQLite's `?` gets the next free one, keyed by
    /// its position).
    numbers: BTreeMap<(u64, u64), usize>,
    named: BTreeMap<String, usize>,
    /// `WITH` queries visible here, innermost last.
    pub ctes: Vec<(String, Vec<Col>)>,
    /// The scopes of the enclosing queries (correlated subqueries see them), innermost last.
    pub scopes: Vec<scope::Scope>,
}

impl<'a> Infer<'a> {
    fn new(schema: &'a Schema, sql: &'a str) -> Infer<'a> {
        Infer {
            schema,
            sql,
            dialect: schema.dialect,
            params: BTreeMap::new(),
            numbers: BTreeMap::new(),
            named: BTreeMap::new(),
            ctes: Vec::new(),
            scopes: Vec::new(),
        }
    }

    fn statement(&mut self, statement: &Ast) -> Result<Vec<Col>, QueryError> {
        match statement {
            Ast::Query(query) => self.query(query),
            Ast::Insert(insert) => self.insert(insert),
            Ast::Update(update) => self.update(update),
            Ast::Delete(delete) => self.delete(delete),
            other => Err(QueryError {
                message: format!(
                    "a checked query is a SELECT, INSERT, UPDATE or DELETE, not `{}`",
                    other
                        .to_string()
                        .split_whitespace()
                        .take(2)
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
                at: None,
            }),
        }
    }

    /// Numbers the placeholders in text order, as the database does: `$n`/`?n` are `n`,
    /// a bare `?` the next number, a `:name` the same number each time it appears.
    fn number_parameters(&mut self, sql: &str) {
        let tokens = match self.dialect {
            Dialect::Postgres => {
                Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize_with_location()
            }
            Dialect::Mysql => Tokenizer::new(&MySqlDialect {}, sql).tokenize_with_location(),
            Dialect::Sqlite => Tokenizer::new(&SQLiteDialect {}, sql).tokenize_with_location(),
        };
        let tokens = tokens.unwrap_or_default();
        for (i, token) in tokens.iter().enumerate() {
            match (&token.token, tokens.get(i + 1).map(|t| (&t.token, t.span))) {
                (Token::Placeholder(text), _) => self.number_placeholder(text, token.span),
                // SQLite's `:name` is a colon and a word to the tokenizer.
                (Token::Colon, Some((Token::Word(word), next)))
                    if self.dialect == Dialect::Sqlite && next.start == token.span.end =>
                {
                    self.number_placeholder(&format!(":{}", word.value), token.span);
                }
                _ => {}
            }
        }
    }

    fn number_placeholder(&mut self, text: &str, span: Span) {
        let next = self.params.keys().next_back().map_or(1, |n| n + 1);
        let digits = text.trim_start_matches(['$', '?']);
        let number = if let Ok(n) = digits.parse::<usize>() {
            n
        } else if text == "?" {
            next
        } else {
            *self.named.entry(text.to_owned()).or_insert(next)
        };
        self.numbers
            .insert((span.start.line, span.start.column), number);
        self.params.entry(number).or_insert(None);
    }

    /// The number of the placeholder at `span`.
    pub fn parameter_number(&self, span: Span) -> Option<usize> {
        self.numbers
            .get(&(span.start.line, span.start.column))
            .copied()
    }

    /// Gives parameter `number` the type `sql_type` unless a context gave it one already.
    pub fn set_parameter(&mut self, number: usize, sql_type: Option<String>) {
        let slot = self.params.entry(number).or_insert(None);
        if slot.is_none() {
            *slot = sql_type;
        }
    }

    pub fn parameter_type(&self, number: usize) -> Option<String> {
        self.params.get(&number).cloned().flatten()
    }

    fn parameters(&self) -> Vec<Parameter> {
        let max = self.params.keys().next_back().copied().unwrap_or(0);
        (1..=max)
            .map(|number| Parameter {
                number,
                sql_type: self.parameter_type(number),
            })
            .collect()
    }
}
