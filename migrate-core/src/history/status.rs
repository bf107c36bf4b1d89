//! Migration states and deploy plans: files + history rows -> what is applied, pending or
//! wrong. Pure, so the CLI, the runtime and the tests share one definition.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::{Checksum, Migration, Version};

/// One row of the history table, as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedRow {
    /// The migration's version.
    pub version: Version,
    /// The migration's name.
    pub name: String,
    /// Hex SHA-256 (see [`Checksum`]).
    pub checksum: String,
    /// RFC 3339 UTC time.
    pub applied_at: String,
    /// How long it took, in milliseconds.
    pub execution_ms: i64,
    /// Whether it was applied (`false`: it failed, or a no-transaction migration is part-way).
    pub success: bool,
    /// The error of a failed migration.
    pub error: Option<String>,
    /// The tool and verb that applied it (`cargo-migrate 0.1.0 deploy`).
    pub applied_by: String,
    /// The backup taken before the deploy that applied it, if any.
    pub backup: Option<String>,
    /// Per-statement progress of a migration run statement by statement (no-transaction
    /// migrations); `None` for rows written in one transaction or by earlier versions.
    pub progress: Option<Progress>,
}

/// How far a migration run statement by statement got, as its history row records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// The row was committed as `running` and never finished: the deployer is still at work,
    /// or was killed or lost its connection.
    pub running: bool,
    /// Statements done, counted from the first.
    pub done: u32,
    /// Statements in the script.
    pub total: u32,
    /// [`crate::Checksum`] of the done statements' text (see `prefix_checksum` of
    /// migrate-runtime), so a resume can refuse when they were edited.
    pub done_checksum: String,
}

impl Progress {
    /// `2 of 3 statements done`.
    pub fn summary(&self) -> String {
        format!(
            "{} of {} statement{} done",
            self.done,
            self.total,
            if self.total == 1 { "" } else { "s" }
        )
    }

    /// `statements 1-2 are done, statement 3 is not`.
    pub fn detail(&self) -> String {
        let range = |from: u32, to: u32| {
            if from == to {
                format!("statement {from}")
            } else {
                format!("statements {from}-{to}")
            }
        };
        let verb = |from: u32, to: u32| if from == to { "is" } else { "are" };
        match (self.done, self.total) {
            (0, t) => format!("no statement is done ({} {} not)", range(1, t), verb(1, t)),
            (d, t) if d >= t => format!("all {t} statements are done"),
            (d, t) => format!(
                "{} {} done, {} {} not",
                range(1, d),
                verb(1, d),
                range(d + 1, t),
                verb(d + 1, t)
            ),
        }
    }
}

/// The state of one migration: exactly one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MigrationState {
    /// Recorded as applied, and the file still has the recorded checksum.
    Applied,
    /// Not applied, newer than every applied migration.
    Pending,
    /// Applied, but the file's checksum differs from the recorded one.
    Changed,
    /// Applied, but its file is gone.
    Missing,
    /// Not applied, but older than an applied migration.
    OutOfOrder,
    /// A no-transaction migration that failed part-way.
    Failed,
}

impl MigrationState {
    /// The state as `status` prints it (`applied`, `out-of-order`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            MigrationState::Applied => "applied",
            MigrationState::Pending => "pending",
            MigrationState::Changed => "changed",
            MigrationState::Missing => "missing",
            MigrationState::OutOfOrder => "out-of-order",
            MigrationState::Failed => "failed",
        }
    }

    /// Whether the state is a problem with the history (exit code 4).
    pub fn is_problem(self) -> bool {
        matches!(
            self,
            MigrationState::Changed | MigrationState::Missing | MigrationState::Failed
        )
    }
}

