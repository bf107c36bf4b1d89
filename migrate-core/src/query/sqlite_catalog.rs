//! SQLite's built-in functions: what each returns and when it is NULL, from the catalog
//! generated from the SQLite that sqlx bundles (`catalog/sqlite/functions.tsv`, written by
//! `catalog/sqlite/generate.py` from `PRAGMA function_list` and a committed table of result
//! classes read from SQLite's documentation). The data is compiled in; nothing is fetched.

use std::sync::OnceLock;

use sqlparser::tokenizer::Span;

use super::QueryError;
use super::functions::{Nulls, Returns};

/// The generated catalog: a header, then one function (name, kind, narg, flags, returns,
/// nulls) a line.
const TSV: &str = include_str!("../../catalog/sqlite/functions.tsv");

/// One row of the catalog: a function and one number of arguments it takes.
struct Entry {
    name: &'static str,
    /// As SQLite counts: `n` exactly, -1 any number, -3 at least one, -4 at least two.
    narg: i32,
    returns: Returns,
    nulls: Nulls,
}

/// What the catalog says of a call.
pub(super) enum Lookup {
    /// A built-in function taking this many arguments.
    Found(Returns, Nulls),
    /// Not a built-in function (an application-defined one, or a typo SQLite reports).
    Unknown,
    /// A built-in function that takes no such number of arguments: the counts it takes
    /// (`1 or 2`, `at least 2`).
    WrongArity(String),
}

fn catalog() -> &'static [Entry] {
    static CATALOG: OnceLock<Vec<Entry>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        TSV.lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .skip(1)
            .map(|line| parse(line).unwrap_or_else(|| panic!("functions.tsv: bad line {line:?}")))
            .collect()
    })
}

fn parse(line: &'static str) -> Option<Entry> {
    let [name, kind, narg, _flags, returns, nulls] =
        <[&str; 6]>::try_from(line.split('\t').collect::<Vec<_>>()).ok()?;
    if !matches!(kind, "s" | "a" | "w") {
        return None;
    }
    let returns = match returns {
        "INTEGER" | "REAL" | "TEXT" | "BLOB" | "NUMERIC" => Returns::Fixed(returns),
        "first" => Returns::First,
        "number" => Returns::Sum,
        "common" => Returns::Common,
        "text_or_blob" => Returns::TextOrBlob,
        "unknown" => Returns::Unknown,
        _ => return None,
    };
    let nulls = match nulls {
        "never" => Nulls::Never,
        "strict" => Nulls::Strict,
        "allnull" => Nulls::AllNull,
        "maybe" => Nulls::Maybe,
        _ => return None,
    };
    Some(Entry {
        name,
        narg: narg.parse().ok()?,
        returns,
        nulls,
    })
}

/// Whether a function of `narg` (SQLite's count) takes `argc` arguments.
fn takes(narg: i32, argc: usize) -> bool {
    match narg {
        -1 => true,
        n if n < -1 => argc as i64 >= i64::from(-2 - n),
        n => argc as i64 == i64::from(n),
    }
}

/// The built-in function `name` (lower case) called with `argc` arguments. As SQLite
/// resolves it, a row for exactly `argc` arguments wins over a variadic one (`max(x)` is the
/// aggregate, `max(x, y)` the scalar function).
pub(super) fn lookup(name: &str, argc: usize) -> Lookup {
    let rows: Vec<&Entry> = catalog().iter().filter(|e| e.name == name).collect();
    if rows.is_empty() {
        return Lookup::Unknown;
    }
    let exact = rows.iter().find(|e| e.narg >= 0 && takes(e.narg, argc));
    match exact.or_else(|| rows.iter().find(|e| takes(e.narg, argc))) {
        Some(e) => Lookup::Found(e.returns, e.nulls),
        None => Lookup::WrongArity(arities(&rows)),
    }
}

/// The error SQLite gives a call of built-in `name` with `passes` arguments, where it takes
/// `takes` ([`Lookup::WrongArity`]), at the call's `span`.
pub(super) fn wrong_arity(name: &str, takes: &str, passes: usize, span: Span) -> QueryError {
    let s = if takes == "1" { "" } else { "s" };
    QueryError::new(
        format!(
            "wrong number of arguments to function {name}(): SQLite's {name}() takes {takes} \
             argument{s}, this call passes {passes}"
        ),
        span,
    )
}

/// `1`, `1 or 2`, `at least 2` (an argument count a variadic row takes).
fn arities(rows: &[&Entry]) -> String {
    let mut exact: Vec<i32> = rows.iter().map(|e| e.narg).filter(|n| *n >= 0).collect();
    exact.sort_unstable();
    exact.dedup();
    let mut parts: Vec<String> = exact.iter().map(i32::to_string).collect();
    if let Some(least) = rows.iter().map(|e| e.narg).filter(|n| *n < -1).max() {
        parts.push(format!("at least {}", -2 - least));
    }
    match parts.as_slice() {
        [] => "any number of".to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_of_the_catalog_parses() {
        let lines = TSV
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .count();
        // The header is not a function.
        assert_eq!(catalog().len(), lines - 1);
        assert!(
            TSV.starts_with("# SQLite 3."),
            "the header names the version"
        );
        for name in ["lower", "count", "json_extract", "unixepoch", "row_number"] {
            assert!(catalog().iter().any(|e| e.name == name), "{name} is listed");
        }
    }

    #[test]
    fn the_exact_count_wins_over_a_variadic_row() {
        assert!(matches!(
            lookup("max", 1),
            Lookup::Found(Returns::First, Nulls::Maybe)
        ));
        assert!(matches!(
            lookup("max", 3),
            Lookup::Found(Returns::Common, Nulls::Strict)
        ));
    }

    #[test]
    fn a_wrong_count_names_the_counts_taken() {
        assert!(matches!(lookup("lower", 2), Lookup::WrongArity(a) if a == "1"));
        assert!(matches!(lookup("substr", 1), Lookup::WrongArity(a) if a == "2 or 3"));
        assert!(matches!(lookup("coalesce", 1), Lookup::WrongArity(a) if a == "at least 2"));
        assert!(matches!(lookup("my_app_function", 7), Lookup::Unknown));
        assert!(matches!(lookup("printf", 0), Lookup::Found(..)));
    }
}
