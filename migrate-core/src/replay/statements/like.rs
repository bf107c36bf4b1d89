//! `CREATE TABLE t (LIKE other [INCLUDING … | EXCLUDING …]…, …)` (PostgreSQL). sqlparser reads
//! `LIKE` alone in the list and only `INCLUDING DEFAULTS`: the element is read here and blanked
//! out before parsing, then the copy is made as PostgreSQL makes it.
//!
//! Always copied: column names, types and NOT NULL. `DEFAULTS`, `GENERATED`, `IDENTITY`,
//! `CONSTRAINTS` (checks, with their names) and `INDEXES` (primary key, unique constraints and
//! indexes, under names chosen for the new table) when included; `ALL` includes every option;
//! later options override earlier ones. Foreign keys are never copied. `COMMENTS`,
//! `COMPRESSION`, `STATISTICS` and `STORAGE` change nothing the model keeps.

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use super::{Run, offset_in};
use crate::schema::{Index, Name, Table, Unique};

/// A `LIKE` element: the source table, what it includes, and how many columns precede it.
#[derive(Debug, Clone, Default)]
pub(super) struct Like {
    pub source: String,
    pub defaults: bool,
    pub generated: bool,
    pub identity: bool,
    pub constraints: bool,
    pub indexes: bool,
    pub position: usize,
}

