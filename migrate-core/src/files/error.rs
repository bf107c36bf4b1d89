//! Errors of reading a migrations folder. Each says what is wrong, where, and what to do.

use std::fmt;

use crate::LineCol;
use crate::files::layout::NameError;

/// One problem with the migrations folder or one of its files.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    #[error(
        "migrations folder `{dir}` does not exist: create the first migration with `cargo migrate new <name>`, or set `dir` under [package.metadata.migrate] in Cargo.toml"
    )]
    /// The migrations folder does not exist.
    MissingDir {
        /// The folder.
        dir: String,
    },
    #[error("{path}: cannot read: {message}")]
    /// A file or folder could not be read.
    Io {
        /// The file, as shown in messages.
        path: String,
        /// What is wrong.
        message: String,
    },
    #[error("{path}: not valid UTF-8 text: save the file as UTF-8")]
    /// A file is not UTF-8.
    NotUtf8 {
        /// The file, as shown in messages.
        path: String,
    },
    #[error(
        "{path}: the migration is still the template `cargo migrate new` wrote (no SQL statement): write its SQL, or delete the file (a file that should do nothing can say so in a comment of its own)"
    )]
    /// A migration still holding the untouched template of `cargo migrate new`.
    Empty {
        /// The file, as shown in messages.
        path: String,
    },
    #[error(
        "{first} and {second} both have version {version}: give one of them a new version (`cargo migrate new` writes a fresh timestamp)"
    )]
    /// Two migrations have one version.
    DuplicateVersion {
        /// The migration's version.
        version: crate::Version,
        /// The first file with it.
        first: String,
        /// The second file with it.
        second: String,
    },
    #[error(
        "{path}: a down migration without its up migration: add the matching `.up.sql` (or `.sql`), or delete it"
    )]
    /// A down file has no up file.
    DownWithoutUp {
        /// The file, as shown in messages.
        path: String,
    },
    #[error(
        "{down}: its name differs from its up migration {up}: rename one so `<version>_<name>` matches"
    )]
    /// An up file and its down file have different names.
    DownNameMismatch {
        /// The up file.
        up: String,
        /// The down file.
        down: String,
    },
    #[error(
        "{path}: not a migration ({reason}): migrations are named `<version>_<name>.sql`, `<version>_<name>.up.sql`/`.down.sql`, or folders `<version>_<name>/up.sql`; rename it, move it out of the folder, or list it under `ignore` in [package.metadata.migrate]"
    )]
    /// A file that matches no layout and is not ignored.
    Unrecognized {
        /// The file, as shown in messages.
        path: String,
        /// Why it matches no layout.
        reason: String,
    },
    #[error("{path}: {name_error}: rename it to `<version>_<name>.sql`")]
    /// A migration's file name is not `<version>_<name>`.
    BadName {
        /// The file, as shown in messages.
        path: String,
        /// What is wrong with the name.
        name_error: NameError,
    },
    #[error(
        "{path}:{at}: {what} starting here is never closed: close it, or check for a stray quote"
    )]
    /// A quote, comment or dollar-quoted body is not closed.
    Unterminated {
        /// The file, as shown in messages.
        path: String,
        /// Where in the file (line and column).
        at: LineCol,
        /// What is not closed, or what the statement is.
        what: &'static str,
    },
    #[error(
        "{path}:{at}: `{keyword}` controls the transaction, but every migration already runs in its own transaction: remove it, or put `-- migrate:no-transaction` at the top of the file to manage transactions yourself. If this migration is already applied, leave its file as it is and put the line `{}` in {override_path}: it then runs without a transaction, statement by statement, as it was written",
        crate::files::migration::RUN_WITHOUT_TRANSACTION
    )]
    /// A transactional migration has its own top-level `BEGIN`/`COMMIT`.
    TransactionControl {
        /// The file, as shown in messages.
        path: String,
        /// Where in the file (line and column).
        at: LineCol,
        /// The keyword (`BEGIN`, `COMMIT`, …).
        keyword: String,
        /// The migration's replay override file, the way out for an applied migration.
        override_path: String,
    },
    #[error(
        "{path}:{at}: {database} refuses `{what}` inside a transaction, and this migration runs in one: \
         put `-- migrate:no-transaction` in the comments before its first statement (its statements \
         then run one by one, each committed on its own). If this migration is already applied, \
         leave its file as it is and put the line `{}` in {override_path} instead",
        crate::files::migration::RUN_WITHOUT_TRANSACTION
    )]
    /// A transactional migration holds a statement the database refuses inside a transaction.
    NeedsNoTransaction {
        /// The file, as shown in messages.
        path: String,
        /// Where in the file (line and column).
        at: LineCol,
        /// What is not closed, or what the statement is.
        what: &'static str,
        /// `PostgreSQL` or `SQLite`.
        database: &'static str,
        /// The migration's replay override file, the way out for an applied migration.
        override_path: String,
    },
    #[error(
        "{path}:{line}: `-- migrate:no-transaction` after the first statement has no effect: \
         move it into the comments before the first statement. If this migration is already \
         applied, leave its file as it is and put the line `{}` in {override_path}: the \
         directive then stays without effect, as when the migration was applied",
        crate::files::migration::LATE_DIRECTIVES_IGNORED
    )]
    /// `-- migrate:no-transaction` after the first statement, where it has no effect.
    DirectiveAfterFirstStatement {
        /// The file, as shown in messages.
        path: String,
        /// The line, from 1.
        line: usize,
        /// The replay override file where the migration can accept it.
        override_path: String,
    },
    #[error(
        "{path}: a replay override named after no migration: name it after the migration it overrides (`.replay/<version>_<name>.sql` for `<version>_<name>.sql`, `.up.sql` or the folder `<version>_<name>/`), or delete it"
    )]
    /// A file in `.replay/` named after no migration.
    OverrideWithoutMigration {
        /// The file, as shown in messages.
        path: String,
    },
    #[error("{path}:{line}: unknown directive `migrate:{directive}`: known directives are {}", crate::files::migration::DIRECTIVES.join(", "))]
    /// A `-- migrate:` comment that is no directive.
    UnknownDirective {
        /// The file, as shown in messages.
        path: String,
        /// The line, from 1.
        line: usize,
        /// The directive as written.
        directive: String,
    },
}

/// Every problem found in a migrations folder, reported together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceErrors(pub Vec<SourceError>);

impl fmt::Display for SourceErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SourceErrors {}
