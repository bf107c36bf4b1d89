//! One migration and one script (an up or down file), checked and checksummed.

use std::borrow::Cow;

use crate::{Checksum, Dialect, LineCol, SourceError, Statement, Version, split};

/// A migration: its version, name, up script and optional down script.
///
/// Fields are `Cow<'static, str>` so that `embed_migrations!` can build them in a `static`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// Its identity and place in the order (sqlx's integer or diesel's text, see [`Version`]).
    pub version: Version,
    /// The name after the version (`create_users`).
    pub name: Cow<'static, str>,
    /// The up script.
    pub up: Script,
    /// The down script, when there is a down file.
    pub down: Option<Script>,
    /// The replay overrides of this migration (`<dir>/.replay/<version>_<name>.sql`): how the
    /// schema replay reads statements it cannot interpret, kept outside the applied file.
    /// See [`crate::replay::overrides`].
    pub replay: Option<Script>,
}

impl Migration {
    /// The checksum recorded in the history table: the up script's.
    pub fn checksum(&self) -> Checksum {
        self.up.checksum
    }
}

/// One SQL file of a migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// Where the file is, for messages (`migrations/20240101000000_init.sql`).
    pub path: Cow<'static, str>,
    /// The file's text, with a leading byte-order mark dropped.
    pub sql: Cow<'static, str>,
    /// See [`Checksum::of`].
    pub checksum: Checksum,
    /// `-- migrate:no-transaction` (or sqlx's `-- no-transaction`) in the leading comments.
    pub no_transaction: bool,
}

/// The line `cargo migrate new` writes into a new migration, by which an untouched one is
/// recognised: a file holding only comments is a valid migration that does nothing (as psql,
/// sqlx and diesel run it), but not the untouched template.
pub const TEMPLATE_LINE: &str = "-- Write this migration's SQL below.";

/// The text `cargo migrate new` writes into a new up migration named `name`.
pub fn template(name: &str) -> String {
    format!(
        "-- {name}\n{TEMPLATE_LINE} It runs in its own transaction;\n\
         -- for statements that cannot (CREATE INDEX CONCURRENTLY, VACUUM, …), add the line\n\
         -- `-- migrate:no-transaction` to these comments, before the first statement.\n\n"
    )
}

/// The directives cargo-migrate understands in `-- migrate:<directive>` comments.
pub const DIRECTIVES: &[&str] = &["no-transaction", "replay", "replay-skip", "allow"];

/// The line of a replay override file (`.replay/<migration>.sql`) that lets its migration
/// keep a `no-transaction` directive after its first statement, without effect: an applied
/// migration's file is never edited.
pub const LATE_DIRECTIVES_IGNORED: &str = "-- migrate:ignore-late-directives";

/// The line of a replay override file (`.replay/<migration>.sql`) that runs its migration
/// without a transaction, statement by statement, as `-- migrate:no-transaction` in its header
/// would: the way out for an applied migration with its own `COMMIT`, or a statement the
/// database refuses in a transaction, whose file must not change.
pub const RUN_WITHOUT_TRANSACTION: &str = "-- migrate:no-transaction";

impl Script {
    /// Checks a down script again: the loader keeps a down file whose text does not parse
    /// (an unclosed dollar quote), since `schema`, the build and `deploy` never run it, and
    /// `check` and `revert` report it with this.
    pub fn problems(&self, dialect: Dialect) -> Vec<SourceError> {
        match Script::parse(
            self.path.clone(),
            self.sql.clone(),
            dialect,
            self.no_transaction,
        ) {
            Ok(_) => Vec::new(),
            Err(errors) => errors,
        }
    }

    /// Checks a script's text and builds it. `force_no_transaction` comes from a diesel
    /// `metadata.toml` with `run_in_transaction = false`.
    pub fn parse(
        path: impl Into<Cow<'static, str>>,
        text: impl Into<Cow<'static, str>>,
        dialect: Dialect,
        force_no_transaction: bool,
    ) -> Result<Script, Vec<SourceError>> {
        Script::parse_with(path, text, dialect, force_no_transaction, false)
    }

