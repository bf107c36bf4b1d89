//! Replay overrides: how the schema replay reads a statement it cannot interpret, written
//! outside the migration so that an applied file (whose checksum is its identity) never changes.
//!
//! One file per overridden migration, in the folder `.replay/` beside the migrations, named
//! after the migration: `migrations/.replay/20240101000000_init.sql` for
//! `migrations/20240101000000_init.sql` (or `…_init.up.sql`, or the folder
//! `migrations/2024-01-01-000000_init/`). Statements are numbered from 1 in file order, as the
//! replay's errors number them:
//!
//! ```sql
//! -- migrate:statement 3
//! CREATE TYPE mood AS ENUM ('sad', 'happy');
//!
//! -- migrate:statement 7 skip
//! ```
//!
//! The DDL under a header replaces the statement's replay; `skip` says it changes no table,
//! column or type. The files are loaded with their migration ([`crate::Migration::replay`]),
//! hashed into `migrate.sum`, and part of the replay cache's key.

use crate::{LineCol, Script};

use super::ReplayError;

/// The folder of override files, inside the migrations folder.
pub const FOLDER: &str = ".replay";

/// What an override says about one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The statement changes no table, column or type.
    Skip,
    /// The statement's effect, as DDL the replay understands, and the line where it starts.
    Replace {
        /// The DDL the statement amounts to.
        ddl: String,
        /// The line where the DDL starts in the override file.
        line: usize,
    },
}

/// One `-- migrate:statement N` section of an override file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// The statement's number in its migration, from 1.
    pub statement: usize,
    /// The line of the header in the override file.
    pub line: usize,
    /// What the override says.
    pub action: Action,
}

/// The override file of the migration whose up script is at `up_path`:
/// `m/1_a.sql` and `m/1_a.up.sql` -> `m/.replay/1_a.sql`, `m/1_a/up.sql` -> `m/.replay/1_a.sql`.
pub fn path_for(up_path: &str) -> String {
    let (dir, file) = up_path.rsplit_once('/').unwrap_or(("", up_path));
    let (dir, stem) = match file {
        "up.sql" | "migration.sql" => dir.rsplit_once('/').unwrap_or(("", dir)),
        _ => (
            dir,
            file.strip_suffix(".up.sql")
                .or_else(|| file.strip_suffix(".sql"))
                .unwrap_or(file),
        ),
    };
    if dir.is_empty() {
        format!("{FOLDER}/{stem}.sql")
    } else {
        format!("{dir}/{FOLDER}/{stem}.sql")
    }
}

/// What the replay override file of a migration says about loading it: the lines
/// [`LATE_DIRECTIVES_IGNORED`](crate::files::migration::LATE_DIRECTIVES_IGNORED) and
/// [`RUN_WITHOUT_TRANSACTION`](crate::files::migration::RUN_WITHOUT_TRANSACTION), the ways out
/// for an applied migration whose file must not change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadDirectives {
    /// A `no-transaction` directive after the first statement is accepted, without effect.
    pub ignore_late_directives: bool,
    /// The migration runs without a transaction, statement by statement, as if its header
    /// said `-- migrate:no-transaction`.
    pub no_transaction: bool,
}

/// Reads the [`LoadDirectives`] of the migration at `shown` from its replay override file
/// (`.replay/<migration>.sql` in `dir`); none when there is no such file.
pub fn load_directives(dir: &std::path::Path, shown: &str) -> LoadDirectives {
    let override_shown = path_for(shown);
    let Some((_, file)) = override_shown.rsplit_once('/') else {
        return LoadDirectives::default();
    };
    let Ok(text) = std::fs::read_to_string(dir.join(FOLDER).join(file)) else {
        return LoadDirectives::default();
    };
    let has = |line: &str| text.lines().any(|l| l.trim() == line);
    LoadDirectives {
        ignore_late_directives: has(crate::files::migration::LATE_DIRECTIVES_IGNORED),
        no_transaction: has(crate::files::migration::RUN_WITHOUT_TRANSACTION),
    }
}

/// Whether the replay override file of the migration at `shown` (`.replay/<migration>.sql`
/// in `dir`) has the line [`LATE_DIRECTIVES_IGNORED`](crate::files::migration::LATE_DIRECTIVES_IGNORED).
pub fn ignores_late_directives(dir: &std::path::Path, shown: &str) -> bool {
    load_directives(dir, shown).ignore_late_directives
}

