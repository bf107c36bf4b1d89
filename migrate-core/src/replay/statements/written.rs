//! SQLite keeps a column's declared type and default as written (`NUMERIC(5, 2)`, `FALSE`,
//! `x'00ff'`); sqlparser re-prints them (`NUMERIC(5,2)`, `false`, `X'00ff'`). These read the
//! statement's own text instead.

use sqlparser::ast::{ColumnDef, Expr, Spanned};
use sqlparser::tokenizer::Location;

use super::{Run, offset_in};

/// Words that end a column's type in SQLite's grammar (a column constraint starts).
const CONSTRAINT_WORDS: &[&str] = &[
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

impl Run<'_> {
    fn text_offset(&self, location: Location) -> Option<usize> {
        let line = usize::try_from(location.line).ok()?;
        let column = usize::try_from(location.column).ok()?;
        (line > 0).then(|| offset_in(&self.text, line, column))
    }

    /// The declared type as written after the column's name, upper-cased, when it is the type
    /// sqlparser read (`squashed` compares them without spaces).
    pub(super) fn written_type(&self, def: &ColumnDef, parsed: &str) -> Option<String> {
        let start = self.text_offset(def.name.span.end)?;
        let rest = self.text.get(start..)?;
        let (mut depth, mut end) = (0usize, rest.len());
        let mut word_start: Option<usize> = None;
        for (i, c) in rest.char_indices() {
            if c.is_alphanumeric() || c == '_' {
                word_start.get_or_insert(i);
                continue;
            }
            if let Some(w) = word_start.take()
                && depth == 0
                && CONSTRAINT_WORDS.contains(&rest[w..i].to_ascii_uppercase().as_str())
            {
                end = w;
                break;
            }
            match c {
                '(' => depth += 1,
                ')' if depth == 0 => {
                    end = i;
                    break;
                }
                ')' => depth -= 1,
                ',' if depth == 0 => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        if let Some(w) = word_start
            && CONSTRAINT_WORDS.contains(&rest[w..end].to_ascii_uppercase().as_str())
        {
            end = w;
        }
        let written = rest[..end].trim().trim_end_matches(';').trim();
        let squash = |s: &str| {
            s.chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_uppercase()
        };
        // A type of several names was read as one, joined with `_` (`sqlite_rewrites`).
        let joined: String = written
            .chars()
            .map(|c| if c.is_whitespace() { '_' } else { c })
            .collect();
        let same = squash(written) == squash(parsed) || joined.eq_ignore_ascii_case(parsed);
        (same && !written.is_empty()).then(|| written.to_ascii_uppercase())
    }

    /// A default expression as written, when its text is the expression sqlparser read.
    pub(super) fn written_expr(&self, expr: &Expr) -> Option<String> {
        let span = expr.span();
        let (start, end) = (self.text_offset(span.start)?, self.text_offset(span.end)?);
        let written = self.text.get(start..end)?.trim();
        let same = crate::diff::normalize_default(written)
            == crate::diff::normalize_default(&expr.to_string());
        (same && !written.is_empty()).then(|| written.to_owned())
    }
}
