//! `migrate.sum`: the committed checksums of every file in the migrations folder, and a final
//! line hashing them all, so that two branches that add migrations conflict in git instead of
//! in production. `cargo migrate hash` writes it; `cargo migrate check` compares it.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::{Checksum, Migration};

/// The integrity file's name in the migrations folder.
pub const SUM_FILE: &str = "migrate.sum";

const HEADER: &str = "# Checksums of this folder's migrations, written by `cargo migrate hash`.\n\
                      # Two branches that add migrations conflict here, in git, instead of in production.\n";

/// Every file of the migrations (up, down, replay overrides) as `(name relative to the
/// folder, checksum)`, in order. `prefix` is the folder as it appears in the scripts' paths.
pub fn entries(migrations: &[Migration], prefix: &str) -> Vec<(String, Checksum)> {
    let prefix = format!("{}/", prefix.trim_end_matches('/'));
    migrations
        .iter()
        .flat_map(|m| std::iter::once(&m.up).chain(&m.down).chain(&m.replay))
        .map(|s| {
            (
                s.path
                    .strip_prefix(prefix.as_str())
                    .unwrap_or(&s.path)
                    .to_owned(),
                s.checksum,
            )
        })
        .collect()
}

/// The text of `migrate.sum` for these entries.
pub fn render(entries: &[(String, Checksum)]) -> String {
    let body: String = entries
        .iter()
        .map(|(name, sum)| format!("{sum}  {name}\n"))
        .collect();
    format!("{HEADER}{body}{}  total\n", total(&body))
}

fn total(body: &str) -> Checksum {
    Checksum(Sha256::digest(body.as_bytes()).into())
}

/// The checksum `cargo migrate new` records for a file whose SQL is not written yet.
pub const NOT_HASHED: Checksum = Checksum([0; 32]);

/// `migrate.sum` with `names` appended as not hashed yet and the total recomputed: what
/// `cargo migrate new` does, so that two branches adding migrations conflict from the start.
pub fn append_unhashed(sum_text: &str, names: &[String]) -> String {
    let mut body = String::new();
    for line in sum_text.lines().map(|l| l.trim_end_matches('\r')) {
        if line.trim().is_empty() || line.starts_with('#') || line.ends_with("  total") {
            continue;
        }
        body.push_str(line);
        body.push('\n');
    }
    for name in names {
        body.push_str(&format!("{NOT_HASHED}  {name}\n"));
    }
    format!("{HEADER}{body}{}  total\n", total(&body))
}

/// A difference between the folder and its `migrate.sum`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SumProblem {
    /// A file that `migrate.sum` does not list, or lists as not hashed yet (a new
    /// migration): pending.
    Unlisted {
        /// The file's name in the folder.
        name: String,
    },
    /// A listed file whose content changed.
    Changed {
        /// The file's name in the folder.
        name: String,
    },
    /// A listed file that no longer exists.
    Gone {
        /// The file's name in the folder.
        name: String,
    },
    /// The final line does not hash the lines above it (a hand edit or a bad merge).
    BadTotal,
    /// A line that is not `<checksum>  <name>`.
    Malformed {
        /// The line of `migrate.sum`, from 1.
        line: usize,
    },
}

impl SumProblem {
    /// Whether it is only new work waiting for `cargo migrate hash` (not a changed history).
    pub fn is_pending(&self) -> bool {
        matches!(self, SumProblem::Unlisted { .. })
    }
}

impl fmt::Display for SumProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SumProblem::Unlisted { name } => {
                write!(
                    f,
                    "{name} is not hashed in {SUM_FILE} yet: once it is reviewed, run `cargo migrate hash` and commit {SUM_FILE}"
                )
            }
            SumProblem::Changed { name } => write!(
                f,
                "{name} changed since {SUM_FILE} was written: restore it, or, if the edit is intended (and the migration was never deployed), run `cargo migrate hash`"
            ),
            SumProblem::Gone { name } => {
                write!(
                    f,
                    "{name} is listed in {SUM_FILE} but no longer exists: restore it, or run `cargo migrate hash` if it was removed on purpose"
                )
            }
            SumProblem::BadTotal => write!(
                f,
                "the `total` line of {SUM_FILE} does not match the lines above it (a hand edit or a merge?): review the migrations, then run `cargo migrate hash`"
            ),
            SumProblem::Malformed { line } => {
                write!(
                    f,
                    "{SUM_FILE}:{line}: expected `<sha256 hex>  <file name>`: run `cargo migrate hash` to rewrite it"
                )
            }
        }
    }
}

