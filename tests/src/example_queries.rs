//! The SQL of the checked queries an example application writes: every `query!`,
//! `query_as!(Type, …)`, `query_scalar!` string in its `.rs` files, and the file each
//! `_file` variant names, for the differential test (`tests/integration/query_corpus.rs`).
//!
//! A small scanner, not a Rust parser: it skips comments, strings and character literals, and
//! reads the string literal (plain or raw) that follows each macro's opening parenthesis (after
//! the type, for `query_as!`).

use std::path::{Path, PathBuf};

/// One query found in an example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleQuery {
    /// `file:line` of the macro call, relative to the example's directory.
    pub at: String,
    /// The SQL text (a `_file` variant's file's contents).
    pub sql: String,
}

/// Every checked query in the `.rs` files under `package` (recursively, in path order).
pub fn example_queries(package: &Path) -> Vec<ExampleQuery> {
    let mut files = Vec::new();
    collect_rs(package, &mut files);
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let shown = file.strip_prefix(package).unwrap_or(&file).display();
        for (line, sql, from_file) in scan(&text) {
            let sql = if from_file {
                std::fs::read_to_string(package.join(&sql))
                    .unwrap_or_else(|e| panic!("{shown}:{line}: query file {sql}: {e}"))
            } else {
                sql
            };
            out.push(ExampleQuery {
                at: format!("{shown}:{line}"),
                sql,
            });
        }
    }
    out
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() && path.file_name().is_some_and(|n| n != "target") {
            collect_rs(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `(line, string, from_file)` of each checked-query macro call in `text`.
pub fn scan(text: &str) -> Vec<(usize, String, bool)> {
    let chars: Vec<char> = text.chars().collect();
    let line_at = |i: usize| 1 + chars[..i].iter().filter(|c| **c == '\n').count();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            i = skip_until(&chars, i, "\n");
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            i = skip_until(&chars, i + 2, "*/");
        } else if c == '"' || (c == 'r' && raw_start(&chars, i).is_some()) {
            i = string(&chars, i).map_or(chars.len(), |(_, end)| end);
        } else if c == '\'' {
            i = char_literal(&chars, i);
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let preceded =
                start > 0 && (chars[start - 1].is_alphanumeric() || chars[start - 1] == '_');
            let Some(kind) = macro_kind(&word).filter(|_| !preceded) else {
                continue;
            };
            let mut j = skip_ws(&chars, i);
            if chars.get(j) != Some(&'!') {
                continue;
            }
            j = skip_ws(&chars, j + 1);
            if !matches!(chars.get(j), Some('(' | '{' | '[')) {
                continue;
            }
            j = skip_ws(&chars, j + 1);
            if kind.typed {
                j = skip_type(&chars, j);
            }
            if let Some((sql, end)) = string(&chars, j) {
                found.push((line_at(start), sql, kind.from_file));
                i = end;
            }
        } else {
            i += 1;
        }
    }
    found
}

struct MacroKind {
    typed: bool,
    from_file: bool,
}

fn macro_kind(word: &str) -> Option<MacroKind> {
    let (base, from_file) = match word.strip_suffix("_file") {
        Some(base) => (base, true),
        None => (word, false),
    };
    let typed = match base {
        "query" | "query_scalar" => false,
        "query_as" => true,
        _ => return None,
    };
    Some(MacroKind { typed, from_file })
}

fn skip_ws(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() && chars[i].is_whitespace() {
        i += 1;
    }
    i
}

fn skip_until(chars: &[char], mut i: usize, end: &str) -> usize {
    let end: Vec<char> = end.chars().collect();
    while i < chars.len() {
        if chars[i..].starts_with(&end) {
            return i + end.len();
        }
        i += 1;
    }
    i
}

/// Past `Type,` (angle brackets may hold commas).
fn skip_type(chars: &[char], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < chars.len() {
        match chars[i] {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => return skip_ws(chars, i + 1),
            _ => {}
        }
        i += 1;
    }
    i
}

/// The number of `#` of a raw string starting at `i` (`r"`, `r#"`, …).
fn raw_start(chars: &[char], i: usize) -> Option<usize> {
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return None;
    }
    let mut j = i + 1;
    while chars.get(j) == Some(&'#') {
        j += 1;
    }
    (chars.get(j) == Some(&'"')).then_some(j - i - 1)
}

/// The value of the string literal at `i` and the index past it.
fn string(chars: &[char], i: usize) -> Option<(String, usize)> {
    if chars.get(i) == Some(&'r') {
        let hashes = raw_start(chars, i)?;
        let body = i + 2 + hashes;
        let mut close = vec!['"'];
        close.extend(std::iter::repeat_n('#', hashes));
        let mut j = body;
        while j < chars.len() {
            if chars[j..].starts_with(&close) {
                return Some((chars[body..j].iter().collect(), j + close.len()));
            }
            j += 1;
        }
        return None;
    }
    if chars.get(i) != Some(&'"') {
        return None;
    }
    let mut value = String::new();
    let mut j = i + 1;
    while j < chars.len() {
        match chars[j] {
            '"' => return Some((value, j + 1)),
            '\\' => {
                j += 1;
                match chars.get(j) {
                    Some('n') => value.push('\n'),
                    Some('t') => value.push('\t'),
                    Some('r') => value.push('\r'),
                    Some('0') => value.push('\0'),
                    // A line continuation drops the newline and the next line's indentation.
                    Some('\n') => j = skip_ws(chars, j + 1) - 1,
                    Some(other) => value.push(*other),
                    None => return None,
                }
            }
            other => value.push(other),
        }
        j += 1;
    }
    None
}

/// Past a character literal (`'x'`, `'\n'`, `'"'`), or past the `'` of a lifetime.
fn char_literal(chars: &[char], i: usize) -> usize {
    match (chars.get(i + 1), chars.get(i + 2)) {
        (Some('\\'), _) => skip_until(chars, i + 3, "'"),
        (Some(_), Some('\'')) => i + 3,
        _ => i + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::scan;

    #[test]
    fn finds_each_macro_and_its_string_but_not_in_comments_or_strings() {
        let text = r####"
// query!("SELECT in a comment")
/* query!("SELECT in a block") */
let q = '"'; let s: &'static str = "query!(\"in a string\")";
let a = query!("SELECT 1 AS \"x!\", 'a\
        b' AS y", id);
let b = migrate_runtime::query_as!(Row<A, B>, r#"SELECT "a" FROM t"#);
let c = query_scalar! ( r"SELECT 2" );
let d = query_file!("queries/q.sql", id);
let e = sqlx::query("not a macro");
let f = my_query!("not ours");
"####;
        assert_eq!(
            scan(text),
            [
                (5, "SELECT 1 AS \"x!\", 'ab' AS y".to_owned(), false),
                (7, "SELECT \"a\" FROM t".to_owned(), false),
                (8, "SELECT 2".to_owned(), false),
                (9, "queries/q.sql".to_owned(), true),
            ]
        );
    }
}
