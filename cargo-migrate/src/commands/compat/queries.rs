//! The previous release's checked queries (`query!`, `query_as!`, `query_scalar!` and their
//! `_file` variants, migrate-runtime's or sqlx's): each is described over the schema of its own
//! release and over the new one; what the old code was built for and no longer gets is a break.
//!
//! A query breaks when it no longer describes (a column or table it names is gone), when its
//! result columns no longer start with the same list (a `SELECT *` over a table that lost a column
//! or had one renamed: the old code reads them by position; one added at the end is not read), when a result column's new type is one the
//! Rust type chosen for the old one cannot read, or when a column the old code reads as NOT
//! NULL may now be NULL. Parameters are not compared: sqlx sends each argument with its own
//! type and the server converts it, so a parameter whose inferred type changed still works in
//! most cases; one that cannot be converted fails the query's description (an operator that
//! no longer exists) or is left to the run.

use std::path::{Path, PathBuf};

use migrate_core::Dialect;
use migrate_core::compat::{self, RustType, Verdict};
use migrate_core::query::{Described, QueryError, ResultColumn, base_type, describe};
use migrate_core::schema::Schema;
use proc_macro2::{Delimiter, TokenStream, TokenTree};

use super::Break;
use super::locate::{History, first_statement};
use crate::commands::rows::{Mismatch, shown};

/// A checked query of the old code.
pub struct Query {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The macro as written (`query!`, `query_as!`, …).
    pub mac: String,
    pub sql: String,
}

/// The queries whose text could not be read (a `_file` query's file missing at the ref, an
/// expression where the string literal should be).
pub struct Unread {
    pub file: PathBuf,
    pub line: usize,
    pub why: String,
}

const MACROS: &[&str] = &[
    "query",
    "query_as",
    "query_scalar",
    "query_file",
    "query_file_as",
    "query_file_scalar",
];

/// Every checked query in `files`; `root` is the package's folder (a `_file` query's path is
/// relative to it).
pub fn find(files: &[PathBuf], root: &Path) -> (Vec<Query>, Vec<Unread>) {
    let mut queries = Vec::new();
    let mut unread = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        // A file that does not tokenize is reported by the derives' scan already.
        if let Ok(tokens) = text.parse::<TokenStream>() {
            scan(file, root, tokens, &mut queries, &mut unread);
        }
    }
    (queries, unread)
}

/// Walks the tokens, into every group (a macro call inside another macro's arguments too).
fn scan(
    file: &Path,
    root: &Path,
    tokens: TokenStream,
    queries: &mut Vec<Query>,
    unread: &mut Vec<Unread>,
) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, token) in tokens.iter().enumerate() {
        match token {
            TokenTree::Group(group) => {
                scan(file, root, group.stream(), queries, unread);
            }
            TokenTree::Ident(ident) => {
                let name = ident.to_string();
                if !MACROS.contains(&name.as_str()) {
                    continue;
                }
                let (Some(TokenTree::Punct(bang)), Some(TokenTree::Group(args))) =
                    (tokens.get(i + 1), tokens.get(i + 2))
                else {
                    continue;
                };
                if bang.as_char() != '!' || args.delimiter() == Delimiter::None {
                    continue;
                }
                let start = ident.span().start();
                let at = |why: String| Unread {
                    file: file.to_path_buf(),
                    line: start.line,
                    why,
                };
                match query_text(&name, args.stream(), root) {
                    Ok(sql) => queries.push(Query {
                        file: file.to_path_buf(),
                        line: start.line,
                        column: start.column + 1,
                        mac: format!("{name}!"),
                        sql,
                    }),
                    Err(why) => unread.push(at(why)),
                }
            }
            _ => {}
        }
    }
}

/// The SQL of one call: its string literal (after `query_as!`'s type), or the file it names.
fn query_text(name: &str, args: TokenStream, root: &Path) -> Result<String, String> {
    let mut args = args.into_iter().peekable();
    if name.ends_with("_as") {
        // The output type: everything up to the first comma at this level.
        for token in args.by_ref() {
            if matches!(&token, TokenTree::Punct(p) if p.as_char() == ',') {
                break;
            }
        }
    }
    let Some(TokenTree::Literal(literal)) = args.next() else {
        return Err(format!("`{name}!`'s query is not a string literal"));
    };
    let text: syn::LitStr = syn::parse2(TokenTree::Literal(literal).into())
        .map_err(|_| format!("`{name}!`'s query is not a string literal"))?;
    let text = text.value();
    if !name.starts_with("query_file") {
        return Ok(text);
    }
    let path = root.join(&text);
    std::fs::read_to_string(&path).map_err(|e| format!("`{name}!`'s file {text}: {e}"))
}

