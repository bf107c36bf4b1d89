//! PostgreSQL 18 syntax sqlparser 0.63 cannot read, rewritten before parsing:
//!
//! - virtual generated columns: `c int GENERATED ALWAYS AS (expr) [VIRTUAL]` (18's default when
//!   neither `STORED` nor `VIRTUAL` is written). sqlparser's PostgreSQL dialect insists on
//!   `STORED`: the statement is parsed with `STORED` and the column is marked virtual afterwards
//!   (by name, from [`Pg18::virtual_columns`]).
//! - not-null constraints: `ALTER TABLE t ADD [CONSTRAINT n] NOT NULL c [NO INHERIT]`, which is
//!   `ALTER TABLE t ALTER COLUMN c SET NOT NULL` to the model, and the table constraint
//!   `[CONSTRAINT n] NOT NULL c` in `CREATE TABLE`, blanked out and applied to the column
//!   afterwards (from [`Pg18::not_null_columns`]). The constraint's name is not kept: neither
//!   `verify` nor the derives read it.
//!
//! Rewrites keep the statement's length where they can (blanks, same-length words), so error
//! positions stay right; inserting `STORED` after a generated expression shifts the rest of that
//! line by seven columns.

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer, Word};

use super::offset_in;

/// A statement rewritten for sqlparser, and the generated columns it made `STORED` that are
/// virtual.
#[derive(Debug, PartialEq)]
pub(super) struct Pg18 {
    pub sql: String,
    /// Column names as PostgreSQL folds them (unquoted: lower case).
    pub virtual_columns: Vec<String>,
    /// Columns a `CREATE TABLE`'s table constraint `NOT NULL c` makes not null, folded.
    pub not_null_columns: Vec<String>,
}

/// One replacement of `start..end` (byte offsets) by `with`.
struct Edit {
    start: usize,
    end: usize,
    with: String,
}

