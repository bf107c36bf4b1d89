//! One migration and one script (an up or down file), checked and checksummed.

use std::borrow::Cow;

use crate::{Checksum, Dialect, LineCol, SourceError, split};

/// A migration: its version, name, up script and optional down script.
///
/// Fields are `Cow<'static, str>` so that `embed_migrations!` can build them in a `static`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    pub version: i64,
    pub name: Cow<'static, str>,
    pub up: Script,
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
         -- put `-- migrate:no-transaction` on the first line for statements that cannot\n\
         -- (CREATE INDEX CONCURRENTLY, ALTER TYPE … ADD VALUE on old PostgreSQL).\n\n"
    )
}

/// The directives cargo-migrate understands in `-- migrate:<directive>` comments.
pub const DIRECTIVES: &[&str] = &["no-transaction", "replay", "replay-skip"];

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
        if !no_transaction {
            for statement in statements.iter().filter(|s| s.is_transaction_control()) {
                errors.push(SourceError::TransactionControl {
                    path: path.to_string(),
                    at: LineCol::of(&text, statement.offset),
                    keyword: statement.keyword(),
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
        // A directive after the first statement is not a header directive.
        assert!(
            !parse("SELECT 1;\n-- migrate:no-transaction\nSELECT 2;")
                .unwrap()
                .no_transaction
        );
        let errors = parse("-- note\n-- migrate:no-transacton\nSELECT 1;").unwrap_err();
        assert!(
            matches!(&errors[0], SourceError::UnknownDirective { line: 2, directive, .. } if directive == "no-transacton")
        );
    }

    #[test]
    fn own_transaction_control_needs_no_transaction() {
        let errors = parse("BEGIN;\nCREATE TABLE t (x int);\nCOMMIT;").unwrap_err();
        assert_eq!(errors.len(), 2);
        assert!(
            matches!(&errors[0], SourceError::TransactionControl { at, keyword, .. } if at.line == 1 && keyword == "BEGIN")
        );
        assert!(matches!(&errors[1], SourceError::TransactionControl { at, .. } if at.line == 3));
        assert!(parse("-- migrate:no-transaction\nBEGIN;\nSELECT 1;\nCOMMIT;").is_ok());
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