/// Compares the folder's files with the text of its `migrate.sum`.
pub fn compare(entries: &[(String, Checksum)], sum_text: &str) -> Vec<SumProblem> {
    let mut problems = Vec::new();
    let mut listed: Vec<(String, Checksum)> = Vec::new();
    let mut body = String::new();
    let mut recorded_total = None;
    for (i, line) in sum_text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let parsed = line
            .split_once("  ")
            .and_then(|(sum, name)| sum.parse::<Checksum>().ok().map(|s| (s, name)));
        match parsed {
            Some((sum, "total")) => recorded_total = Some(sum),
            Some((sum, name)) => {
                body.push_str(&format!("{sum}  {name}\n"));
                listed.push((name.to_owned(), sum));
            }
            None => problems.push(SumProblem::Malformed { line: i + 1 }),
        }
    }
    if recorded_total != Some(total(&body)) {
        problems.push(SumProblem::BadTotal);
    }
    for (name, sum) in entries {
        match listed.iter().find(|(n, _)| n == name) {
            None => problems.push(SumProblem::Unlisted { name: name.clone() }),
            Some((_, recorded)) if *recorded == NOT_HASHED => {
                problems.push(SumProblem::Unlisted { name: name.clone() })
            }
            Some((_, recorded)) if recorded != sum => {
                problems.push(SumProblem::Changed { name: name.clone() })
            }
            Some(_) => {}
        }
    }
    for (name, _) in &listed {
        if !entries.iter().any(|(n, _)| n == name) {
            problems.push(SumProblem::Gone { name: name.clone() });
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(name: &str, text: &str) -> (String, Checksum) {
        (name.to_owned(), Checksum::of(text))
    }

    #[test]
    fn a_fresh_sum_matches_its_folder() {
        let entries = vec![
            e("1_a.up.sql", "A"),
            e("1_a.down.sql", "a"),
            e("2_b.sql", "B"),
        ];
        let text = render(&entries);
        assert!(text.lines().last().unwrap().ends_with("  total"));
        assert_eq!(compare(&entries, &text), vec![]);
        assert_eq!(
            compare(&entries, &text.replace('\n', "\r\n")),
            vec![],
            "a CRLF checkout still matches"
        );
    }

    #[test]
    fn differences_are_named() {
        let entries = vec![e("1_a.sql", "A"), e("2_b.sql", "B")];
        let text = render(&entries);
        let now = vec![e("1_a.sql", "A2"), e("3_c.sql", "C")];
        let problems = compare(&now, &text);
        assert_eq!(
            problems,
            vec![
                SumProblem::Changed {
                    name: "1_a.sql".into()
                },
                SumProblem::Unlisted {
                    name: "3_c.sql".into()
                },
                SumProblem::Gone {
                    name: "2_b.sql".into()
                },
            ]
        );
        assert!(problems[1].is_pending() && !problems[0].is_pending());
    }

    #[test]
    fn two_branches_adding_migrations_conflict_on_the_total_line() {
        let base = vec![e("1_a.sql", "A")];
        let ours = render(&[base.clone(), vec![e("2_b.sql", "B")]].concat());
        let theirs = render(&[base, vec![e("2_c.sql", "C")]].concat());
        let last = |t: &str| t.lines().last().unwrap().to_owned();
        assert_ne!(
            last(&ours),
            last(&theirs),
            "both branches change the same final line"
        );
        // A merge resolved by keeping both file lines and one branch's total is caught.
        let merged = format!(
            "{}  1_a.sql\n{}  2_b.sql\n{}  2_c.sql\n{}\n",
            Checksum::of("A"),
            Checksum::of("B"),
            Checksum::of("C"),
            last(&ours)
        );
        let problems = compare(
            &[e("1_a.sql", "A"), e("2_b.sql", "B"), e("2_c.sql", "C")],
            &merged,
        );
        assert_eq!(problems, vec![SumProblem::BadTotal]);
    }

    #[test]
    fn appended_files_are_pending_until_hashed() {
        let base = render(&[e("1_a.sql", "A")]);
        let appended = append_unhashed(&base, &["2_b.sql".to_owned()]);
        let problems = compare(&[e("1_a.sql", "A"), e("2_b.sql", "B")], &appended);
        assert_eq!(
            problems,
            vec![SumProblem::Unlisted {
                name: "2_b.sql".into()
            }]
        );
        assert!(problems[0].is_pending());
        assert_ne!(
            appended.lines().last(),
            base.lines().last(),
            "the total changes: branches conflict"
        );
    }

    #[test]
    fn malformed_lines_and_a_missing_total() {
        let problems = compare(&[], "garbage\n");
        assert!(problems.contains(&SumProblem::Malformed { line: 1 }));
        assert!(problems.contains(&SumProblem::BadTotal));
    }
}