/// The statement rewritten, or `None` when it holds none of the syntax above.
pub(super) fn rewrite(sql: &str) -> Option<Pg18> {
    let tokens: Vec<TokenWithSpan> = Tokenizer::new(&PostgreSqlDialect {}, sql)
        .tokenize_with_location()
        .ok()?
        .into_iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .collect();
    let word = |i: usize| match tokens.get(i).map(|t| &t.token) {
        Some(Token::Word(w)) => Some(w),
        _ => None,
    };
    let keyword = |i: usize| word(i).map(|w| w.keyword);
    let create = keyword(0) == Some(Keyword::CREATE);
    let alter = keyword(0) == Some(Keyword::ALTER) && keyword(1) == Some(Keyword::TABLE);
    if !create && !alter {
        return None;
    }
    let at = |l: Location| offset_in(sql, l.line as usize, l.column as usize);
    let mut edits = Vec::new();
    let mut virtual_columns = Vec::new();
    let mut not_null_columns = Vec::new();
    // The first token of the element (column or constraint) being read, at the table's depth.
    let base = if create { 1 } else { 0 };
    let mut depth = 0i32;
    let mut element = None;
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i].token {
            Token::LParen => {
                depth += 1;
                if create && depth == 1 {
                    element = Some(i + 1);
                }
            }
            Token::RParen => depth -= 1,
            Token::Comma if depth == base => {
                element = Some(i + 1);
                if create && let Some((edit, column)) = table_not_null(&tokens, i, sql, at) {
                    edits.push(edit);
                    not_null_columns.push(column);
                }
            }
            Token::Word(w) if depth == base && alter && w.keyword == Keyword::ADD => {
                element = Some(i + 1);
                if let Some(edit) = add_not_null(&tokens, i, sql, at) {
                    edits.push(edit);
                }
            }
            Token::Word(w)
                if depth == base
                    && w.keyword == Keyword::GENERATED
                    && keyword(i + 1) == Some(Keyword::ALWAYS)
                    && keyword(i + 2) == Some(Keyword::AS)
                    && matches!(tokens.get(i + 3).map(|t| &t.token), Some(Token::LParen)) =>
            {
                let close = matching_paren(&tokens, i + 3)?;
                let name = element.and_then(|e| column_name(&tokens[e..i]));
                match keyword(close + 1) {
                    Some(Keyword::STORED) => {}
                    Some(Keyword::VIRTUAL) => {
                        let span = tokens[close + 1].span;
                        edits.push(Edit {
                            start: at(span.start),
                            end: at(span.end),
                            with: "STORED ".to_owned(),
                        });
                        virtual_columns.extend(name);
                    }
                    _ => {
                        let end = at(tokens[close].span.end);
                        edits.push(Edit {
                            start: end,
                            end,
                            with: " STORED".to_owned(),
                        });
                        virtual_columns.extend(name);
                    }
                }
                i = close + 1;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if edits.is_empty() {
        return None;
    }
    let mut out = sql.to_owned();
    edits.sort_by_key(|e| e.start);
    for edit in edits.iter().rev() {
        out.replace_range(edit.start..edit.end, &edit.with);
    }
    Some(Pg18 {
        sql: out,
        virtual_columns,
        not_null_columns,
    })
}

/// The keyword of token `i`, if it is a word.
fn keyword_at(tokens: &[TokenWithSpan], i: usize) -> Option<Keyword> {
    match tokens.get(i).map(|t| &t.token) {
        Some(Token::Word(w)) => Some(w.keyword),
        _ => None,
    }
}

/// `[CONSTRAINT n] NOT NULL c [NO INHERIT]` starting at token `i`: the index of `c` and of the
/// clause's last token.
fn not_null_clause(tokens: &[TokenWithSpan], mut i: usize) -> Option<(usize, usize)> {
    if keyword_at(tokens, i) == Some(Keyword::CONSTRAINT) {
        i += 2;
    }
    if keyword_at(tokens, i) != Some(Keyword::NOT)
        || keyword_at(tokens, i + 1) != Some(Keyword::NULL)
    {
        return None;
    }
    let column = i + 2;
    if !matches!(tokens.get(column).map(|t| &t.token), Some(Token::Word(_))) {
        return None;
    }
    let mut last = column;
    if keyword_at(tokens, last + 1) == Some(Keyword::NO)
        && keyword_at(tokens, last + 2) == Some(Keyword::INHERIT)
    {
        last += 2;
    }
    Some((column, last))
}

/// `ADD [CONSTRAINT n] NOT NULL c [NO INHERIT]` from the `ADD` at `add`, as
/// `ALTER COLUMN c SET NOT NULL`, padded with blanks to the written length.
fn add_not_null(
    tokens: &[TokenWithSpan],
    add: usize,
    sql: &str,
    at: impl Fn(Location) -> usize,
) -> Option<Edit> {
    let (column, last) = not_null_clause(tokens, add + 1)?;
    let column = &tokens[column];
    let (start, end) = (at(tokens[add].span.start), at(tokens[last].span.end));
    let written = &sql[at(column.span.start)..at(column.span.end)];
    let mut with = format!("ALTER COLUMN {written} SET NOT NULL");
    let wanted = sql[start..end].chars().count();
    let have = with.chars().count();
    if have < wanted {
        with.push_str(&" ".repeat(wanted - have));
    }
    Some(Edit { start, end, with })
}

/// `, [CONSTRAINT n] NOT NULL c [NO INHERIT]` from the comma at `comma`, up to the next `,` or
/// `)`: blanked (comma included), and the column it makes not null.
fn table_not_null(
    tokens: &[TokenWithSpan],
    comma: usize,
    sql: &str,
    at: impl Fn(Location) -> usize,
) -> Option<(Edit, String)> {
    let (column, last) = not_null_clause(tokens, comma + 1)?;
    let Token::Word(column) = &tokens[column].token else {
        return None;
    };
    if !matches!(
        tokens.get(last + 1).map(|t| &t.token),
        Some(Token::Comma | Token::RParen)
    ) {
        return None;
    }
    let (start, end) = (at(tokens[comma].span.start), at(tokens[last].span.end));
    let blank = sql[start..end]
        .chars()
        .map(|c| {
            if c == '\n' {
                "\n".to_owned()
            } else {
                " ".repeat(c.len_utf8())
            }
        })
        .collect();
    Some((
        Edit {
            start,
            end,
            with: blank,
        },
        fold(column),
    ))
}

/// The index of the `)` closing the `(` at `open`.
fn matching_paren(tokens: &[TokenWithSpan], open: usize) -> Option<usize> {
    let mut depth = 0;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        match t.token {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The column an element (`[COLUMN] [IF NOT EXISTS] name type …`) defines, folded.
fn column_name(element: &[TokenWithSpan]) -> Option<String> {
    element.iter().find_map(|t| match &t.token {
        Token::Word(w)
            if w.quote_style.is_some()
                || !matches!(
                    w.keyword,
                    Keyword::COLUMN | Keyword::IF | Keyword::NOT | Keyword::EXISTS
                ) =>
        {
            Some(fold(w))
        }
        _ => None,
    })
}

fn fold(w: &Word) -> String {
    match w.quote_style {
        Some(_) => w.value.clone(),
        None => w.value.to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::{Pg18, rewrite};

    fn rewritten(sql: &str) -> (String, Vec<String>) {
        let Pg18 {
            sql,
            virtual_columns,
            not_null_columns,
        } = rewrite(sql).expect("rewritten");
        assert!(not_null_columns.is_empty());
        (sql, virtual_columns)
    }

    #[test]
    fn table_not_null_constraints_are_blanked_and_named() {
        let sql = "CREATE TABLE t (id int, a int, CONSTRAINT a_nn NOT NULL a,\n NOT NULL \"B\" NO INHERIT, \"B\" int)";
        let out = rewrite(sql).expect("rewritten");
        assert_eq!(
            out.sql,
            format!(
                "CREATE TABLE t (id int, a int{}\n{}, \"B\" int)",
                " ".repeat(29),
                " ".repeat(24)
            )
        );
        assert_eq!(out.not_null_columns, ["a", "B"]);
        assert_eq!(
            rewrite("CREATE TABLE t (a int, CHECK (a IS NOT NULL))"),
            None
        );
    }

    #[test]
    fn virtual_generated_columns_parse_as_stored_and_are_named() {
        assert_eq!(
            rewritten("CREATE TABLE t (a int, \"B\" int GENERATED ALWAYS AS (a * 2), c int)"),
            (
                "CREATE TABLE t (a int, \"B\" int GENERATED ALWAYS AS (a * 2) STORED, c int)"
                    .to_owned(),
                vec!["B".to_owned()]
            )
        );
        assert_eq!(
            rewritten("create table t (a int, B int generated always as (f(a, 1)) virtual)"),
            (
                "create table t (a int, B int generated always as (f(a, 1)) STORED )".to_owned(),
                vec!["b".to_owned()]
            )
        );
        assert_eq!(
            rewritten(
                "CREATE TABLE t (a int GENERATED ALWAYS AS (1), b int GENERATED ALWAYS AS (2) VIRTUAL)"
            )
            .1,
            ["a", "b"]
        );
        assert_eq!(
            rewritten("ALTER TABLE t ADD COLUMN IF NOT EXISTS d int GENERATED ALWAYS AS (a)").1,
            vec!["d".to_owned()]
        );
    }

    #[test]
    fn stored_columns_identities_and_other_statements_are_left_alone() {
        assert_eq!(
            rewrite("CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a) STORED)"),
            None
        );
        assert_eq!(
            rewrite("CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY)"),
            None
        );
        assert_eq!(
            rewrite("CREATE VIEW v AS SELECT 'GENERATED ALWAYS AS (1)' AS x"),
            None
        );
        assert_eq!(
            rewrite("ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0)"),
            None
        );
    }

    #[test]
    fn not_null_constraints_become_set_not_null() {
        for (sql, want) in [
            (
                "ALTER TABLE t ADD CONSTRAINT t_a_nn NOT NULL a",
                "ALTER TABLE t ALTER COLUMN a SET NOT NULL",
            ),
            (
                "ALTER TABLE t ADD CONSTRAINT n NOT NULL \"A\" NO INHERIT",
                "ALTER TABLE t ALTER COLUMN \"A\" SET NOT NULL",
            ),
        ] {
            let out = rewritten(sql).0;
            assert_eq!(out.trim_end(), want);
            assert_eq!(out.len(), sql.len(), "blanks keep positions: {out:?}");
        }
        // Shorter than what it stands for: the rest of the line shifts.
        assert_eq!(
            rewritten("ALTER TABLE t ADD NOT NULL a").0,
            "ALTER TABLE t ALTER COLUMN a SET NOT NULL"
        );
    }
}
