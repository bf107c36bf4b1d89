//! What the replay reads inside expressions: the columns a CHECK uses (as PostgreSQL counts
//! them, to name it), column renames inside it, and `col IN (…)` lists in either spelling.

use sqlparser::ast::{BinaryOperator, Expr, Value};
use sqlparser::dialect::{PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

use super::same;
use crate::Dialect;
use crate::schema::{Check, Origin, Table, quote_ident};

/// `col IN ('a', 'b')`, or PostgreSQL's own spelling of it
/// (`(col)::text = ANY ((ARRAY['a'::character varying, …])::text[])`, as `pg_dump` and the
/// catalog write it) -> the column expression and the values.
pub(super) fn list_values(expr: &Expr) -> Option<(&Expr, Vec<String>)> {
    let (column, items) = match bare(expr) {
        Expr::InList {
            expr,
            list,
            negated: false,
        } => (bare(expr), list.iter().collect::<Vec<_>>()),
        Expr::AnyOp {
            left,
            compare_op: BinaryOperator::Eq,
            right,
            ..
        } => match bare(right) {
            Expr::Array(array) => (bare(left), array.elem.iter().collect()),
            _ => return None,
        },
        _ => return None,
    };
    if !matches!(column, Expr::Identifier(_) | Expr::CompoundIdentifier(_)) {
        return None;
    }
    let values = items
        .into_iter()
        .map(|v| match bare(v) {
            Expr::Value(v) => match &v.value {
                Value::SingleQuotedString(s) => Some(s.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Option<Vec<String>>>()?;
    Some((column, values))
}

/// A CHECK constraint as a catalog shows it (PostgreSQL's `pg_get_expr`, or the text of a
/// SQLite table's definition), in the shape the replay gives: its expression as the replay
/// prints it and, for `col IN (…)`, the column and values.
pub fn check_from_sql(dialect: Dialect, name: Option<String>, expr: &str) -> Check {
    let parsed = match dialect {
        Dialect::Postgres => Parser::new(&PostgreSqlDialect {})
            .try_with_sql(expr)
            .and_then(|mut p| p.parse_expr()),
        _ => Parser::new(&SQLiteDialect {})
            .try_with_sql(expr)
            .and_then(|mut p| p.parse_expr()),
    };
    let Ok(parsed) = parsed else {
        return Check {
            name,
            expr: expr.to_owned(),
            in_list: None,
            origin: Origin::default(),
        };
    };
    let in_list = list_values(&parsed).map(|(column, values)| {
        let column = match column {
            Expr::Identifier(i) => i,
            Expr::CompoundIdentifier(parts) => {
                parts.last().expect("a compound identifier has parts")
            }
            _ => unreachable!("list_values returns identifiers only"),
        };
        let name = match (dialect, column.quote_style) {
            (Dialect::Postgres, None) => column.value.to_lowercase(),
            _ => column.value.clone(),
        };
        (name, values)
    });
    Check {
        name,
        expr: parsed.to_string(),
        in_list,
        origin: Origin::default(),
    }
}

/// Strips parentheses and casts: `((status)::text)` -> `status`.
fn bare(expr: &Expr) -> &Expr {
    match expr {
        Expr::Nested(inner) => bare(inner),
        Expr::Cast { expr, .. } => bare(expr),
        other => other,
    }
}

/// The columns of `table` an expression uses, each once, in order of first use. Like
/// PostgreSQL's `pull_var_clause`, only column references count: a function's name
/// (`length(title)`), a type (`'…'::date`, `CAST(x AS date)`, `DATE '…'`) or a keyword is
/// not one, whatever columns happen to be called.
pub(super) fn referenced_columns(dialect: Dialect, table: &Table, expr: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in identifiers(dialect, expr) {
        if let Some(c) = table.columns.iter().find(|c| same(dialect, &c.name, &word))
            && !out.iter().any(|o| same(dialect, o, &c.name))
        {
            out.push(c.name.clone());
        }
    }
    out
}

/// Whether an index key (a column name as stored, or an expression) uses `column`.
pub(super) fn mentions(dialect: Dialect, key: &str, column: &str) -> bool {
    same(dialect, key, column)
        || identifiers(dialect, key)
            .iter()
            .any(|w| same(dialect, w, column))
}

fn tokens(dialect: Dialect, expr: &str) -> Option<Vec<Token>> {
    match dialect {
        Dialect::Postgres => Tokenizer::new(&PostgreSqlDialect {}, expr).tokenize(),
        _ => Tokenizer::new(&SQLiteDialect {}, expr).tokenize(),
    }
    .ok()
}

/// The words of an expression that can be column references (unquoted ones folded as the
/// dialect folds them).
fn identifiers(dialect: Dialect, expr: &str) -> Vec<String> {
    let Some(tokens) = tokens(dialect, expr) else {
        return Vec::new();
    };
    let columns = column_tokens(&tokens);
    tokens
        .iter()
        .zip(columns)
        .filter_map(|(t, column)| match t {
            Token::Word(w) if column => Some(match (dialect, w.quote_style) {
                (Dialect::Postgres, None) => w.value.to_lowercase(),
                _ => w.value.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// Words that continue a type name after its first word (`double precision`,
/// `character varying`, `timestamp with time zone`).
const TYPE_WORDS: &[&str] = &["precision", "varying", "with", "without", "time", "zone"];

/// For each token, whether it can be a column reference: a word that is not a function's name
/// (`length(…)`), a type (`::date`, `CAST(x AS double precision)`, `DATE '…'`), or a keyword
/// of `AT TIME ZONE` or `extract(year FROM …)`.
fn column_tokens(tokens: &[Token]) -> Vec<bool> {
    let significant: Vec<usize> = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| !matches!(t, Token::Whitespace(_)))
        .map(|(i, _)| i)
        .collect();
    let keyword = |t: Option<&Token>, kw: &str| matches!(t, Some(Token::Word(w)) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(kw));
    let mut out = vec![false; tokens.len()];
    // Inside a type name: after `::` or `AS`, its words, `(n, m)` modifiers and `[]`.
    let mut in_type = false;
    let mut first_type_word = false;
    let mut type_parens = 0usize;
    for (k, &i) in significant.iter().enumerate() {
        let token = &tokens[i];
        let previous = k.checked_sub(1).map(|p| &tokens[significant[p]]);
        let before = k.checked_sub(2).map(|p| &tokens[significant[p]]);
        let next = significant.get(k + 1).map(|&n| &tokens[n]);
        if in_type {
            let continues = match token {
                Token::Word(w) => {
                    let more = first_type_word
                        || (w.quote_style.is_none()
                            && TYPE_WORDS.iter().any(|t| w.value.eq_ignore_ascii_case(t)));
                    first_type_word = false;
                    more
                }
                Token::LParen => {
                    type_parens += 1;
                    true
                }
                Token::RParen if type_parens > 0 => {
                    type_parens -= 1;
                    true
                }
                Token::Number(..) | Token::Comma => type_parens > 0,
                Token::LBracket | Token::RBracket => true,
                _ => false,
            };
            if continues {
                continue;
            }
            in_type = false;
        }
        if matches!(token, Token::DoubleColon) || keyword(Some(token), "AS") {
            in_type = true;
            first_type_word = true;
            type_parens = 0;
            continue;
        }
        let Token::Word(w) = token else { continue };
        if w.quote_style.is_some() {
            out[i] = true;
            continue;
        }
        let not_a_column = matches!(next, Some(Token::LParen))
            || matches!(next, Some(Token::SingleQuotedString(_)))
            || (keyword(Some(token), "TIME") && keyword(previous, "AT"))
            || (keyword(Some(token), "ZONE") && keyword(previous, "TIME"))
            || (matches!(previous, Some(Token::LParen)) && keyword(before, "EXTRACT"));
        out[i] = !not_a_column;
    }
    out
}

/// Rewrites a column name inside an expression, as both databases do on `RENAME COLUMN`
/// (the new name quoted when it must be); functions and types of the same name stay.
pub(super) fn rename_in_expr(dialect: Dialect, expr: &str, old: &str, new: &str) -> String {
    let Some(tokens) = tokens(dialect, expr) else {
        return expr.to_owned();
    };
    let columns = column_tokens(&tokens);
    let quoted = quote_ident(dialect, new);
    tokens
        .into_iter()
        .zip(columns)
        .map(|(t, column)| match t {
            Token::Word(w) if column => {
                let value = match (dialect, w.quote_style) {
                    (Dialect::Postgres, None) => w.value.to_lowercase(),
                    _ => w.value.clone(),
                };
                if same(dialect, &value, old) {
                    quoted.clone()
                } else {
                    Token::Word(w).to_string()
                }
            }
            other => other.to_string(),
        })
        .collect()
}
