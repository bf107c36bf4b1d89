//! Byte offsets in a file -> human `line:col` positions.

use std::fmt;

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub col: usize,
}

impl LineCol {
    /// The position of byte `offset` in `text` (clamped to the text's end).
    pub fn of(text: &str, offset: usize) -> LineCol {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        LineCol { line, col }
    }
}

impl fmt::Display for LineCol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let text = "ab\ncdé\nf";
        assert_eq!(LineCol::of(text, 0), LineCol { line: 1, col: 1 });
        assert_eq!(LineCol::of(text, 3), LineCol { line: 2, col: 1 });
        assert_eq!(LineCol::of(text, 7), LineCol { line: 2, col: 4 });
        assert_eq!(
            LineCol::of(text, 6),
            LineCol { line: 2, col: 3 },
            "mid-char rounds down"
        );
        assert_eq!(LineCol::of(text, 99), LineCol { line: 3, col: 2 });
        assert_eq!(LineCol::of(text, 8).to_string(), "3:1");
    }
}
