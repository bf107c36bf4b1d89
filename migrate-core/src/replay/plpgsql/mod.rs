//! A small interpreter of PL/pgSQL control flow over the replayed schema: `DO` blocks, and the
//! bodies of functions and procedures when a migration calls them.
//!
//! - `IF [NOT] EXISTS (SELECT … FROM <catalog> WHERE …)`, `ELSIF`, `ELSE`: answered from the
//!   model ([`catalog`]);
//! - `BEGIN … EXCEPTION WHEN duplicate_object / duplicate_table / duplicate_column /
//!   undefined_object / undefined_table / … THEN … END`: the block's changes are undone and the
//!   handler runs when its statements fail as the database would fail them;
//! - `EXECUTE` of a literal, of literals joined with `||`, or of `format(…)` over literals;
//! - RAISE, PERFORM (of no remembered routine), ASSERT, assignments, `SELECT … INTO`: nothing;
//! - any other statement: replayed as a migration statement.
//!
//! `CREATE FUNCTION` / `CREATE PROCEDURE` (LANGUAGE plpgsql or sql) are remembered;
//! `SELECT f()`, `PERFORM f()` and `CALL p()` replay the body. What depends on data (a loop,
//! a CASE, a variable, an EXECUTE of a string built from data) is an error with its way out.

mod builtin;
mod catalog;
mod execute;
pub(super) mod parse;
#[cfg(test)]
mod tests;

// Routine parameters bound to the literals of a call.
mod args;

use parse::{Block, Stmt, Token};

use super::statements::Run;

/// How deep routines may call routines before the replay gives up (a recursion).
const MAX_DEPTH: usize = 16;

/// The routines (functions and procedures) created so far, across the migrations.
#[derive(Debug, Default)]
pub struct Routines {
    known: Vec<Routine>,
    /// The variables of the bodies being replayed, innermost last: a routine's parameters
    /// (by name and `$n`) bound to the literals of its call.
    frames: Vec<Vec<(String, String)>>,
}

#[derive(Debug, Clone)]
struct Routine {
    /// Unqualified, as the database folds it.
    name: String,
    /// Parameter names as the database folds them, `""` for an unnamed one.
    params: Vec<String>,
    plpgsql: bool,
    body: String,
    /// Where it was created, for messages.
    at: String,
}

/// Where the statements being interpreted are: `Some(offset of the body in the script)` for a
/// DO block, `None` for a routine's body (errors point at the call).
#[derive(Clone, Copy)]
struct Place {
    body_offset: Option<usize>,
    depth: usize,
}

/// A statement failed: the enclosing block stops, as in the database.
struct Abort;

