//! `cargo migrate lint`: migrations that are correct but unsafe to run on a live database
//! (long locks, table rewrites, changes that break the code still running), found offline.
//!
//! Each migration is checked against the schema replayed up to it, so a rule knows whether a
//! table existed before the migrations being linted (then locking or rewriting it hurts) or
//! was created by one of them (not yet deployed: changing it is free). Pure: the CLI chooses
//! which migrations to lint and prints the findings.
//!
//! PostgreSQL rules are in `postgres.rs` and `types.rs`, SQLite's in `sqlite.rs`, MySQL and
//! MariaDB's in `mysql.rs`; rules that
//! compare the model before and after a whole migration (enum labels, SQLite rebuilds) run
//! after its replay.
//!
//! A finding is silenced by `-- migrate:allow <rule>[, <rule>…] <reason>` on the comment lines
//! above its statement, or above the file's first statement for the whole file; the reason is
//! required.

mod allow;
mod enums;
mod mysql;
mod postgres;
mod rules;
mod sqlite;
mod types;

use std::collections::BTreeSet;

use crate::replay::replay_migration;
use crate::schema::{Name, Schema};
use crate::{Dialect, LineCol, Migration, split};

pub use rules::{RULES, Rule};

/// One problem found in one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule's id (`create-index-concurrently`), or `allow-needs-reason` and
    /// `allow-unknown-rule` for a malformed `-- migrate:allow`.
    pub rule: &'static str,
    /// The migration file, as shown in messages.
    pub path: String,
    /// Where its statement starts.
    pub at: LineCol,
    /// The file's line where the statement starts (whole, for the caret display: the
    /// statement starts at column `at.col` of it).
    pub line_text: String,
    /// What is wrong with this statement, naming its table or column.
    pub message: String,
    /// The safe way to get the same result.
    pub help: String,
}

/// What lint assumes about the server.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LintOptions {
    /// The PostgreSQL major version the migrations will run on (version-gated rules).
    pub postgres_version: u32,
    /// Rule ids not to report.
    pub disabled: Vec<String>,
    /// Judge each linted migration as if every migration before it were deployed (`--all`);
    /// otherwise the linted migrations are one change not yet deployed, and a table any of
    /// them creates is new.
    pub each_alone: bool,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            postgres_version: 15,
            disabled: Vec::new(),
            each_alone: false,
        }
    }
}

/// Lints the migrations whose index `linted` accepts; the others are replayed only, to know
/// the schema the linted ones start from. Findings come in file order.
pub fn lint(
    migrations: &[Migration],
    dialect: Dialect,
    linted: impl Fn(usize, &Migration) -> bool,
    options: &LintOptions,
) -> Vec<Finding> {
    let mut schema = Schema::new(dialect);
    // Tables that existed before the first linted migration: the ones live traffic uses.
    let mut existing: Option<Existing> = None;
    let mut triggers = sqlite::Triggers::default();
    let mut findings = Vec::new();
    for (i, m) in migrations.iter().enumerate() {
        let linted = linted(i, m);
        if linted {
            if options.each_alone {
                existing = None;
            }
            let existing = existing.get_or_insert_with(|| Existing::of(&schema));
            findings.extend(lint_migration(m, &schema, existing, options));
        }
        // The model before, for the rules that compare it with the one after (SQLite rebuilds).
        let before =
            (linted && dialect == Dialect::Sqlite).then(|| (schema.clone(), triggers.clone()));
        // A migration the replay cannot read still leaves the rest comparable.
        let _ = replay_migration(&mut schema, m);
        if dialect == Dialect::Sqlite {
            triggers.follow(m);
        }
        if linted && let Some(existing) = &existing {
            let mut whole = enums::removed_labels(m, &schema, existing);
            if let Some((old, old_triggers)) = &before {
                whole.extend(sqlite::rebuilds(
                    m,
                    (old, &schema),
                    (old_triggers, &triggers),
                    existing,
                ));
            }
            findings.extend(allow::unless_allowed(m, dialect, whole));
        }
    }
    findings.retain(|f| !options.disabled.iter().any(|d| d == f.rule));
    findings
}

/// What existed before the linted migrations: what live traffic and the code running use.
pub(crate) struct Existing {
    pub tables: BTreeSet<Name>,
    /// Enum types and their labels.
    pub enums: Vec<(Name, Vec<String>)>,
}

