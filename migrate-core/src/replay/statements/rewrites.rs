//! Narrow rewrites of PostgreSQL statements sqlparser 0.63 cannot parse, before parsing. Each
//! blanks out (with spaces, so positions in error messages stay right) words that change
//! nothing the schema model keeps:
//!
//! - `CREATE MATERIALIZED VIEW … WITH [NO] DATA`: whether it is filled now;
//! - `ALTER TABLE … ALTER [COLUMN] c TYPE t COLLATE "C"`: the column's collation (not in the
//!   model).

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use super::offset_in;

/// The statement with what sqlparser cannot read blanked out, or `None` when it reads it all.
pub(super) fn rewrite(sql: &str) -> Option<String> {
    let tokens: Vec<TokenWithSpan> = Tokenizer::new(&PostgreSqlDialect {}, sql)
        .tokenize_with_location()
        .ok()?
        .into_iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .collect();
    let keyword = |i: usize| match tokens.get(i).map(|t| &t.token) {
        Some(Token::Word(w)) => Some(w.keyword),
        _ => None,
    };
    let mut blank: Vec<usize> = Vec::new();
    match (keyword(0), keyword(1), keyword(2)) {
        (Some(Keyword::CREATE), Some(Keyword::MATERIALIZED), Some(Keyword::VIEW)) => {
            let mut end = tokens.len();
            while end > 0 && matches!(tokens[end - 1].token, Token::SemiColon) {
                end -= 1;
            }
            if end >= 3
                && keyword(end - 1) == Some(Keyword::DATA)
                && keyword(end - 2) == Some(Keyword::NO)
                && keyword(end - 3) == Some(Keyword::WITH)
            {
                blank.extend([end - 3, end - 2, end - 1]);
            } else if end >= 2
                && keyword(end - 1) == Some(Keyword::DATA)
                && keyword(end - 2) == Some(Keyword::WITH)
            {
                blank.extend([end - 2, end - 1]);
            }
        }
        (Some(Keyword::ALTER), Some(Keyword::TABLE), _) => {
            // `TYPE <type> COLLATE <name>`: the COLLATE after a TYPE, at the top level.
            let mut depth = 0i32;
            let mut after_type = false;
            for i in 0..tokens.len() {
                match &tokens[i].token {
                    Token::LParen => depth += 1,
                    Token::RParen => depth -= 1,
                    Token::Comma if depth == 0 => after_type = false,
                    Token::Word(w) if depth == 0 && w.keyword == Keyword::TYPE => after_type = true,
                    Token::Word(w) if depth == 0 && after_type && w.keyword == Keyword::COLLATE => {
                        blank.push(i);
                        // The collation's name, possibly schema-qualified.
                        let mut j = i + 1;
                        while matches!(tokens.get(j).map(|t| &t.token), Some(Token::Word(_))) {
                            blank.push(j);
                            if matches!(tokens.get(j + 1).map(|t| &t.token), Some(Token::Period)) {
                                blank.push(j + 1);
                                j += 2;
                            } else {
                                break;
                            }
                        }
                        after_type = false;
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
    if blank.is_empty() {
        return None;
    }
    let mut out = sql.to_owned();
    for i in blank {
        let span = tokens[i].span;
        let at =
            |l: sqlparser::tokenizer::Location| offset_in(sql, l.line as usize, l.column as usize);
        let (start, end) = (at(span.start), at(span.end));
        let spaces: String = sql[start..end]
            .chars()
            .map(|c| " ".repeat(c.len_utf8()))
            .collect();
        out.replace_range(start..end, &spaces);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::rewrite;

    #[test]
    fn only_the_words_sqlparser_cannot_read_are_blanked() {
        assert_eq!(
            rewrite("CREATE MATERIALIZED VIEW mv AS SELECT 1 WITH NO DATA;").as_deref(),
            Some("CREATE MATERIALIZED VIEW mv AS SELECT 1             ;")
        );
        assert_eq!(
            rewrite("create materialized view mv as select 1 with data").as_deref(),
            Some("create materialized view mv as select 1          ")
        );
        assert_eq!(
            rewrite("ALTER TABLE t ALTER c TYPE varchar COLLATE \"C\", ALTER d TYPE text")
                .as_deref(),
            Some("ALTER TABLE t ALTER c TYPE varchar            , ALTER d TYPE text")
        );
        assert_eq!(
            rewrite("ALTER TABLE t ALTER c TYPE text COLLATE pg_catalog.\"default\" USING c")
                .as_deref(),
            Some(format!("ALTER TABLE t ALTER c TYPE text {} USING c", " ".repeat(28)).as_str())
        );
        assert_eq!(
            rewrite("ALTER TABLE t ADD CHECK (a COLLATE \"C\" > 'x')"),
            None
        );
        assert_eq!(rewrite("CREATE VIEW v AS SELECT 'WITH DATA' AS x"), None);
        assert_eq!(rewrite("SELECT 1"), None);
    }
}
