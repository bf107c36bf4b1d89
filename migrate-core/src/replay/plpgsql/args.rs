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
    use crate::Dialect;
    use crate::replay::replay;
    use crate::replay::tests::scripts;
    use crate::schema::Schema;

    fn pg(files: &[&str]) -> Result<Schema, String> {
        replay(&scripts(Dialect::Postgres, files), Dialect::Postgres).map_err(|e| e.to_string())
    }

    fn tables(schema: &Schema) -> Vec<String> {
        let mut names: Vec<String> = schema.tables.iter().map(|t| t.name.to_string()).collect();
        names.sort();
        names
    }

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

    #[test]
    fn a_routine_called_with_literals_executes_with_its_parameters_bound() {
        // realworld-axum-sqlx: `SELECT trigger_updated_at('"user"')` after the function below.
        let setup = "CREATE TABLE \"user\" (id int);\nCREATE FUNCTION trigger_updated_at(tablename regclass) RETURNS void AS $$\nBEGIN\n  EXECUTE format('CREATE TRIGGER set_updated_at BEFORE UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION f()', tablename);\nEND;\n$$ LANGUAGE plpgsql;";
        assert_eq!(
            tables(&pg(&[setup, "SELECT trigger_updated_at('\"user\"');"]).unwrap()),
            ["user"]
        );
        let add = "CREATE FUNCTION add_log(tbl text) RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n  EXECUTE format('CREATE TABLE %I (id int)', tbl || '_log');\n  EXECUTE 'ALTER TABLE ' || $1 || ' ADD COLUMN note text';\nEND $$;";
        let s = pg(&[setup, add, "SELECT add_log('item');"]
            .map(|f| f.replace("\"user\"", "item"))
            .each_ref()
            .map(String::as_str))
        .unwrap();
        assert_eq!(tables(&s), ["item", "item_log"]);
        let item = s
            .tables
            .iter()
            .find(|t| t.name.to_string() == "item")
            .unwrap();
        assert!(item.columns.iter().any(|c| c.name == "note"));
        // An argument that is not a literal leaves the parameter unknown: an error, as before.
        let err = pg(&[setup, add, "SELECT add_log(name) FROM pg_tables;"]).unwrap_err();
        assert!(
            err.contains("EXECUTE of a string built from `tbl`"),
            "{err}"
        );
    }
}
