//! A routine's parameters and a call's arguments: `f(_tbl regclass)` called as
//! `SELECT f('indexes')` binds `_tbl` (and `$1`) to `indexes` while its body replays, so an
//! `EXECUTE format('… %s …', _tbl)` in it is known. Only literal arguments bind.

use super::execute;
use super::parse::{Token, tokens};

/// The parameters of a `CREATE FUNCTION|PROCEDURE` whose list opens at byte `open` of `sql`:
/// their names as the database folds them, `""` for an unnamed one.
pub(super) fn parameters(sql: &str, open: usize) -> Vec<String> {
    list(sql, open)
        .into_iter()
        .map(|param| {
            let words: Vec<&str> = param
                .split_whitespace()
                .skip_while(|w| {
                    matches!(
                        w.to_ascii_uppercase().as_str(),
                        "IN" | "OUT" | "INOUT" | "VARIADIC"
                    )
                })
                .collect();
            match words.as_slice() {
                // `name type …`; a lone word is a type.
                [name, _, ..] if !name.contains('(') => fold(name),
                _ => String::new(),
            }
        })
        .collect()
}

/// The arguments of the call whose list opens at byte `open` of `sql`: each one's text when
/// it is a literal (or a variable of `vars`, the caller's), `None` otherwise.
pub(super) fn arguments(sql: &str, open: usize, vars: &[(String, String)]) -> Vec<Option<String>> {
    list(sql, open)
        .into_iter()
        .map(|arg| execute::value(arg, vars).ok())
        .collect()
}

/// `$n` and the parameter's name, for every argument the replay knows.
pub(super) fn bind(params: &[String], args: &[Option<String>]) -> Vec<(String, String)> {
    let mut vars = Vec::new();
    for (i, arg) in args.iter().enumerate() {
        let Some(value) = arg else { continue };
        vars.push((format!("${}", i + 1), value.clone()));
        if let Some(name) = params.get(i).filter(|n| !n.is_empty()) {
            vars.push((name.clone(), value.clone()));
        }
    }
    vars
}

/// The items of the parenthesised list opening at byte `open`, split at top-level commas.
fn list(sql: &str, open: usize) -> Vec<&str> {
    let text = &sql[open..];
    let Ok(toks) = tokens(text) else {
        return Vec::new();
    };
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut start = 1;
    for t in &toks {
        match t.token {
            Token::Open => depth += 1,
            Token::Close => {
                depth -= 1;
                if depth == 0 {
                    let item = text[start..t.start].trim();
                    if !item.is_empty() || !items.is_empty() {
                        items.push(item);
                    }
                    return items;
                }
            }
            Token::Other if depth == 1 && &text[t.start..t.end] == "," => {
                items.push(text[start..t.start].trim());
                start = t.end;
            }
            _ => {}
        }
    }
    Vec::new()
}

/// `"Name"` -> `Name`, `Name` -> `name`.
pub(super) fn fold(name: &str) -> String {
    match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
        Some(quoted) => quoted.replace("\"\"", "\""),
        None => name.to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_and_literal_arguments_bind_by_name_and_position() {
        let create =
            "CREATE FUNCTION f(_tbl regclass, IN \"Mode\" text DEFAULT 'a', integer) RETURNS void";
        let params = parameters(create, create.find('(').unwrap());
        assert_eq!(params, ["_tbl", "Mode", ""]);
        let call = "SELECT f('\"user\"', 'x' || 'y', n)";
        let args = arguments(call, call.find('(').unwrap(), &[]);
        assert_eq!(
            args,
            [Some("\"user\"".to_owned()), Some("xy".to_owned()), None]
        );
        assert_eq!(
            bind(&params, &args),
            [
                ("$1".to_owned(), "\"user\"".to_owned()),
                ("_tbl".to_owned(), "\"user\"".to_owned()),
                ("$2".to_owned(), "xy".to_owned()),
                ("Mode".to_owned(), "xy".to_owned()),
            ]
        );
        let call = "SELECT f()";
        assert!(arguments(call, call.find('(').unwrap(), &[]).is_empty());
        let call = "SELECT g(n)";
        let caller = [("n".to_owned(), "t".to_owned())];
        assert_eq!(
            arguments(call, call.find('(').unwrap(), &caller),
            [Some("t".to_owned())]
        );
    }
}
