//! Schema replay: migration files -> the schema the database ends with, offline.
//!
//! Each script is split with the one splitter of this crate and parsed one statement at a
//! time with sqlparser (whose types stay inside this module). Statements that cannot change
//! tracked schema are recognised by their leading keywords and skipped; anything else that is
//! not understood is an error naming `path:line:col` and the statement's number, with its way
//! out: a replay override beside the migrations ([`overrides`]), which never edits an applied
//! file; in a file not yet applied, a comment on the statement also works:
//! `-- migrate:replay <equivalent DDL>` or `-- migrate:replay-skip`.

mod cache;
pub mod overrides;
mod plpgsql;
pub(crate) mod statements;

pub use cache::replay_cached;
pub use statements::{check_from_sql, exclusion_from_sql, index_from_sql};
pub(crate) use statements::{ident_in, name_in, parse_position};
pub mod types;

use std::fmt;

use crate::schema::{Origin, Schema};
use crate::{Dialect, LineCol, Migration, Script, split};

/// A statement the replay cannot interpret, or that the real database would reject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayError {
    /// The migration file.
    pub path: String,
    /// The statement's position in it.
    pub at: LineCol,
    /// What the replay cannot do, or what the database would refuse.
    pub message: String,
    /// The override that would settle it, for an error on a migration's statement.
    pub way_out: Option<WayOut>,
}

/// Where a statement's replay override goes: the override file and the statement's number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WayOut {
    /// The override file to write (`migrations/.replay/<migration>.sql`).
    pub file: String,
    /// The statement's number in its migration, from 1.
    pub statement: usize,
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path, self.at, self.message)?;
        if let Some(WayOut { file, statement }) = &self.way_out {
            write!(
                f,
                "\n  way out, without editing the migration: in `{file}` write `-- migrate:statement {statement}` and under it the DDL this statement amounts to, or `-- migrate:statement {statement} skip` if it changes no table, column or type (see \"Replay overrides\" in the cargo-migrate book, docs/src/replay.md); in a file not yet applied, `-- migrate:replay <DDL>` or `-- migrate:replay-skip` on the line above the statement also works"
            )?;
        }
        Ok(())
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
    let (schema, errors) = replay_despite_errors(migrations, dialect);
    if errors.is_empty() {
        Ok(schema)
    } else {
        Err(ReplayErrors(errors))
    }
}

/// [`replay`], and the schema it reached despite its errors (for measuring the replay on
/// real folders: a statement it cannot read leaves the rest comparable).
pub fn replay_despite_errors(
    migrations: &[Migration],
    dialect: Dialect,
) -> (Schema, Vec<ReplayError>) {
    let mut schema = Schema::new(dialect);
    let mut errors = Vec::new();
    let mut routines = plpgsql::Routines::default();
    for m in migrations {
        if let Err(mut e) = migration(&mut schema, m, &mut routines) {
            errors.append(&mut e.0);
        }
    }
    (schema, errors)
}

/// Replays one migration's up script into `schema`, reading its statements as its replay
/// overrides say. Functions created by earlier migrations are not known to it: [`replay`]
/// replays a folder.
pub fn replay_migration(schema: &mut Schema, m: &Migration) -> Result<(), ReplayErrors> {
    migration(schema, m, &mut plpgsql::Routines::default())
}

fn migration(
    schema: &mut Schema,
    migration: &Migration,
    routines: &mut plpgsql::Routines,
) -> Result<(), ReplayErrors> {
    let given = match &migration.replay {
        Some(file) => match overrides::parse(file) {
            Ok(given) => Some((file, given)),
            Err(errors) => return Err(ReplayErrors(errors)),
        },
        None => None,
    };
    let file = match given {
        Some((file, _)) => file.path.to_string(),
        None => overrides::path_for(&migration.up.path),
    };
    let given = given.map(|(_, given)| given).unwrap_or_default();
    replay_with(schema, &migration.up, given, file, routines)
}

/// Replays one script into `schema` (with no overrides).
pub fn replay_script(schema: &mut Schema, script: &Script) -> Result<(), ReplayErrors> {
    replay_with(
        schema,
        script,
        Vec::new(),
        overrides::path_for(&script.path),
        &mut plpgsql::Routines::default(),
    )
}

fn replay_with(
    schema: &mut Schema,
    script: &Script,
    given: Vec<overrides::Override>,
    override_file: String,
    routines: &mut plpgsql::Routines,
) -> Result<(), ReplayErrors> {
    let dialect = schema.dialect;
    let statements = match split(&script.sql, dialect) {
        Ok(s) => s,
        Err(e) => {
            return Err(ReplayErrors(vec![ReplayError {
                path: script.path.to_string(),
                at: LineCol::of(&script.sql, e.offset),
                message: e.to_string(),
                way_out: None,
            }]));
        }
    };
    let count = statements.len();
    let mut run = statements::Run::new(schema, script, given, override_file, routines);
    for (i, statement) in statements.iter().enumerate() {
        run.statement(i + 1, statement);
    }
    run.finish(count)
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
mod function_tests;
#[cfg(test)]
mod override_tests;
#[cfg(test)]
mod shape_tests;
#[cfg(test)]
pub(crate) mod tests;