impl Run<'_> {
    /// `DO [LANGUAGE plpgsql] $$ … $$`.
    pub(super) fn do_block(&mut self, sql: &str) {
        let statement_offset = self.offset;
        let Some((start, body)) = quoted_body(sql, sql.find(['$', '\''])) else {
            return self.error("cannot find the DO block's body");
        };
        let language = language(sql).unwrap_or_else(|| "plpgsql".into());
        if language != "plpgsql" {
            return self.error(format!(
                "a DO block in LANGUAGE {language}: the replay interprets only plpgsql"
            ));
        }
        let place = Place {
            body_offset: Some(statement_offset + start),
            depth: 0,
        };
        // A DO block sees no variables of a routine that runs it.
        self.routines.frames.push(Vec::new());
        let _ = self.run_body(&body, place);
        self.routines.frames.pop();
        self.offset = statement_offset;
    }

    /// `CREATE [OR REPLACE] FUNCTION|PROCEDURE …`: remembered for later calls. Returns whether
    /// `sql` is one.
    pub(super) fn create_routine(&mut self, words: &[String], sql: &str) -> bool {
        let kind = words
            .iter()
            .skip(1)
            .find(|w| !matches!(w.as_str(), "OR" | "REPLACE"))
            .map(String::as_str);
        if words.first().map(String::as_str) != Some("CREATE")
            || !matches!(kind, Some("FUNCTION" | "PROCEDURE"))
        {
            return false;
        }
        let upper = sql.to_ascii_uppercase();
        let Some(open) = sql.find('(') else {
            return true;
        };
        let keyword = upper.find(kind.unwrap_or("")).unwrap_or(0) + kind.unwrap_or("").len();
        let name = routine_name(sql[keyword..open].trim());
        let language = language(sql).unwrap_or_default();
        let as_at = find_word(&upper, "AS");
        let body = match as_at {
            Some(at) => quoted_body(sql, Some(at + 2)).map(|(_, b)| b),
            // `BEGIN ATOMIC … END` (SQL-standard body).
            None => find_word(&upper, "ATOMIC").map(|at| {
                let end = upper.rfind("END").unwrap_or(sql.len());
                sql[at + "ATOMIC".len()..end.max(at + "ATOMIC".len())].to_owned()
            }),
        };
        let (Some(body), "plpgsql" | "sql") = (body, language.as_str()) else {
            return true;
        };
        let at = super::origin(self.script, self.offset);
        self.routines.known.retain(|r| r.name != name);
        self.routines.known.push(Routine {
            name,
            params: args::parameters(sql, open),
            plpgsql: language == "plpgsql",
            body,
            at: format!("{}:{}", at.path, at.line),
        });
        true
    }

    /// Replays the bodies of the remembered routines that `sql` (a SELECT, PERFORM or CALL)
    /// calls, in order.
    pub(super) fn call_routines(&mut self, sql: &str) {
        let _ = self.calls(sql, 0);
    }

    fn calls(&mut self, sql: &str, depth: usize) -> Result<(), Abort> {
        if self.routines.known.is_empty() {
            return Ok(());
        }
        let Ok(toks) = parse::tokens(sql) else {
            return Ok(());
        };
        for pair in toks.windows(2) {
            let (Token::Word(_), Token::Open) = (&pair[0].token, &pair[1].token) else {
                continue;
            };
            let name = sql[pair[0].start..pair[0].end].to_lowercase();
            let Some(routine) = self.routines.known.iter().find(|r| r.name == name).cloned() else {
                continue;
            };
            if depth >= MAX_DEPTH {
                self.error(format!(
                    "routine {name} calls routines {MAX_DEPTH} deep: the replay stops at a recursion"
                ));
                return Err(Abort);
            }
            let before = self.errors.len();
            let place = Place {
                body_offset: None,
                depth: depth + 1,
            };
            let caller = self.routines.frames.last().cloned().unwrap_or_default();
            let call_args = args::arguments(sql, pair[1].start, &caller);
            self.routines
                .frames
                .push(args::bind(&routine.params, &call_args));
            let outcome = if routine.plpgsql {
                self.run_body(&routine.body, place)
            } else {
                self.sql_body(&routine.body, place)
            };
            self.routines.frames.pop();
            for e in &mut self.errors[before..] {
                e.message = format!(
                    "{} (in routine {}, created at {})",
                    e.message, routine.name, routine.at
                );
            }
            outcome?;
        }
        Ok(())
    }

    /// A LANGUAGE sql body: its statements, in order.
    fn sql_body(&mut self, body: &str, place: Place) -> Result<(), Abort> {
        let parts = match crate::split(body, self.dialect) {
            Ok(parts) => parts,
            Err(e) => {
                self.error(format!("cannot split the routine's body: {e}"));
                return Err(Abort);
            }
        };
        for part in parts {
            self.run_sql(part.sql, place)?;
        }
        Ok(())
    }

    /// Parses and runs a PL/pgSQL body.
    fn run_body(&mut self, body: &str, place: Place) -> Result<(), Abort> {
        let toks = match parse::tokens(body) {
            Ok(toks) => toks,
            Err((at, what)) => {
                self.error_in(
                    place,
                    at,
                    format!("{what} in the PL/pgSQL body is never closed"),
                );
                return Err(Abort);
            }
        };
        let block = match parse::Parser::new(body, &toks).body() {
            Ok(block) => block,
            Err(e) => {
                self.error_in(
                    place,
                    e.at,
                    format!("cannot read the PL/pgSQL body: {}", e.message),
                );
                return Err(Abort);
            }
        };
        self.block(body, &block, place)
    }

    /// An error at byte `at` of the body.
    fn error_in(&mut self, place: Place, at: usize, message: String) {
        match place.body_offset {
            Some(base) => self.error_at(base + at, message),
            None => self.error(message),
        }
    }

    fn block(&mut self, body: &str, block: &Block, place: Place) -> Result<(), Abort> {
        if block.handlers.is_empty() {
            return self.statements(body, &block.body, place);
        }
        let snapshot = self.schema.clone();
        let before = self.errors.len();
        let Err(Abort) = self.statements(body, &block.body, place) else {
            return Ok(());
        };
        let caught = self.errors.get(before).and_then(|e| condition(&e.message));
        let handler = block.handlers.iter().find(|(names, _)| {
            caught.is_some_and(|c| names.iter().any(|n| n == c || n == "others"))
        });
        let Some((_, handler)) = handler else {
            return Err(Abort);
        };
        *self.schema = snapshot;
        self.errors.truncate(before);
        self.statements(body, handler, place)
    }

    fn statements(&mut self, body: &str, statements: &[Stmt], place: Place) -> Result<(), Abort> {
        for statement in statements {
            self.interpret(body, statement, place)?;
        }
        Ok(())
    }

    fn interpret(&mut self, body: &str, statement: &Stmt, place: Place) -> Result<(), Abort> {
        match statement {
            Stmt::Nothing => Ok(()),
            Stmt::Block(block) => self.block(body, block, place),
            Stmt::If {
                branches,
                otherwise,
            } => {
                for ((start, end), statements) in branches {
                    let condition = &body[*start..*end];
                    match catalog::evaluate(self.schema, condition) {
                        Ok(true) => return self.statements(body, statements, place),
                        Ok(false) => {}
                        Err(why) => {
                            self.error_in(
                                place,
                                *start,
                                format!(
                                    "cannot evaluate the condition `{}` over the replayed schema: {why}",
                                    condition.split_whitespace().collect::<Vec<_>>().join(" ")
                                ),
                            );
                            return Err(Abort);
                        }
                    }
                }
                self.statements(body, otherwise, place)
            }
            Stmt::Unknowable { at, what } => {
                self.error_in(
                    place,
                    *at,
                    format!("{what}: what it does depends on data the replay does not have"),
                );
                Err(Abort)
            }
            Stmt::Execute { at, expr } => {
                let text = &body[expr.0..expr.1];
                let vars = self.routines.frames.last().cloned().unwrap_or_default();
                match execute::command(text, &vars) {
                    Ok(sql) => {
                        self.at(place, *at);
                        self.sql_body(&sql, place)
                    }
                    Err(why) => {
                        self.error_in(place, *at, format!("EXECUTE {why}"));
                        Err(Abort)
                    }
                }
            }
            Stmt::Query { at, span } => {
                self.at(place, *at);
                self.calls(&body[span.0..span.1], place.depth)
            }
            Stmt::Sql { at, span } => {
                self.at(place, *at);
                self.run_sql(&body[span.0..span.1], place)
            }
        }
    }

    /// Points the statement position at byte `at` of a DO block's body.
    fn at(&mut self, place: Place, at: usize) {
        if let Some(base) = place.body_offset {
            self.offset = base + at;
        }
    }

    /// One SQL statement inside a body; a failure stops the block.
    fn run_sql(&mut self, sql: &str, place: Place) -> Result<(), Abort> {
        let before = self.errors.len();
        let words: Vec<String> = sql
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .take(2)
            .map(str::to_ascii_uppercase)
            .collect();
        if matches!(
            words.first().map(String::as_str),
            Some("SELECT" | "CALL" | "PERFORM")
        ) {
            self.calls(sql, place.depth)?;
        } else {
            self.sql(sql);
        }
        if self.errors.len() > before {
            Err(Abort)
        } else {
            Ok(())
        }
    }
}