/// The statement with its `LIKE` element blanked out, and the element; `None` when the
/// statement has none.
pub(super) fn take_like(sql: &str) -> Option<(String, Like)> {
    let tokens: Vec<TokenWithSpan> = Tokenizer::new(&PostgreSqlDialect {}, sql)
        .tokenize_with_location()
        .ok()?
        .into_iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .collect();
    let kw = |i: usize| match tokens.get(i).map(|t| &t.token) {
        Some(Token::Word(w)) => Some(w.keyword),
        _ => None,
    };
    if kw(0) != Some(Keyword::CREATE) {
        return None;
    }
    let open = tokens.iter().position(|t| t.token == Token::LParen)?;
    // The elements of the list: (first token, last token) at depth 1.
    let (mut depth, mut start) = (0i32, open + 1);
    let mut elements: Vec<(usize, usize)> = Vec::new();
    for (i, t) in tokens.iter().enumerate().skip(open) {
        match t.token {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth -= 1;
                if depth == 0 {
                    elements.push((start, i));
                    break;
                }
            }
            Token::Comma if depth == 1 => {
                elements.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
    }
    let at = elements
        .iter()
        .position(|(s, _)| kw(*s) == Some(Keyword::LIKE))?;
    let (first, end) = elements[at];
    let mut like = Like {
        position: elements[..at]
            .iter()
            .filter(|(s, _)| {
                !matches!(
                    kw(*s),
                    Some(
                        Keyword::CONSTRAINT
                            | Keyword::PRIMARY
                            | Keyword::UNIQUE
                            | Keyword::CHECK
                            | Keyword::FOREIGN
                            | Keyword::EXCLUDE
                    )
                )
            })
            .count(),
        ..Like::default()
    };
    // LIKE name[.name] {INCLUDING|EXCLUDING option}…
    let mut i = first + 1;
    let mut source = String::new();
    while i < end {
        match &tokens[i].token {
            Token::Word(w) if !matches!(w.keyword, Keyword::INCLUDING | Keyword::EXCLUDING) => {
                source.push_str(&tokens[i].token.to_string())
            }
            Token::Period => source.push('.'),
            _ => break,
        }
        i += 1;
    }
    like.source = source;
    while i + 1 < end {
        let on = match kw(i) {
            Some(Keyword::INCLUDING) => true,
            Some(Keyword::EXCLUDING) => false,
            _ => return None,
        };
        let Token::Word(option) = &tokens[i + 1].token else {
            return None;
        };
        match option.value.to_ascii_uppercase().as_str() {
            "ALL" => {
                like.defaults = on;
                like.generated = on;
                like.identity = on;
                like.constraints = on;
                like.indexes = on;
            }
            "DEFAULTS" => like.defaults = on,
            "GENERATED" => like.generated = on,
            "IDENTITY" => like.identity = on,
            "CONSTRAINTS" => like.constraints = on,
            "INDEXES" => like.indexes = on,
            "COMMENTS" | "COMPRESSION" | "STATISTICS" | "STORAGE" => {}
            _ => return None,
        }
        i += 2;
    }
    // Blank the element and the comma that separates it from its neighbours.
    let (from, to) = if end < tokens.len() && tokens[end].token == Token::Comma {
        (first, end)
    } else if at > 0 {
        (elements[at - 1].1, end - 1)
    } else {
        (first, end - 1)
    };
    let offset =
        |l: sqlparser::tokenizer::Location| offset_in(sql, l.line as usize, l.column as usize);
    let (a, b) = (offset(tokens[from].span.start), offset(tokens[to].span.end));
    let mut out = sql.to_owned();
    let spaces: String = sql[a..b]
        .chars()
        .map(|c| " ".repeat(c.len_utf8()))
        .collect();
    out.replace_range(a..b, &spaces);
    Some((out, like))
}

impl Run<'_> {
    /// Copies `like.source` into `table` as PostgreSQL does.
    pub(super) fn apply_like(&mut self, table: &mut Table, like: &Like) {
        let Some(source) = self.parse_name(&like.source) else {
            return self.error(format!(
                "LIKE {}: cannot read the table's name",
                like.source
            ));
        };
        let Some(from) = self.schema.table(&source).cloned() else {
            return self.missing_table(&source);
        };
        let origin = self.origin();
        let copied = from.columns.iter().map(|c| {
            let mut c = c.clone();
            c.origin = origin.clone();
            c.owns_sequence = false;
            if !like.defaults {
                c.default = None;
            }
            if !like.identity {
                c.identity = None;
            }
            if !like.generated {
                c.generated = None;
            }
            c
        });
        let at = like.position.min(table.columns.len());
        table.columns.splice(at..at, copied);
        if like.constraints {
            table.checks.extend(from.checks.iter().cloned());
        }
        if like.indexes {
            if table.primary_key.is_empty() {
                table.primary_key = from.primary_key.clone();
                table.primary_key_name = None;
            }
            for u in &from.uniques {
                table.uniques.push(Unique {
                    name: None,
                    columns: u.columns.clone(),
                    origin: origin.clone(),
                });
            }
            // Exclusion constraints come with the indexes, named anew.
            for x in &from.exclusions {
                table.exclusions.push(crate::schema::Exclusion {
                    name: None,
                    origin: origin.clone(),
                    ..x.clone()
                });
            }
            let indexes: Vec<Index> = self
                .schema
                .indexes
                .iter()
                .filter(|i| self.schema.same_name(&i.table, &source))
                .cloned()
                .collect();
            for index in indexes {
                let (relations, _) = self.names_in_schema(table);
                let parts: Vec<String> = index
                    .columns
                    .iter()
                    .map(|c| {
                        if c.chars().all(|ch| ch.is_alphanumeric() || ch == '_') {
                            c.clone()
                        } else {
                            c.split('(')
                                .next()
                                .filter(|f| !f.is_empty() && !f.contains(' '))
                                .unwrap_or("expr")
                                .to_lowercase()
                        }
                    })
                    .chain(index.include.iter().cloned())
                    .collect();
                let taken: Vec<String> = relations
                    .into_iter()
                    .chain(self.schema.indexes.iter().map(|i| i.name.name.clone()))
                    .collect();
                let name = super::constraints::choose(
                    &table.name.name,
                    Some(&parts.join("_")),
                    "idx",
                    &taken,
                );
                self.schema.indexes.push(Index {
                    name: Name {
                        schema: table.name.schema.clone(),
                        name,
                    },
                    table: table.name.clone(),
                    origin: origin.clone(),
                    ..index
                });
            }
        }
    }
}
