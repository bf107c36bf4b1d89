//! Taking over another tool's history: which of its rows match our files. Pure.

use std::fmt;

use sha2::{Digest, Sha256, Sha384};

use crate::{Checksum, Migration, Version, layout, version};

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
        version: Version,
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
        write!(f, "cannot adopt {table}: nothing was recorded.")?;
        for p in &self.problems {
            match p {
                AdoptProblem::Missing { key } => write!(
                    f,
                    "\n  {table} has {key} applied, but no migration file has that version: restore the file, or delete the row from {table} if it was removed on purpose"
                )?,
                AdoptProblem::Changed { version, path } => write!(
                    f,
                    "\n  {path} (version {version}) differs from what {} applied: restore the file as it was applied (see `git log -p -- {path}`)",
                    self.tool.name()
                )?,
                AdoptProblem::Failed { key } => write!(
                    f,
                    "\n  {table} records {key} as failed: fix it with {} first, or fix the database by hand and delete that row",
                    self.tool.name()
                )?,
                AdoptProblem::BadKey { key } => write!(
                    f,
                    "\n  {table} has a row `{key}` that is not a migration version"
                )?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for AdoptProblems {}

/// The versions to record as applied, or every reason not to.
///
/// A sqlx or diesel row names the migration whose version, written out, is the row's text,
/// row for row (diesel's `__diesel_schema_migrations.version` is exactly our diesel version,
/// see [`crate::version`]); a Prisma row names it by its folder name.
pub fn check_adoption(
    tool: Tool,
    migrations: &[Migration],
    rows: &[ForeignRow],
) -> Result<Vec<Version>, AdoptProblems> {
    let order = version::order_of(migrations.iter().map(|m| &m.version));
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
        let m = match tool {
            Tool::Prisma => {
                let Ok(name) = layout::parse_name(key, order) else {
                    problems.push(AdoptProblem::BadKey { key: key.clone() });
                    continue;
                };
                migrations.iter().find(|m| m.version == name.version)
            }
            _ => {
                let key = key.trim();
                migrations.iter().find(|m| m.version.to_string() == key)
            }
        };
        let Some(m) = m else {
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
                version: m.version.clone(),
                path: m.up.path.to_string(),
            });
            continue;
        }
        if !versions.contains(&m.version) {
            versions.push(m.version.clone());
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

    fn migration(version: impl Into<Version>, sql: &str) -> Migration {
        let version = version.into();
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
            Ok(vec![Version::Number(1)])
        );
        // sqlx hashed the file with its CRLF; an LF copy is a different file to sqlx.
        let err =
            check_adoption(Tool::Sqlx, &files, &[row(1, "CREATE TABLE a (x int);\n")]).unwrap_err();
        assert!(matches!(
            err.problems[0],
            AdoptProblem::Changed {
                version: Version::Number(1),
                ..
            }
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
    fn diesel_rows_name_the_migration_whose_version_is_their_text() {
        let text = |name: &str| Version::Text(crate::version::diesel_version(name).into());
        let files = [
            migration(text("00000000000000_diesel_initial_setup"), "SELECT 0;"),
            migration(text("2024-03-13_170000_sso_userscascade"), "SELECT 1;"),
            migration(
                text("2023-05-23-1715-update-subgraph-deployment-assignment"),
                "SELECT 2;",
            ),
        ];
        let row = |key: &str| (key.to_owned(), true, None, None, false);
        assert_eq!(
            check_adoption(
                Tool::Diesel,
                &files,
                &[
                    row("00000000000000"),
                    row("20240313"),
                    row("202305231715updatesubgraphdeploymentassignment"),
                ]
            ),
            Ok(vec![
                files[0].version.clone(),
                files[1].version.clone(),
                files[2].version.clone()
            ])
        );
        // Text, not digits: `0` is not `00000000000000`, `20240313000000` not `20240313`.
        for key in ["0", "20240313000000", "202305231715"] {
            assert!(
                matches!(
                    &check_adoption(Tool::Diesel, &files, &[row(key)])
                        .unwrap_err()
                        .problems[..],
                    [AdoptProblem::Missing { .. }]
                ),
                "{key}"
            );
        }
    }

    #[test]
    fn diesel_and_prisma_keys() {
        let files = [migration(20230101000000, "SELECT 1;")];
        let diesel = ("20230101000000".to_owned(), true, None, None, false);
        assert_eq!(
            check_adoption(Tool::Diesel, &files, &[diesel]),
            Ok(vec![Version::Number(20230101000000)])
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
            Ok(vec![Version::Number(20230101000000)])
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