/// The PL/pgSQL condition a replay error is, as the database would raise it: `None` for an
/// error of the replay itself (something it cannot interpret), which no handler catches.
fn condition(message: &str) -> Option<&'static str> {
    let m = message;
    if m.starts_with("column ") && m.contains(" already exists") {
        Some("duplicate_column")
    } else if (m.starts_with("table ") || m.starts_with("index ") || m.starts_with("view "))
        && m.contains(" already exists")
    {
        Some("duplicate_table")
    } else if m.starts_with("schema ") && m.contains(" already exists") {
        Some("duplicate_schema")
    } else if m.contains(" already exists") {
        Some("duplicate_object")
    } else if m.starts_with("there is no table")
        || m.starts_with("there is no view")
        || m.starts_with("there is no index")
        || m.starts_with("there is no materialized view")
    {
        Some("undefined_table")
    } else if m.starts_with("column ") && m.contains(" does not exist") {
        Some("undefined_column")
    } else if m.starts_with("there is no ") || m.contains(" does not exist") {
        Some("undefined_object")
    } else {
        None
    }
}

/// `LANGUAGE x` in a statement, lower case.
fn language(sql: &str) -> Option<String> {
    let upper = sql.to_ascii_uppercase();
    let at = find_word(&upper, "LANGUAGE")?;
    sql[at + "LANGUAGE".len()..]
        .split(|c: char| c.is_whitespace() || c == ';')
        .find(|w| !w.is_empty())
        .map(|w| w.trim_matches(|c| c == '\'' || c == '"').to_lowercase())
}

/// The byte offset of `word` as a whole word outside quoted text, in upper-cased `upper`.
fn find_word(upper: &str, word: &str) -> Option<usize> {
    let toks = parse::tokens(upper).ok()?;
    toks.iter()
        .find(|t| matches!(&t.token, Token::Word(w) if w == word))
        .map(|t| t.start)
}

/// The first quoted string at or after `from`: `$tag$…$tag$` or `'…'` (quotes undoubled),
/// with the offset of its text.
fn quoted_body(sql: &str, from: Option<usize>) -> Option<(usize, String)> {
    let from = from?;
    let rel = sql[from..].find(['$', '\''])?;
    let start = from + rel;
    if sql[start..].starts_with('\'') {
        let bytes = sql.as_bytes();
        let mut i = start + 1;
        let mut text = String::new();
        while i < bytes.len() {
            if bytes[i] == b'\'' {
                if bytes.get(i + 1) == Some(&b'\'') {
                    text.push('\'');
                    i += 2;
                    continue;
                }
                return Some((start + 1, text));
            }
            let c = sql[i..].chars().next()?;
            text.push(c);
            i += c.len_utf8();
        }
        return None;
    }
    let tag = parse::dollar_tag(&sql[start..])?;
    let inner = start + tag.len();
    let close = sql[inner..].find(tag)?;
    Some((inner, sql[inner..inner + close].to_owned()))
}

/// `s.f` or `"F"` -> the name as the database folds it, unqualified.
fn routine_name(text: &str) -> String {
    let last = text.rsplit('.').next().unwrap_or(text).trim();
    match last.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
        Some(quoted) => quoted.to_owned(),
        None => last.to_lowercase(),
    }
}