/// Reads an override file. Every malformed section is an error naming its line.
pub fn parse(script: &Script) -> Result<Vec<Override>, Vec<ReplayError>> {
    let mut overrides: Vec<Override> = Vec::new();
    let mut errors = Vec::new();
    let error = |line: usize, message: String| ReplayError {
        path: script.path.to_string(),
        at: LineCol { line, col: 1 },
        message,
        way_out: None,
    };
    // (header line, statement, skip, body lines with their line numbers)
    type Section<'t> = (usize, usize, bool, Vec<(usize, &'t str)>);
    let mut sections: Vec<Section<'_>> = Vec::new();
    for (i, line) in script.sql.lines().enumerate() {
        let number = i + 1;
        let trimmed = line.trim();
        if let Some(rest) = trimmed
            .strip_prefix("--")
            .map(str::trim_start)
            .and_then(|c| c.strip_prefix("migrate:statement"))
        {
            let mut words = rest.split_whitespace();
            let statement = words.next().and_then(|w| w.parse::<usize>().ok());
            let skip = match words.next() {
                None => Some(false),
                Some(w) if w.eq_ignore_ascii_case("skip") => Some(true),
                Some(_) => None,
            };
            match (statement, skip, words.next()) {
                (Some(statement), Some(skip), None) if statement > 0 => {
                    sections.push((number, statement, skip, Vec::new()));
                }
                _ => errors.push(error(
                    number,
                    format!(
                        "`{trimmed}` is not an override header: write `-- migrate:statement <N>` followed by the DDL, or `-- migrate:statement <N> skip` (statements are numbered from 1)"
                    ),
                )),
            }
            continue;
        }
        match sections.last_mut() {
            Some((_, _, _, body)) => body.push((number, line)),
            None if trimmed.is_empty() || trimmed.starts_with("--") => {}
            None => errors.push(error(
                number,
                "SQL before the first `-- migrate:statement <N>` header: say which statement it replaces".into(),
            )),
        }
    }
    for (line, statement, skip, body) in sections {
        let sql_lines: Vec<&(usize, &str)> = body
            .iter()
            .filter(|(_, l)| {
                let t = l.trim();
                !t.is_empty() && !t.starts_with("--")
            })
            .collect();
        let action = match (skip, sql_lines.first()) {
            (true, None) => Action::Skip,
            (false, Some((first, _))) => Action::Replace {
                ddl: body
                    .iter()
                    .filter(|(n, _)| n >= first)
                    .map(|(_, l)| *l)
                    .collect::<Vec<_>>()
                    .join("\n"),
                line: *first,
            },
            (true, Some((n, _))) => {
                errors.push(error(
                    *n,
                    format!("statement {statement} is marked `skip` and also given DDL: keep one"),
                ));
                continue;
            }
            (false, None) => {
                errors.push(error(
                    line,
                    format!(
                        "no DDL for statement {statement}: write the DDL it amounts to under the header, or `-- migrate:statement {statement} skip` if it changes no table, column or type"
                    ),
                ));
                continue;
            }
        };
        if let Some(first) = overrides.iter().find(|o| o.statement == statement) {
            errors.push(error(
                line,
                format!(
                    "statement {statement} is overridden twice (first on line {}): keep one",
                    first.line
                ),
            ));
            continue;
        }
        overrides.push(Override {
            statement,
            line,
            action,
        });
    }
    errors.sort_by_key(|e| e.at.line);
    if errors.is_empty() {
        Ok(overrides)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Checksum;

    fn script(text: &str) -> Script {
        Script {
            path: "m/.replay/1_a.sql".into(),
            sql: text.to_owned().into(),
            checksum: Checksum::of(text),
            no_transaction: false,
        }
    }

    #[test]
    fn an_override_file_names_statements_by_number() {
        let parsed = parse(&script(
            "-- the DO block of line 4\n-- migrate:statement 2\nCREATE TABLE t (x int);\nCREATE INDEX i ON t (x);\n\n-- migrate:statement 5 skip\n",
        ))
        .unwrap();
        assert_eq!(
            parsed,
            vec![
                Override {
                    statement: 2,
                    line: 2,
                    action: Action::Replace {
                        ddl: "CREATE TABLE t (x int);\nCREATE INDEX i ON t (x);\n".into(),
                        line: 3
                    }
                },
                Override {
                    statement: 5,
                    line: 6,
                    action: Action::Skip
                },
            ]
        );
    }

    #[test]
    fn a_malformed_override_file_names_its_lines() {
        let errors = parse(&script(
            "DROP TABLE x;\n-- migrate:statement two\n-- migrate:statement 3\n-- migrate:statement 4 skip\nSELECT 1;\n-- migrate:statement 5 skip\n-- migrate:statement 5 skip\n",
        ))
        .unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 5, "{text:#?}");
        assert!(text[0].starts_with("m/.replay/1_a.sql:1:1: SQL before the first"));
        assert!(text[1].contains(":2:1: `-- migrate:statement two` is not an override header"));
        assert!(text[2].contains(":3:1: no DDL for statement 3"));
        assert!(text[3].contains(":5:1: statement 4 is marked `skip` and also given DDL"));
        assert!(text[4].contains(":7:1: statement 5 is overridden twice (first on line 6)"));
    }

    #[test]
    fn the_override_file_of_each_layout() {
        assert_eq!(path_for("m/1_a.sql"), "m/.replay/1_a.sql");
        assert_eq!(path_for("m/1_a.up.sql"), "m/.replay/1_a.sql");
        assert_eq!(
            path_for("db/m/2024-01-01-000000_a/up.sql"),
            "db/m/.replay/2024-01-01-000000_a.sql"
        );
        assert_eq!(path_for("m/3_p/migration.sql"), "m/.replay/3_p.sql");
        assert_eq!(path_for("1_a.sql"), ".replay/1_a.sql");
    }
}
