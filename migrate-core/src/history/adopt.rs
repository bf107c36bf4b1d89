//! Taking over another tool's history: which of its rows match our files. Pure.

use std::fmt;

use sha2::{Digest, Sha256, Sha384};

use crate::{Checksum, Migration, layout};

/// A migration tool whose history table `cargo migrate adopt` can take over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Tool {
    /// sqlx's `_sqlx_migrations`.
    Sqlx,
    /// diesel's `__diesel_schema_migrations`.
    Diesel,
    /// Prisma's `_prisma_migrations`.
    Prisma,
}

impl Tool {
    /// The tool's history table.
    pub fn table(self) -> &'static str {
        match self {
            Tool::Sqlx => "_sqlx_migrations",
            Tool::Diesel => "__diesel_schema_migrations",
            Tool::Prisma => "_prisma_migrations",
        }
    }

    /// The tool's name, as `cargo migrate adopt` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Sqlx => "sqlx",
            Tool::Diesel => "diesel",
            Tool::Prisma => "prisma",
        }
    }

    /// One query that reads the table on PostgreSQL and SQLite alike, as rows of
    /// `(key TEXT, applied BOOL, binary checksum, hex checksum, failed BOOL)`.
    pub fn select_sql(self) -> &'static str {
        match self {
            Tool::Sqlx => {
                "SELECT CAST(version AS TEXT), success, checksum, NULL, NOT success FROM _sqlx_migrations ORDER BY version"
            }
            Tool::Diesel => {
                "SELECT version, true, NULL, NULL, false FROM __diesel_schema_migrations ORDER BY version"
            }
            Tool::Prisma => {
                "SELECT migration_name, finished_at IS NOT NULL AND rolled_back_at IS NULL, NULL, checksum, \
                 finished_at IS NULL AND rolled_back_at IS NULL FROM _prisma_migrations ORDER BY started_at"
            }
        }
    }
}

/// One row of another tool's history, as read by [`Tool::select_sql`].
pub type ForeignRow = (String, bool, Option<Vec<u8>>, Option<String>, bool);

/// A reason a foreign row cannot be taken over.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AdoptProblem {
    /// The row names no migration file.
    Missing {
        /// The row's key in the other tool's history.
        key: String,
    },
    /// The file's content differs from what the tool applied.
    Changed {
        /// The migration's version.
        version: i64,
        /// The migration's file.
        path: String,
    },
    /// The tool recorded the migration as failed.
    Failed {
        /// The row's key in the other tool's history.
        key: String,
    },
    /// The row's key is not a version.
    BadKey {
        /// The row's key in the other tool's history.
        key: String,
    },
}

/// Every problem found, reported together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdoptProblems {
    /// The tool whose history was read.
    pub tool: Tool,
    /// Every problem, in version order.
    pub problems: Vec<AdoptProblem>,
}