/// What the old code got from a query and no longer gets.
struct Problem {
    /// What kind of break, and on which column: the same across the schemas of the statements
    /// [`first_statement`] replays (the text may differ from one to the next).
    key: String,
    text: String,
    /// The result column, when the break is one column's.
    member: Option<String>,
}

fn problem(dialect: Dialect, old: &Described, new: &Schema, sql: &str) -> Option<Problem> {
    let now = match describe(new, sql) {
        Ok(now) => now,
        Err(e) => {
            return Some(Problem {
                key: "describe".to_owned(),
                text: error_text(&e),
                member: None,
            });
        }
    };
    let names = |d: &Described| -> Vec<String> {
        d.columns
            .iter()
            .map(|c| Override::of(&c.name).name.to_owned())
            .collect()
    };
    // The old code reads the columns by position: more at the end (a `SELECT *` over a table
    // that gained a column) are not read.
    if !names(&now).starts_with(&names(old)) {
        return Some(Problem {
            key: "columns".to_owned(),
            text: format!(
                "its result columns were ({}), they are ({}): the old code reads them by position",
                names(old).join(", "),
                names(&now).join(", ")
            ),
            member: None,
        });
    }
    for (was, is) in old.columns.iter().zip(&now.columns) {
        let spec = Override::of(&was.name);
        let member = Some(spec.name.to_owned());
        if !spec.typed
            && let (Some(a), Some(b)) = (&was.sql_type, &is.sql_type)
            && !reads_both(dialect, a, b)
        {
            return Some(Problem {
                key: format!("type {}", spec.name),
                text: format!(
                    "column `{}` was `{a}`, it is `{b}`: the Rust type the old build chose for `{a}` cannot read it",
                    spec.name
                ),
                member,
            });
        }
        if !spec.not_null && was.not_null && !is.not_null {
            return Some(Problem {
                key: format!("null {}", spec.name),
                text: nullable(was),
                member,
            });
        }
    }
    None
}

/// The inference's message, with where in the query it is (as the macros say it).
fn error_text(e: &QueryError) -> String {
    match &e.at {
        Some(at) => format!(
            "{} (at line {}, column {} of the query)",
            e.message, at.line, at.col
        ),
        None => e.message.clone(),
    }
}

fn nullable(column: &ResultColumn) -> String {
    format!(
        "column `{}` was NOT NULL, it can be NULL now: the old code reads it without an Option and fails on a NULL",
        Override::of(&column.name).name
    )
}

/// sqlx's overrides in a result column's name: `col!`, `col?`, `col: Type`.
struct Override<'a> {
    name: &'a str,
    not_null: bool,
    typed: bool,
}

impl Override<'_> {
    fn of(name: &str) -> Override<'_> {
        let (head, typed) = match name.split_once(':') {
            Some((head, _)) => (head.trim_end(), true),
            None => (name, false),
        };
        let not_null = head.ends_with('!');
        Override {
            name: head.trim_end_matches(['!', '?']),
            not_null,
            typed,
        }
    }
}

/// Whether every Rust type that reads `was` also reads `is` (the old build chose one of them);
/// types no Rust type is known to read compare by name without modifiers.
fn reads_both(dialect: Dialect, was: &str, is: &str) -> bool {
    let readers: Vec<RustType> = RustType::all()
        .into_iter()
        .filter(|r| compat::check(dialect, r, was, false) == Verdict::Compatible)
        .collect();
    if readers.is_empty() {
        let base = |t: &str| base_type(t).to_ascii_lowercase();
        return base(was) == base(is);
    }
    readers
        .iter()
        .all(|r| compat::check(dialect, r, is, false) == Verdict::Compatible)
}