impl Existing {
    fn of(schema: &Schema) -> Existing {
        Existing {
            tables: schema.tables.iter().map(|t| t.name.clone()).collect(),
            enums: schema
                .enums
                .iter()
                .map(|e| {
                    let labels = e.labels.iter().map(|l| l.name.clone()).collect();
                    (e.name.clone(), labels)
                })
                .collect(),
        }
    }
}

/// What a rule sees of one statement.
pub(crate) struct Context<'a> {
    pub schema: &'a Schema,
    pub existing: &'a Existing,
    pub options: &'a LintOptions,
    /// The migration runs in a transaction.
    pub transactional: bool,
    /// A `SET lock_timeout` came earlier in this migration.
    pub lock_timeout_set: bool,
    /// Columns renamed earlier in this migration: `(table, new name, old name)`, folded. The
    /// model is the one before the migration, where a renamed column has its old name.
    pub renamed: Vec<(Name, String, String)>,
    /// A `SET foreign_key_checks = 0` came earlier in this migration (MySQL adds foreign
    /// keys in place then).
    pub foreign_key_checks_off: bool,
}

impl Context<'_> {
    /// Whether live traffic uses this table: it existed before the linted migrations.
    pub fn is_existing(&self, name: &Name) -> bool {
        self.existing
            .tables
            .iter()
            .any(|n| self.schema.same_name(n, name))
    }

    /// The name a column had before the migration, following its renames in it.
    pub fn original_column(&self, table: &Name, column: &str) -> String {
        self.renamed
            .iter()
            .rev()
            .find(|(t, new, _)| self.schema.same_name(t, table) && self.schema.same(new, column))
            .map_or_else(|| column.to_owned(), |(_, _, old)| old.clone())
    }

    /// Whether the code running may use this enum type: it existed before the linted
    /// migrations.
    pub fn is_existing_enum(&self, name: &Name) -> bool {
        self.existing
            .enums
            .iter()
            .any(|(n, _)| self.schema.same_name(n, name))
    }
}

fn lint_migration(
    m: &Migration,
    schema: &Schema,
    existing: &Existing,
    options: &LintOptions,
) -> Vec<Finding> {
    let dialect = schema.dialect;
    let text = &m.up.sql;
    let Ok(statements) = split(text, dialect) else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    let file_allows = statements
        .first()
        .map(|s| allow::parse(s.leading))
        .unwrap_or_default();
    let mut cx = Context {
        schema,
        existing,
        options,
        transactional: !m.up.no_transaction,
        lock_timeout_set: false,
        renamed: Vec::new(),
        foreign_key_checks_off: false,
    };
    for (n, statement) in statements.iter().enumerate() {
        let at = LineCol::of(text, statement.offset);
        let line_text = source_line(text, statement.offset);
        let allows = if n == 0 {
            Vec::new()
        } else {
            allow::parse(statement.leading)
        };
        for problem in allows
            .iter()
            .chain(if n == 0 { &file_allows[..] } else { &[] })
        {
            if let Some((rule, message, help)) = problem.malformed() {
                findings.push(Finding {
                    rule,
                    path: m.up.path.to_string(),
                    at,
                    line_text: line_text.clone(),
                    message,
                    help,
                });
            }
        }
        let found = match dialect {
            Dialect::Postgres => postgres::check(&mut cx, statement),
            Dialect::Sqlite => sqlite::check(&cx, statement),
            Dialect::Mysql => mysql::check(&mut cx, statement),
        };
        for (rule, message, help) in found {
            let allowed = allows
                .iter()
                .chain(file_allows.iter())
                .any(|a| a.allows(rule));
            if !allowed {
                findings.push(Finding {
                    rule,
                    path: m.up.path.to_string(),
                    at,
                    line_text: line_text.clone(),
                    message,
                    help: help.to_owned(),
                });
            }
        }
    }
    findings
}

#[cfg(test)]
mod mysql_tests;
#[cfg(test)]
mod sqlite_tests;
/// The whole line of `text` that byte `offset` is on, without its line break.
pub(super) fn source_line(text: &str, offset: usize) -> String {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    text[start..end].trim_end_matches('\r').to_owned()
}

#[cfg(test)]
mod tests;
