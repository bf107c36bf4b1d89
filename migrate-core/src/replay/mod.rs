//! Schema replay: migration files -> the schema the database ends with, offline.
//!
//! Each script is split with the one splitter of this crate and parsed one statement at a
//! time with sqlparser (whose types stay inside this module). Statements that cannot change
//! tracked schema are recognised by their leading keywords and skipped; anything else that is
//! not understood is an error naming `path:line:col`, with two ways out written as a comment
//! on the statement: `-- migrate:replay <equivalent DDL>` or `-- migrate:replay-skip`.

mod cache;
mod statements;
pub use cache::replay_cached;
pub use statements::{check_from_sql, index_from_sql};
pub mod types;

use std::fmt;

use crate::schema::{Origin, Schema};
use crate::{Dialect, LineCol, Migration, Script, split};

/// A statement the replay cannot interpret, or that the real database would reject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayError {
    pub path: String,
    pub at: LineCol,
    pub message: String,
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path, self.at, self.message)
    }
}

/// Every replay error of a run, reported together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayErrors(pub Vec<ReplayError>);

impl fmt::Display for ReplayErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&lines.join("\n"))
    }
}

impl std::error::Error for ReplayErrors {}

/// Replays every migration, in order, into a fresh schema.
pub fn replay(migrations: &[Migration], dialect: Dialect) -> Result<Schema, ReplayErrors> {
    let mut schema = Schema::new(dialect);
    let mut errors = Vec::new();
    for m in migrations {
        if let Err(mut e) = replay_script(&mut schema, &m.up) {
            errors.append(&mut e.0);
        }
    }
    if errors.is_empty() {
        Ok(schema)
    } else {
        Err(ReplayErrors(errors))
    }
}

/// Replays one script into `schema`.
pub fn replay_script(schema: &mut Schema, script: &Script) -> Result<(), ReplayErrors> {
    let dialect = schema.dialect;
    let statements = match split(&script.sql, dialect) {
        Ok(s) => s,
        Err(e) => {
            return Err(ReplayErrors(vec![ReplayError {
                path: script.path.to_string(),
                at: LineCol::of(&script.sql, e.offset),
                message: e.to_string(),
            }]));
        }
    };
    let mut run = statements::Run::new(schema, script);
    for statement in &statements {
        run.statement(statement);
    }
    run.finish()
}

/// What a statement's leading comments ask of the replay.
enum Directive {
    None,
    Skip,
    Replace(String),
}

fn directive(leading: &str) -> Directive {
    let mut replacement = Vec::new();
    for line in leading.lines() {
        let Some(comment) = line.trim().strip_prefix("--") else {
            continue;
        };
        let Some(rest) = comment.trim().strip_prefix("migrate:") else {
            continue;
        };
        if rest.trim() == "replay-skip" {
            return Directive::Skip;
        }
        if let Some(ddl) = rest.strip_prefix("replay ") {
            replacement.push(ddl.trim().to_owned());
        }
    }
    if replacement.is_empty() {
        Directive::None
    } else {
        Directive::Replace(replacement.join("\n"))
    }
}

/// Statement kinds that cannot change the tracked schema, by their leading keywords.
fn is_untracked(words: &[String]) -> bool {
    let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    match w(0) {
        "INSERT" | "UPDATE" | "DELETE" | "SELECT" | "WITH" | "VALUES" | "GRANT" | "REVOKE"
        | "COMMENT" | "SET" | "RESET" | "ANALYZE" | "ANALYSE" | "VACUUM" | "REINDEX"
        | "CLUSTER" | "NOTIFY" | "LISTEN" | "UNLISTEN" | "LOCK" | "TRUNCATE" | "COPY" | "CALL"
        | "EXPLAIN" | "PRAGMA" | "REFRESH" | "SECURITY" | "DISCARD" | "CHECKPOINT" | "LOAD"
        | "SAVEPOINT" | "RELEASE" | "BEGIN" | "COMMIT" | "END" | "ROLLBACK" | "START" => true,
        "CREATE" | "ALTER" | "DROP" => {
            let mut i = 1;
            while matches!(
                w(i),
                "OR" | "REPLACE"
                    | "TEMP"
                    | "TEMPORARY"
                    | "UNIQUE"
                    | "CONSTRAINT"
                    | "DEFAULT"
                    | "TRUSTED"
                    | "PROCEDURAL"
            ) {
                i += 1;
            }
            matches!(
                w(i),
                "FUNCTION"
                    | "PROCEDURE"
                    | "TRIGGER"
                    | "SEQUENCE"
                    | "RULE"
                    | "POLICY"
                    | "STATISTICS"
                    | "PUBLICATION"
                    | "SUBSCRIPTION"
                    | "ROLE"
                    | "USER"
                    | "GROUP"
                    | "CAST"
                    | "OPERATOR"
                    | "AGGREGATE"
                    | "COLLATION"
                    | "CONVERSION"
                    | "EVENT"
                    | "SERVER"
                    | "TEXT"
                    | "TRANSFORM"
                    | "LANGUAGE"
                    | "ACCESS"
                    | "ROUTINE"
                    | "PRIVILEGES"
                    | "DATABASE"
                    | "TABLESPACE"
                    | "OWNED"
                    | "SYSTEM"
                    | "LARGE"
                    | "FOREIGN"
                    // SQLite's virtual tables (FTS, R*Tree): not modelled, and introspection
                    // leaves them and their shadow tables out.
                    | "VIRTUAL"
            ) || (w(0) == "ALTER" && w(i) == "INDEX")
                || (w(0) == "ALTER" && w(i) == "EXTENSION")
        }
        _ => false,
    }
}

/// The origin of a statement.
fn origin(script: &Script, offset: usize) -> Origin {
    Origin {
        path: script.path.to_string(),
        line: LineCol::of(&script.sql, offset).line,
    }
}

#[cfg(test)]
mod constraint_tests;
#[cfg(test)]
mod shape_tests;
#[cfg(test)]
pub(crate) mod tests;
