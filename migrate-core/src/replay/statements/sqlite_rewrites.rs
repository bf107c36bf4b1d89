//! A narrow rewrite of SQLite `CREATE TABLE` statements sqlparser 0.63 cannot parse, before
//! parsing: SQLite's grammar lets table constraints follow each other without a comma
//! (`CONSTRAINT a UNIQUE (x) CONSTRAINT b UNIQUE (y)`, as in tabby's migrations); sqlparser
//! wants one. The comma replaces the whitespace character just before the constraint, so
//! every byte keeps its offset and error positions stay right.

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

/// The statement with the missing commas between table constraints put in, or `None` when
/// none is missing.
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
    let mut commas = Vec::new();
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
            }
            Token::Word(w)
                if depth == 1
                    && in_constraint
                    && STARTS.contains(&w.keyword)
                    && matches!(tokens[i - 1].token, Token::RParen) =>
            {
                let at = tokens[i].span.start;
                let offset = offset_in(
                    sql,
                    usize::try_from(at.line).ok()?,
                    usize::try_from(at.column).ok()?,
                );
                // The whitespace just before the word becomes the comma.
                let before = sql[..offset].chars().next_back()?;
                if !before.is_whitespace() || before.len_utf8() != 1 {
                    return None;
                }
                commas.push(offset - 1);
            }
            _ => {}
        }
    }
    if commas.is_empty() {
        return None;
    }
    let mut out = sql.as_bytes().to_vec();
    for at in commas {
        out[at] = b',';
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
}