impl fmt::Display for AdoptProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let table = self.tool.table();
        writeln!(f, "cannot adopt {table}: nothing was recorded.")?;
        for p in &self.problems {
            match p {
                AdoptProblem::Missing { key } => writeln!(
                    f,
                    "  {table} has {key} applied, but no migration file has that version: restore the file, or delete the row from {table} if it was removed on purpose"
                )?,
                AdoptProblem::Changed { version, path } => writeln!(
                    f,
                    "  {path} (version {version}) differs from what {} applied: restore the file as it was applied (see `git log -p -- {path}`)",
                    self.tool.name()
                )?,
                AdoptProblem::Failed { key } => writeln!(
                    f,
                    "  {table} records {key} as failed: fix it with {} first, or fix the database by hand and delete that row",
                    self.tool.name()
                )?,
                AdoptProblem::BadKey { key } => writeln!(
                    f,
                    "  {table} has a row `{key}` that is not a migration version"
                )?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for AdoptProblems {}

/// The versions to record as applied, or every reason not to.
pub fn check_adoption(
    tool: Tool,
    migrations: &[Migration],
    rows: &[ForeignRow],
) -> Result<Vec<i64>, AdoptProblems> {
    let mut problems = Vec::new();
    let mut versions = Vec::new();
    for (key, applied, binary, hex, failed) in rows {
        if *failed {
            problems.push(AdoptProblem::Failed { key: key.clone() });
            continue;
        }
        if !applied {
            continue;
        }
        let version = match tool {
            Tool::Prisma => layout::parse_stem(key).ok().map(|v| v.version),
            _ => {
                let digits: String = key.chars().filter(char::is_ascii_digit).collect();
                digits.parse::<i64>().ok()
            }
        };
        let Some(version) = version else {
            problems.push(AdoptProblem::BadKey { key: key.clone() });
            continue;
        };
        let Some(m) = migrations.iter().find(|m| m.version == version) else {
            problems.push(AdoptProblem::Missing { key: key.clone() });
            continue;
        };
        let sql = m.up.sql.as_ref();
        let with_bom = format!("\u{feff}{sql}");
        let matches = match tool {
            // sqlx: SHA-384 of the file's raw text, as read (a BOM included).
            Tool::Sqlx => binary.as_deref().is_some_and(|stored| {
                stored == Sha384::digest(sql).as_slice()
                    || stored == Sha384::digest(&with_bom).as_slice()
            }),
            // Prisma: hex SHA-256 of migration.sql, accepted as Prisma accepts it.
            Tool::Prisma => hex
                .as_deref()
                .is_some_and(|stored| prisma_matches(sql, &with_bom, m.checksum(), stored)),
            // diesel records no checksum.
            Tool::Diesel => true,
        };
        if !matches {
            problems.push(AdoptProblem::Changed {
                version,
                path: m.up.path.to_string(),
            });
            continue;
        }
        if !versions.contains(&version) {
            versions.push(version);
        }
    }
    if problems.is_empty() {
        Ok(versions)
    } else {
        Err(AdoptProblems { tool, problems })
    }
}

/// Whether a `_prisma_migrations.checksum` matches the file, by Prisma's own rule
/// (`script_matches_checksum` in prisma-engines): the SHA-256 of the script as read, with its
/// CRLFs turned into LFs, or with its LFs turned into CRLFs (a checkout on the other OS), in
/// lower-case hex; a stored value that is not 64 characters long was written before Prisma
/// zero-padded its hex digits (prisma-engines issue 1887) and is compared unpadded.
fn prisma_matches(sql: &str, with_bom: &str, ours: Checksum, stored: &str) -> bool {
    let stored = stored.trim().to_ascii_lowercase();
    let unpadded = !stored.is_empty() && stored.len() != 64;
    let render = |c: Checksum| {
        if unpadded {
            c.0.iter().map(|b| format!("{b:x}")).collect()
        } else {
            c.to_hex()
        }
    };
    let sha = |text: &str| Checksum(Sha256::digest(text).into());
    [
        sha(sql),
        sha(with_bom),
        ours,
        sha(&sql.replace('\n', "\r\n")),
        sha(&with_bom.replace('\n', "\r\n")),
    ]
    .into_iter()
    .any(|c| render(c) == stored)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Dialect, Script};

    fn migration(version: i64, sql: &str) -> Migration {
        let up = Script::parse(
            format!("m/{version}_x.sql"),
            sql.to_owned(),
            Dialect::Postgres,
            false,
        )
        .unwrap();
        Migration {
            version,
            name: "x".into(),
            up,
            down: None,
            replay: None,
        }
    }

    #[test]
    fn sqlx_rows_match_by_sha384_of_the_raw_text() {
        let files = [
            migration(1, "CREATE TABLE a (x int);\r\n"),
            migration(2, "SELECT 2;"),
        ];
        let row = |v: i64, sql: &str| {
            (
                v.to_string(),
                true,
                Some(Sha384::digest(sql).to_vec()),
                None,
                false,
            )
        };
        assert_eq!(
            check_adoption(Tool::Sqlx, &files, &[row(1, "CREATE TABLE a (x int);\r\n")]),
            Ok(vec![1])
        );
        // sqlx hashed the file with its CRLF; an LF copy is a different file to sqlx.
        let err =
            check_adoption(Tool::Sqlx, &files, &[row(1, "CREATE TABLE a (x int);\n")]).unwrap_err();
        assert!(matches!(
            err.problems[0],
            AdoptProblem::Changed { version: 1, .. }
        ));
        let err = check_adoption(Tool::Sqlx, &files, &[row(3, "x")]).unwrap_err();
        assert!(
            err.to_string()
                .contains("no migration file has that version"),
            "{err}"
        );
        let failed = ("2".to_owned(), false, Some(vec![]), None, true);
        assert!(matches!(
            check_adoption(Tool::Sqlx, &files, &[failed])
                .unwrap_err()
                .problems[0],
            AdoptProblem::Failed { .. }
        ));
    }

    #[test]
    fn diesel_and_prisma_keys() {
        let files = [migration(20230101000000, "SELECT 1;")];
        let diesel = ("20230101000000".to_owned(), true, None, None, false);
        assert_eq!(
            check_adoption(Tool::Diesel, &files, &[diesel]),
            Ok(vec![20230101000000])
        );
        let hex = Checksum(Sha256::digest("SELECT 1;").into()).to_hex();
        let prisma = (
            "20230101000000_init".to_owned(),
            true,
            None,
            Some(hex),
            false,
        );
        assert_eq!(
            check_adoption(Tool::Prisma, &files, &[prisma]),
            Ok(vec![20230101000000])
        );
        let rolled_back = (
            "20230101000000_init".to_owned(),
            false,
            None,
            Some("00".into()),
            false,
        );
        assert_eq!(
            check_adoption(Tool::Prisma, &files, &[rolled_back]),
            Ok(vec![])
        );
    }
}