/// The breaks of the old release's queries: those that describe over the old schema (when it
/// replays; else every query) and, over the new one, fail or return what the old code cannot
/// read. The count of queries left unchecked (the inference cannot describe them over their own
/// schema) comes second.
pub fn breaks(
    queries: &[Query],
    new: &Schema,
    old: Option<&Schema>,
    history: Option<&History>,
    old_root: &Path,
) -> (Vec<Break>, usize) {
    let dialect = new.dialect;
    let mut out = Vec::new();
    let mut unchecked = 0;
    for q in queries {
        let was = match old.map(|s| describe(s, &q.sql)) {
            Some(Ok(was)) => was,
            // Over its own schema it does not describe: the build of that release failed on
            // it, or the inference cannot read it; nothing to compare with.
            Some(Err(_)) => {
                unchecked += 1;
                continue;
            }
            None => match describe(new, &q.sql) {
                Ok(_) => continue,
                Err(e) => {
                    out.push(report(q, old_root, error_text(&e), None, None));
                    continue;
                }
            },
        };
        let Some(found) = problem(dialect, &was, new, &q.sql) else {
            continue;
        };
        let migration = history.and_then(|h| {
            let holds = |schema: &Schema| {
                problem(dialect, &was, schema, &q.sql).is_some_and(|p| p.key == found.key)
            };
            first_statement(h, dialect, &holds)
        });
        out.push(report(q, old_root, found.text, found.member, migration));
    }
    (out, unchecked)
}

fn report(
    q: &Query,
    old_root: &Path,
    mut problem: String,
    member: Option<String>,
    migration: Option<(String, usize)>,
) -> Break {
    // Unless the message cites that statement already (a column renamed or dropped by it).
    if let Some((file, line)) = &migration
        && !problem.contains(&format!("{file}:{line}"))
    {
        problem.push_str(&format!(" (since {file}:{line})"));
    }
    Break {
        old: Mismatch {
            file: shown(old_root, &q.file),
            line: q.line,
            column: q.column,
            item: q.mac.clone(),
            member,
            problem,
            fix: None,
        },
        migration,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(source: &str) -> Vec<(String, String)> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("q.sql"), "SELECT 2").unwrap();
        let file = dir.path().join("lib.rs");
        std::fs::write(&file, source).unwrap();
        let (queries, unread) = find(&[file], dir.path());
        let mut out: Vec<(String, String)> = queries.into_iter().map(|q| (q.mac, q.sql)).collect();
        out.extend(unread.into_iter().map(|u| ("unread".to_owned(), u.why)));
        out
    }

    #[test]
    fn finds_each_macro_form_inside_other_code_and_macros() {
        let got = found(
            r##"
            async fn f() {
                let a = sqlx::query!("SELECT 1", x).fetch_one(&p).await;
                let b = query_as!(User, r#"SELECT "id!" FROM users"#);
                let c = tokio::join!(migrate_runtime::query_scalar!("SELECT 3"));
                let d = query_file!("q.sql");
                let e = query!(QUERY);
                // query!("in a comment")
                let f = query("not a macro");
            }
            "##,
        );
        assert_eq!(
            got,
            [
                ("query!".to_owned(), "SELECT 1".to_owned()),
                (
                    "query_as!".to_owned(),
                    r#"SELECT "id!" FROM users"#.to_owned()
                ),
                ("query_scalar!".to_owned(), "SELECT 3".to_owned()),
                ("query_file!".to_owned(), "SELECT 2".to_owned()),
                (
                    "unread".to_owned(),
                    "`query!`'s query is not a string literal".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn overrides_are_read_from_the_column_name() {
        let o = Override::of("id!: UserId");
        assert_eq!((o.name, o.not_null, o.typed), ("id", true, true));
        let o = Override::of("name?");
        assert_eq!((o.name, o.not_null, o.typed), ("name", false, false));
    }

    #[test]
    fn a_type_change_breaks_only_when_the_old_rust_type_cannot_read_the_new_type() {
        let pg = Dialect::Postgres;
        assert!(!reads_both(pg, "integer", "bigint"));
        assert!(reads_both(pg, "character varying(40)", "text"));
        assert!(reads_both(pg, "json", "jsonb"));
        assert!(!reads_both(
            pg,
            "timestamp with time zone",
            "timestamp without time zone"
        ));
        assert!(reads_both(pg, "mood", "mood"));
        assert!(!reads_both(pg, "mood", "text"));
    }
}