    /// [`Script::parse`]; with `ignore_late_directives`, a `no-transaction` directive after
    /// the first statement is ignored (without effect, as before it was an error) instead
    /// of refused: the way out for an applied migration, whose file must not change, given
    /// by [`LATE_DIRECTIVES_IGNORED`] in its replay override file.
    pub fn parse_with(
        path: impl Into<Cow<'static, str>>,
        text: impl Into<Cow<'static, str>>,
        dialect: Dialect,
        force_no_transaction: bool,
        ignore_late_directives: bool,
    ) -> Result<Script, Vec<SourceError>> {
        let path = path.into();
        let mut text = text.into();
        if text.starts_with('\u{feff}') {
            text = Cow::Owned(text['\u{feff}'.len_utf8()..].to_owned());
        }
        let mut errors = Vec::new();
        let statements = match split(&text, dialect) {
            Ok(statements) => statements,
            Err(e) => {
                let at = LineCol::of(&text, e.offset);
                return Err(vec![SourceError::Unterminated {
                    path: path.to_string(),
                    at,
                    what: e.what,
                }]);
            }
        };
        if statements.is_empty() {
            if text
                .lines()
                .any(|l| l.trim_start().starts_with(TEMPLATE_LINE))
            {
                return Err(vec![SourceError::Empty {
                    path: path.to_string(),
                }]);
            }
            let checksum = Checksum::of(&text);
            return Ok(Script {
                path,
                sql: text,
                checksum,
                no_transaction: force_no_transaction,
            });
        }
        let header = statements[0].leading;
        let mut no_transaction = force_no_transaction;
        for (i, line) in header.lines().enumerate() {
            let Some(comment) = line.trim().strip_prefix("--") else {
                continue;
            };
            let comment = comment.trim();
            if comment == "no-transaction" {
                no_transaction = true;
            } else if let Some(directive) = comment.strip_prefix("migrate:") {
                let word = directive.split_whitespace().next().unwrap_or("");
                if word == "no-transaction" {
                    no_transaction = true;
                } else if !DIRECTIVES.contains(&word) {
                    let line =
                        LineCol::of(&text, header.as_ptr() as usize - text.as_ptr() as usize).line
                            + i;
                    errors.push(SourceError::UnknownDirective {
                        path: path.to_string(),
                        line,
                        directive: word.to_owned(),
                    });
                }
            }
        }
        // Directives after the first statement: `no-transaction` there has no effect (so it is an
        // error, not silently ignored), and unknown ones are typos as in the header.
        for statement in &statements[1..] {
            let start = statement.leading.as_ptr() as usize - text.as_ptr() as usize;
            for (i, line) in statement.leading.lines().enumerate() {
                let Some(comment) = line.trim().strip_prefix("--") else {
                    continue;
                };
                let comment = comment.trim();
                let word = comment
                    .strip_prefix("migrate:")
                    .map(|d| d.split_whitespace().next().unwrap_or(""));
                let line = LineCol::of(&text, start).line + i;
                if comment == "no-transaction" || word == Some("no-transaction") {
                    if !ignore_late_directives {
                        errors.push(SourceError::DirectiveAfterFirstStatement {
                            path: path.to_string(),
                            line,
                            override_path: crate::replay::overrides::path_for(&path),
                        });
                    }
                } else if let Some(word) = word.filter(|w| !DIRECTIVES.contains(w)) {
                    errors.push(SourceError::UnknownDirective {
                        path: path.to_string(),
                        line,
                        directive: word.to_owned(),
                    });
                }
            }
        }
        if !no_transaction {
            for statement in &statements {
                if let Some(what) = refused_in_transaction(statement, dialect) {
                    errors.push(SourceError::NeedsNoTransaction {
                        path: path.to_string(),
                        at: LineCol::of(&text, statement.offset),
                        what,
                        override_path: crate::replay::overrides::path_for(&path),
                        database: if dialect == Dialect::Sqlite {
                            "SQLite"
                        } else {
                            "PostgreSQL"
                        },
                    });
                }
            }
            for (_, statement) in statements.iter().enumerate().filter(|(i, s)| {
                s.is_transaction_control() && !Statement::wraps_transaction(&statements, *i)
            }) {
                errors.push(SourceError::TransactionControl {
                    path: path.to_string(),
                    at: LineCol::of(&text, statement.offset),
                    keyword: statement.keyword(),
                    override_path: crate::replay::overrides::path_for(&path),
                });
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let checksum = Checksum::of(&text);
        Ok(Script {
            path,
            sql: text,
            checksum,
            no_transaction,
        })
    }
}

/// The statements the database refuses inside a transaction block, by name; PostgreSQL's
/// (`CREATE INDEX CONCURRENTLY`, `VACUUM`, …) and SQLite's `VACUUM`. `ALTER TYPE … ADD VALUE` is
/// allowed in a transaction since PostgreSQL 12 and is not listed.
fn refused_in_transaction(
    statement: &split::Statement<'_>,
    dialect: Dialect,
) -> Option<&'static str> {
    let words: Vec<String> = statement.words().take(8).collect();
    let word = |i: usize| words.get(i).map_or("", String::as_str);
    let has = |w: &str| words.iter().any(|x| x == w);
    match dialect {
        Dialect::Postgres => match (word(0), word(1)) {
            ("VACUUM", _) => Some("VACUUM"),
            ("CREATE", "INDEX") if word(2) == "CONCURRENTLY" => Some("CREATE INDEX CONCURRENTLY"),
            ("CREATE", "UNIQUE") if word(3) == "CONCURRENTLY" => {
                Some("CREATE UNIQUE INDEX CONCURRENTLY")
            }
            ("DROP", "INDEX") if word(2) == "CONCURRENTLY" => Some("DROP INDEX CONCURRENTLY"),
            ("REINDEX", _) if has("CONCURRENTLY") => Some("REINDEX … CONCURRENTLY"),
            ("REINDEX", _) if has("DATABASE") || has("SYSTEM") => Some("REINDEX DATABASE/SYSTEM"),
            ("CREATE" | "DROP", "DATABASE") => Some("CREATE/DROP DATABASE"),
            ("CREATE" | "DROP", "TABLESPACE") => Some("CREATE/DROP TABLESPACE"),
            ("ALTER", "SYSTEM") => Some("ALTER SYSTEM"),
            ("ALTER", "TABLE") if has("DETACH") && has("CONCURRENTLY") => {
                Some("ALTER TABLE … DETACH PARTITION … CONCURRENTLY")
            }
            _ => None,
        },
        Dialect::Sqlite => (word(0) == "VACUUM").then_some("VACUUM"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Script, Vec<SourceError>> {
        Script::parse("m/1_x.sql", text.to_owned(), Dialect::Postgres, false)
    }

    #[test]
    fn directives() {
        assert!(!parse("CREATE TABLE t (x int);").unwrap().no_transaction);
        assert!(
            parse("-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);")
                .unwrap()
                .no_transaction
        );
        assert!(
            parse("-- a note\n-- no-transaction\nVACUUM;")
                .unwrap()
                .no_transaction
        );
        let errors = parse("-- note\n-- migrate:no-transacton\nSELECT 1;").unwrap_err();
        assert!(
            matches!(&errors[0], SourceError::UnknownDirective { line: 2, directive, .. } if directive == "no-transacton")
        );
    }

    #[test]
    fn a_directive_after_the_first_statement_is_an_error() {
        for text in [
            "SELECT 1;\n-- migrate:no-transaction\nSELECT 2;",
            "SELECT 1;\n\n-- no-transaction\nSELECT 2;",
        ] {
            let errors = parse(text).unwrap_err();
            assert!(
                matches!(&errors[..], [SourceError::DirectiveAfterFirstStatement { line, .. }] if *line == 2 || *line == 3),
                "{errors:?}"
            );
        }
        let errors = parse("SELECT 1;\n-- migrate:replay-skp\nSELECT 2;").unwrap_err();
        assert!(
            matches!(&errors[0], SourceError::UnknownDirective { line: 2, .. }),
            "{errors:?}"
        );
        // Per-statement directives belong there.
        assert!(parse("SELECT 1;\n-- migrate:replay-skip\nSELECT 2;").is_ok());
        // The error names the way out for an applied file.
        let errors = parse("SELECT 1;\n-- migrate:no-transaction\nSELECT 2;").unwrap_err();
        let text = errors[0].to_string();
        assert!(
            text.contains("`-- migrate:ignore-late-directives` in m/.replay/1_x.sql"),
            "{text}"
        );
    }

    #[test]
    fn late_directives_can_be_ignored_without_effect() {
        let text = "SELECT 1;\n-- migrate:no-transaction\nSELECT 2;";
        let script =
            Script::parse_with("m/1_x.sql", text.to_owned(), Dialect::Postgres, false, true)
                .unwrap();
        assert!(!script.no_transaction, "ignored, as before it was an error");
        assert_eq!(script.checksum, Checksum::of(text));
        // Only late no-transaction directives: a typo is still one.
        let typo = "SELECT 1;\n-- migrate:replay-skp\nSELECT 2;";
        assert!(
            Script::parse_with("m/1_x.sql", typo.to_owned(), Dialect::Postgres, false, true)
                .is_err()
        );
    }

    #[test]
    fn statements_refused_in_a_transaction_need_no_transaction() {
        for (sql, what) in [
            (
                "CREATE INDEX CONCURRENTLY i ON t (x)",
                "CREATE INDEX CONCURRENTLY",
            ),
            (
                "create unique index concurrently i on t (x)",
                "CREATE UNIQUE INDEX CONCURRENTLY",
            ),
            ("DROP INDEX CONCURRENTLY i", "DROP INDEX CONCURRENTLY"),
            (
                "REINDEX (VERBOSE) INDEX CONCURRENTLY i",
                "REINDEX … CONCURRENTLY",
            ),
            ("REINDEX DATABASE app", "REINDEX DATABASE/SYSTEM"),
            ("VACUUM ANALYZE t", "VACUUM"),
            ("CREATE DATABASE other", "CREATE/DROP DATABASE"),
            ("ALTER SYSTEM SET work_mem = '64MB'", "ALTER SYSTEM"),
        ] {
            let text = format!("CREATE TABLE t (x int);\n{sql};\n");
            let errors = parse(&text).unwrap_err();
            assert!(
                matches!(&errors[..], [SourceError::NeedsNoTransaction { what: w, at, .. }] if *w == what && at.line == 2),
                "{sql}: {errors:?}"
            );
            assert!(
                parse(&format!("-- migrate:no-transaction\n{text}")).is_ok(),
                "{sql}"
            );
        }
        // Fine in a transaction: a plain index, ALTER TYPE … ADD VALUE (PostgreSQL 12+).
        assert!(parse("CREATE INDEX i ON t (x);\nALTER TYPE s ADD VALUE 'b';").is_ok());
        let sqlite = Script::parse("m/1_x.sql", "VACUUM;", Dialect::Sqlite, false).unwrap_err();
        assert!(matches!(
            &sqlite[0],
            SourceError::NeedsNoTransaction { what: "VACUUM", .. }
        ));
        let errors = parse("-- note\n-- migrate:no-transacton\nSELECT 1;").unwrap_err();
        assert!(
            matches!(&errors[0], SourceError::UnknownDirective { line: 2, directive, .. } if directive == "no-transacton")
        );
    }

    #[test]
    fn own_transaction_control_needs_no_transaction() {
        // A COMMIT before the end, or a ROLLBACK, would end the migration's transaction early.
        let errors =
            parse("BEGIN;\nCREATE TABLE t (x int);\nCOMMIT;\nSELECT 1;\nROLLBACK;").unwrap_err();
        assert_eq!(errors.len(), 2);
        assert!(
            matches!(&errors[0], SourceError::TransactionControl { at, keyword, .. } if at.line == 3 && keyword == "COMMIT")
        );
        assert!(
            matches!(&errors[1], SourceError::TransactionControl { at, keyword, .. } if at.line == 5 && keyword == "ROLLBACK")
        );
        assert!(parse("-- migrate:no-transaction\nBEGIN;\nSELECT 1;\nCOMMIT;\nSELECT 2;").is_ok());
    }

    #[test]
    fn a_wrapping_begin_and_final_commit_load_as_written() {
        // zero-to-production's and AppFlowy-Cloud's files, which sqlx runs.
        for text in [
            "BEGIN;\n    UPDATE s SET status = 'ok' WHERE status IS NULL;\nCOMMIT;",
            "CREATE TABLE a (x int);\nBEGIN;\nCREATE TABLE b (y int);",
            "START TRANSACTION;\nSELECT 1;\nEND;\n-- done\n",
        ] {
            let script = parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
            assert!(!script.no_transaction);
        }
    }

    #[test]
    fn a_comment_only_file_is_a_no_op_but_the_untouched_template_is_refused() {
        for text in [
            "-- nothing to do here\n",
            "/* moved to 5_x */\n-- done\n",
            "",
        ] {
            let script = parse(text).unwrap();
            assert_eq!(script.sql, text);
            assert!(split(&script.sql, Dialect::Postgres).unwrap().is_empty());
        }
        assert!(matches!(
            &parse(&template("add_users")).unwrap_err()[0],
            SourceError::Empty { .. }
        ));
        let written = format!("{}CREATE TABLE users (id int);\n", template("add_users"));
        assert!(parse(&written).is_ok());
    }

    #[test]
    fn empty_and_unterminated() {
        let errors = parse("SELECT 1;\nSELECT 'x").unwrap_err();
        assert!(
            matches!(&errors[0], SourceError::Unterminated { at, .. } if at.line == 2 && at.col == 8)
        );
    }

    #[test]
    fn bom_is_dropped_from_the_text() {
        let script = parse("\u{feff}SELECT 1;\n").unwrap();
        assert_eq!(script.sql, "SELECT 1;\n");
        assert_eq!(script.checksum, Checksum::of("SELECT 1;\n"));
    }
}