impl fmt::Display for MigrationState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One line of `status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEntry {
    /// The migration's version.
    pub version: Version,
    /// The migration's name.
    pub name: String,
    /// Its one state.
    pub state: MigrationState,
    /// The file, when it exists.
    pub path: Option<String>,
    /// The file's checksum, when the file exists.
    pub file_checksum: Option<Checksum>,
    /// The history row, when there is one.
    pub row: Option<AppliedRow>,
}

/// Every migration known to the files or the history, ordered by version.
pub fn status(migrations: &[Migration], rows: &[AppliedRow]) -> Vec<StatusEntry> {
    let files: BTreeMap<&Version, &Migration> =
        migrations.iter().map(|m| (&m.version, m)).collect();
    let rows: BTreeMap<&Version, &AppliedRow> = rows.iter().map(|r| (&r.version, r)).collect();
    let newest_applied = rows
        .values()
        .filter(|r| r.success)
        .map(|r| &r.version)
        .max();
    let versions: BTreeSet<&Version> = files.keys().chain(rows.keys()).copied().collect();
    versions
        .into_iter()
        .map(|version| {
            let file = files.get(version).copied();
            let row = rows.get(version).copied();
            let state = match (file, row) {
                (_, Some(row)) if !row.success => MigrationState::Failed,
                (None, Some(_)) => MigrationState::Missing,
                (Some(file), Some(row)) => {
                    if file
                        .checksum()
                        .to_hex()
                        .eq_ignore_ascii_case(row.checksum.trim())
                    {
                        MigrationState::Applied
                    } else {
                        MigrationState::Changed
                    }
                }
                (Some(_), None) if newest_applied.is_some_and(|n| version < n) => {
                    MigrationState::OutOfOrder
                }
                (Some(_), None) => MigrationState::Pending,
                (None, None) => unreachable!("version comes from files or rows"),
            };
            StatusEntry {
                version: version.clone(),
                name: file.map_or_else(
                    || row.map(|r| r.name.clone()).unwrap_or_default(),
                    |f| f.name.to_string(),
                ),
                state,
                path: file.map(|f| f.up.path.to_string()),
                file_checksum: file.map(Migration::checksum),
                row: row.cloned(),
            }
        })
        .collect()
}

/// Why a deploy (or revert) refuses to run anything. Its text states each problem; what to
/// do about it depends on the tool at hand, so a front end adds that (the CLI names its verbs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryProblems(pub Vec<StatusEntry>);

impl StatusEntry {
    /// What is wrong with this migration's history, for a problem state (`Changed`,
    /// `Missing`, `Failed`, `OutOfOrder`): facts only, no remedy.
    pub fn problem(&self) -> String {
        let v = &self.version;
        let name = &self.name;
        let path = self.path.as_deref().unwrap_or("(no file)");
        let error = self.row.as_ref().and_then(|r| r.error.as_deref());
        match self.state {
            MigrationState::Changed => format!(
                "migration {v} ({name}) was changed after it was applied: {path} has checksum {file}, the database recorded {recorded}",
                file = self.file_checksum.map(|c| c.to_hex()).unwrap_or_default(),
                recorded = self.row.as_ref().map(|r| r.checksum.as_str()).unwrap_or(""),
            ),
            MigrationState::Missing => {
                format!("migration {v} ({name}) is recorded as applied but its file is gone")
            }
            MigrationState::Failed => match self.row.as_ref().and_then(|r| r.progress.as_ref()) {
                Some(p) => format!(
                    "migration {v} ({name}, {path}) {how} with {summary}: {detail}{error}",
                    how = if p.running {
                        "was interrupted (its deployer was killed or lost its connection)"
                    } else {
                        "stopped part-way"
                    },
                    summary = p.summary(),
                    detail = p.detail(),
                    error = error.map(|m| format!(" ({m})")).unwrap_or_default(),
                ),
                None => format!(
                    "migration {v} ({name}) failed part-way and needs a manual fix: {}",
                    error.unwrap_or("no error recorded")
                ),
            },
            MigrationState::OutOfOrder => {
                format!("migration {v} ({name}, {path}) is older than migrations already applied")
            }
            MigrationState::Applied | MigrationState::Pending => {
                format!("migration {v}: {}", self.state)
            }
        }
    }
}

impl fmt::Display for HistoryProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            f.write_str(&e.problem())?;
        }
        Ok(())
    }
}

impl std::error::Error for HistoryProblems {}

/// The versions a deploy applies, in order: pending (and, when allowed, out-of-order)
/// migrations up to and including `to`. Refuses on any history problem.
pub fn plan_deploy(
    entries: &[StatusEntry],
    to: Option<&Version>,
    allow_out_of_order: bool,
) -> Result<Vec<Version>, HistoryProblems> {
    let problems: Vec<StatusEntry> = entries
        .iter()
        .filter(|e| {
            e.state.is_problem() || (e.state == MigrationState::OutOfOrder && !allow_out_of_order)
        })
        .cloned()
        .collect();
    if !problems.is_empty() {
        return Err(HistoryProblems(problems));
    }
    Ok(entries
        .iter()
        .filter(|e| {
            matches!(
                e.state,
                MigrationState::Pending | MigrationState::OutOfOrder
            )
        })
        .filter(|e| to.is_none_or(|to| e.version <= *to))
        .map(|e| e.version.clone())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Dialect, Script};

    fn file(version: i64, sql: &str) -> Migration {
        let up = Script::parse(
            format!("m/{version}_m.sql"),
            sql.to_owned(),
            Dialect::Sqlite,
            false,
        )
        .unwrap();
        Migration {
            version: version.into(),
            name: "m".into(),
            up,
            down: None,
            replay: None,
        }
    }

    fn row(version: i64, sql: &str, success: bool) -> AppliedRow {
        AppliedRow {
            version: version.into(),
            name: "m".into(),
            checksum: Checksum::of(sql).to_hex(),
            applied_at: "2026-01-01T00:00:00Z".into(),
            execution_ms: 3,
            success,
            error: (!success).then(|| "boom".into()),
            applied_by: "test".into(),
            backup: None,
            progress: None,
        }
    }

    fn states(files: &[Migration], rows: &[AppliedRow]) -> Vec<(i64, MigrationState)> {
        status(files, rows)
            .into_iter()
            .map(|e| (e.version.as_number().unwrap(), e.state))
            .collect()
    }

    #[test]
    fn every_state() {
        use MigrationState::*;
        let files = [
            file(1, "SELECT 1;"),
            file(2, "SELECT 2;"),
            file(3, "SELECT 3;"),
            file(5, "SELECT 5;"),
            file(6, "SELECT 6;"),
            file(7, "SELECT 7;"),
        ];
        let rows = [
            row(1, "SELECT 1;", true),
            row(2, "SELECT 2; -- edited", true),
            row(4, "x", true),
            row(6, "SELECT 6;", true),
            row(7, "SELECT 7;", false),
        ];
        assert_eq!(
            states(&files, &rows),
            vec![
                (1, Applied),
                (2, Changed),
                (3, OutOfOrder),
                (4, Missing),
                (5, OutOfOrder),
                (6, Applied),
                (7, Failed)
            ]
        );
    }

    #[test]
    fn a_failed_row_does_not_make_older_files_out_of_order() {
        use MigrationState::*;
        let files = [file(1, "SELECT 1;"), file(2, "SELECT 2;")];
        assert_eq!(
            states(&files, &[row(2, "SELECT 2;", false)]),
            vec![(1, Pending), (2, Failed)]
        );
    }

    #[test]
    fn plans() {
        let files = [
            file(1, "SELECT 1;"),
            file(2, "SELECT 2;"),
            file(3, "SELECT 3;"),
        ];
        let fresh = status(&files, &[]);
        assert_eq!(plan_deploy(&fresh, None, false).unwrap(), vec![1, 2, 3]);
        assert_eq!(
            plan_deploy(&fresh, Some(&2.into()), false).unwrap(),
            vec![1, 2]
        );
        let gap = status(&files, &[row(2, "SELECT 2;", true)]);
        let refused = plan_deploy(&gap, None, false).unwrap_err();
        assert_eq!(refused.0.len(), 1);
        assert_eq!(
            refused.to_string(),
            "migration 1 (m, m/1_m.sql) is older than migrations already applied"
        );
        assert_eq!(plan_deploy(&gap, None, true).unwrap(), vec![1, 3]);
        let changed = status(&files, &[row(1, "SELECT 0;", true)]);
        let msg = plan_deploy(&changed, None, true).unwrap_err().to_string();
        assert!(msg.contains("was changed after it was applied"), "{msg}");
        assert!(msg.contains(&Checksum::of("SELECT 1;").to_hex()), "{msg}");
        // Facts only: the remedies name a front end's commands, which it adds itself.
        assert!(
            !msg.contains("cargo migrate") && !msg.contains("--"),
            "{msg}"
        );
    }

    #[test]
    fn an_interrupted_row_is_failed_and_names_the_statements_done_and_the_ways_out() {
        let files = [file(1, "SELECT 1; SELECT 2; SELECT 3;")];
        let mut interrupted = row(1, "SELECT 1; SELECT 2; SELECT 3;", false);
        interrupted.error = None;
        interrupted.progress = Some(Progress {
            running: true,
            done: 2,
            total: 3,
            done_checksum: String::new(),
        });
        let entries = status(&files, &[interrupted]);
        assert_eq!(entries[0].state, MigrationState::Failed);
        let msg = plan_deploy(&entries, None, false).unwrap_err().to_string();
        assert!(msg.contains("was interrupted"), "{msg}");
        assert!(msg.contains("2 of 3 statements done"), "{msg}");
        assert!(
            msg.contains("statements 1-2 are done, statement 3 is not"),
            "{msg}"
        );
        assert!(!msg.contains("resolve") && !msg.contains("--"), "{msg}");
    }

    #[test]
    fn progress_details() {
        let p = |done, total| Progress {
            running: false,
            done,
            total,
            done_checksum: String::new(),
        };
        assert_eq!(p(0, 1).summary(), "0 of 1 statement done");
        assert_eq!(
            p(0, 3).detail(),
            "no statement is done (statements 1-3 are not)"
        );
        assert_eq!(p(1, 2).detail(), "statement 1 is done, statement 2 is not");
        assert_eq!(p(3, 3).detail(), "all 3 statements are done");
    }
}
