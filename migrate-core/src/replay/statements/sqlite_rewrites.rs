//! Narrow rewrites of SQLite `CREATE TABLE` statements sqlparser 0.63 cannot parse, before
//! parsing. Each keeps every byte at its offset, so error positions stay right and the
//! declared type is still read from the statement as written (`written_type`):
//!
//! - SQLite's grammar lets table constraints follow each other without a comma
//!   (`CONSTRAINT a UNIQUE (x) CONSTRAINT b UNIQUE (y)`, as in tabby's migrations); sqlparser
//!   wants one: it replaces the whitespace character just before the constraint;
//! - a declared type is any run of names (`INTEGER INTEGER`, `UNSIGNED BIG INT`); sqlparser
//!   reads one name (or its own multi-word types): the whitespace between the names becomes
//!   `_`, one name that sqlparser keeps as a custom type.

use sqlparser::dialect::SQLiteDialect;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, Tokenizer};

use super::offset_in;

/// Words that begin a table constraint.
const STARTS: &[Keyword] = &[
    Keyword::CONSTRAINT,
    Keyword::PRIMARY,
    Keyword::UNIQUE,
    Keyword::CHECK,
    Keyword::FOREIGN,
];

/// Words that end a column's type (a column constraint starts).
const TYPE_ENDS: &[&str] = &[
    "CONSTRAINT",
    "PRIMARY",
    "NOT",
    "NULL",
    "UNIQUE",
    "CHECK",
    "DEFAULT",
    "COLLATE",
    "REFERENCES",
    "GENERATED",
    "AS",
];

/// Words after the first of a type that sqlparser reads itself (`DOUBLE PRECISION`,
/// `CHARACTER VARYING`, `TIMESTAMP WITH TIME ZONE`, `INT UNSIGNED`).
const PARSED_TYPE_WORDS: &[&str] = &[
    "PRECISION",
    "VARYING",
    "LARGE",
    "OBJECT",
    "WITH",
    "WITHOUT",
    "TIME",
    "ZONE",
    "UNSIGNED",
    "SIGNED",
];

/// The statement with the missing commas between table constraints put in and multi-word
/// types joined, or `None` when it needs neither.
pub(super) fn rewrite(sql: &str) -> Option<String> {
    let tokens: Vec<_> = Tokenizer::new(&SQLiteDialect {}, sql)
        .tokenize_with_location()
        .ok()?
        .into_iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .collect();
    let keyword = |i: usize| match tokens.get(i).map(|t| &t.token) {
        Some(Token::Word(w)) => Some(w.keyword),
        _ => None,
    };
    let table_at = (1..4).find(|&i| keyword(i) == Some(Keyword::TABLE))?;
    if keyword(0) != Some(Keyword::CREATE) {
        return None;
    }
    let offset = |i: usize| -> Option<usize> {
        let at = tokens[i].span.start;
        Some(offset_in(
            sql,
            usize::try_from(at.line).ok()?,
            usize::try_from(at.column).ok()?,
        ))
    };
    let mut commas = Vec::new();
    let mut joins: Vec<(usize, usize)> = Vec::new();
    let (mut depth, mut item_start, mut in_constraint) = (0usize, false, false);
    for i in table_at..tokens.len() {
        match &tokens[i].token {
            Token::LParen => {
                depth += 1;
                item_start |= depth == 1;
            }
            Token::RParen => depth = depth.saturating_sub(1),
            Token::Comma if depth == 1 => {
                item_start = true;
                in_constraint = false;
            }
            Token::Word(w) if depth == 1 && item_start => {
                item_start = false;
                in_constraint = STARTS.contains(&w.keyword);
                if !in_constraint {
                    // A column: its name, then its type's names up to a constraint.
                    let is_type_word = |j: usize| match tokens.get(j).map(|t| &t.token) {
                        Some(Token::Word(w)) => {
                            w.quote_style.is_none()
                                && !TYPE_ENDS.contains(&w.value.to_ascii_uppercase().as_str())
                        }
                        _ => false,
                    };
                    let mut end = i + 1;
                    while is_type_word(end) {
                        end += 1;
                    }
                    let later_parsed = (i + 2..end).any(|j| {
                        matches!(&tokens[j].token, Token::Word(w)
                            if PARSED_TYPE_WORDS.contains(&w.value.to_ascii_uppercase().as_str()))
                    });
                    if end > i + 2 && !later_parsed {
                        for j in i + 2..end {
                            let start = offset(j - 1)?
                                + match &tokens[j - 1].token {
                                    Token::Word(w) => w.value.len(),
                                    _ => 0,
                                };
                            joins.push((start, offset(j)?));
                        }
                    }
                }
            }
            Token::Word(w)
                if depth == 1
                    && in_constraint
                    && STARTS.contains(&w.keyword)
                    && matches!(tokens[i - 1].token, Token::RParen) =>
            {
                // The whitespace just before the word becomes the comma.
                let offset = offset(i)?;
                let before = sql[..offset].chars().next_back()?;
                if !before.is_whitespace() || before.len_utf8() != 1 {
                    return None;
                }
                commas.push(offset - 1);
            }
            _ => {}
        }
    }
    if commas.is_empty() && joins.is_empty() {
        return None;
    }
    let mut out = sql.as_bytes().to_vec();
    for at in commas {
        out[at] = b',';
    }
    for (start, end) in joins {
        if !sql
            .get(start..end)?
            .bytes()
            .all(|b| b.is_ascii_whitespace())
        {
            return None;
        }
        out[start..end].fill(b'_');
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_constraints_without_commas_get_them_in_place() {
        let sql = "CREATE TABLE IF NOT EXISTS users (\n  id INTEGER PRIMARY KEY,\n  email TEXT,\n  token TEXT,\n\n  CONSTRAINT `idx_email` UNIQUE (`email`)\n  CONSTRAINT `idx_token` UNIQUE (`token`)\n  FOREIGN KEY(id) REFERENCES t(id)\n)";
        let out = rewrite(sql).unwrap();
        assert_eq!(out.len(), sql.len());
        assert!(
            out.contains("UNIQUE (`email`)\n ,CONSTRAINT `idx_token` UNIQUE (`token`)\n ,FOREIGN"),
            "{out}"
        );
        // Column constraints after a parenthesis, and commas already there: unchanged.
        assert_eq!(
            rewrite(
                "CREATE TABLE t (a INT CHECK (a > 0) UNIQUE, CONSTRAINT c CHECK (a < 9), UNIQUE (a))"
            ),
            None
        );
        assert_eq!(rewrite("CREATE INDEX i ON t (a)"), None);
    }

    #[test]
    fn a_type_of_several_names_becomes_one_name_in_place() {
        let sql = "CREATE TABLE t (\n  user_id INTEGER INTEGER NOT NULL,\n  n UNSIGNED  BIG INT,\n  d DOUBLE PRECISION,\n  c CHARACTER VARYING(9) DEFAULT 'x',\n  k TEXT PRIMARY KEY\n)";
        assert_eq!(
            rewrite(sql).unwrap(),
            "CREATE TABLE t (\n  user_id INTEGER_INTEGER NOT NULL,\n  n UNSIGNED__BIG_INT,\n  d DOUBLE PRECISION,\n  c CHARACTER VARYING(9) DEFAULT 'x',\n  k TEXT PRIMARY KEY\n)"
        );
        assert_eq!(
            rewrite("CREATE TABLE t (a INT NOT NULL, \"b c\" TEXT)"),
            None
        );
    }
}
