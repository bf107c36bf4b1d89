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
    MissingDir { dir: String },
    #[error("{path}: cannot read: {message}")]
    Io { path: String, message: String },
    #[error("{path}: not valid UTF-8 text: save the file as UTF-8")]
    NotUtf8 { path: String },
    #[error(
        "{path}: the migration is still the template `cargo migrate new` wrote (no SQL statement): write its SQL, or delete the file (a file that should do nothing can say so in a comment of its own)"
    )]
    Empty { path: String },
    #[error(
        "{first} and {second} both have version {version}: give one of them a new version (`cargo migrate new` writes a fresh timestamp)"
    )]
    DuplicateVersion {
        version: crate::Version,
        first: String,
        second: String,
    },
    #[error(
        "{path}: a down migration without its up migration: add the matching `.up.sql` (or `.sql`), or delete it"
    )]
    DownWithoutUp { path: String },
    #[error(
        "{down}: its name differs from its up migration {up}: rename one so `<version>_<name>` matches"
    )]
    DownNameMismatch { up: String, down: String },
    #[error(
        "{path}: not a migration ({reason}): migrations are named `<version>_<name>.sql`, `<version>_<name>.up.sql`/`.down.sql`, or folders `<version>_<name>/up.sql`; rename it, move it out of the folder, or list it under `ignore` in [package.metadata.migrate]"
    )]
    Unrecognized { path: String, reason: String },
    #[error("{path}: {name_error}: rename it to `<version>_<name>.sql`")]
    BadName { path: String, name_error: NameError },
    #[error(
        "{path}:{at}: {what} starting here is never closed: close it, or check for a stray quote"
    )]
    Unterminated {
        path: String,
        at: LineCol,
        what: &'static str,
    },
    #[error(
        "{path}:{at}: `{keyword}` controls the transaction, but every migration already runs in its own transaction: remove it, or put `-- migrate:no-transaction` at the top of the file to manage transactions yourself"
    )]
    TransactionControl {
        path: String,
        at: LineCol,
        keyword: String,
    },
    #[error(
        "{path}:{at}: {database} refuses `{what}` inside a transaction, and this migration runs in one: \
         put `-- migrate:no-transaction` in the comments before its first statement (its statements \
         then run one by one, each committed on its own)"
    )]
    NeedsNoTransaction {
        path: String,
        at: LineCol,
        what: &'static str,
        /// `PostgreSQL` or `SQLite`.
        database: &'static str,
    },
    #[error(
        "{path}:{line}: `-- migrate:no-transaction` after the first statement has no effect: \
         move it into the comments before the first statement. If this migration is already \
         applied, leave its file as it is and put the line `{}` in {override_path}: the \
         directive then stays without effect, as when the migration was applied",
        crate::files::migration::LATE_DIRECTIVES_IGNORED
    )]
    DirectiveAfterFirstStatement {
        path: String,
        line: usize,
        /// The replay override file where the migration can accept it.
        override_path: String,
    },
    #[error(
        "{path}: a replay override named after no migration: name it after the migration it overrides (`.replay/<version>_<name>.sql` for `<version>_<name>.sql`, `.up.sql` or the folder `<version>_<name>/`), or delete it"
    )]
    OverrideWithoutMigration { path: String },
    #[error("{path}:{line}: unknown directive `migrate:{directive}`: known directives are {}", crate::files::migration::DIRECTIVES.join(", "))]
    UnknownDirective {
        path: String,
        line: usize,
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
