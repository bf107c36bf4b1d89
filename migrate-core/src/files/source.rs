//! Finding, naming, ordering and checking the migrations in a folder.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::files::layout::{self, FileKind, RESERVED};
use crate::replay::overrides;
use crate::{Checksum, Dialect, Migration, Script, SourceError, SourceErrors};

/// How to read a migrations folder.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Decides how files are split into statements.
    pub dialect: Dialect,
    /// Glob patterns (`*`, `?`) of names in the folder that are not migrations.
    pub ignore: Vec<String>,
    /// Paths in messages are shown under this prefix (default: the folder as given).
    pub display_dir: Option<String>,
}

impl LoadOptions {
    /// Options for this dialect, with the defaults for everything else.
    pub fn new(dialect: Dialect) -> LoadOptions {
        LoadOptions {
            dialect,
            ignore: Vec::new(),
            display_dir: None,
        }
    }
}

/// A file found in the folder, before checking.
struct Found {
    version: i64,
    name: String,
    path: PathBuf,
    shown: String,
    no_transaction: bool,
}

/// Reads every migration in `dir`, ordered by version. All problems are reported at once.
pub fn load(dir: &Path, options: &LoadOptions) -> Result<Vec<Migration>, SourceErrors> {
    let shown_dir = options
        .display_dir
        .clone()
        .unwrap_or_else(|| dir.display().to_string());
    let show = |name: &str| format!("{}/{}", shown_dir.trim_end_matches('/'), name);
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(SourceErrors(vec![SourceError::MissingDir {
                dir: shown_dir,
            }]));
        }
        Err(e) => {
            return Err(SourceErrors(vec![SourceError::Io {
                path: shown_dir,
                message: e.to_string(),
            }]));
        }
    };
    let mut errors = Vec::new();
    let mut ups: Vec<Found> = Vec::new();
    let mut downs: Vec<Found> = Vec::new();
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                errors.push(SourceError::Io {
                    path: shown_dir.clone(),
                    message: e.to_string(),
                });
                continue;
            }
        };
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if file_name.starts_with('.')
            || RESERVED.contains(&file_name.as_str())
            || options
                .ignore
                .iter()
                .any(|p| layout::glob_match(p, &file_name))
        {
            continue;
        }
        let shown = show(&file_name);
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        if is_dir {
            classify_dir(
                &entry.path(),
                &file_name,
                &shown,
                &mut ups,
                &mut downs,
                &mut errors,
            );
            continue;
        }
        let Some((stem, kind)) = layout::classify_file(&file_name) else {
            errors.push(SourceError::Unrecognized {
                path: shown,
                reason: "not an `.sql` file".into(),
            });
            continue;
        };
        match layout::parse_stem(stem) {
            Ok(v) => {
                let found = Found {
                    version: v.version,
                    name: v.name,
                    path: entry.path(),
                    shown,
                    no_transaction: false,
                };
                match kind {
                    FileKind::Up => ups.push(found),
                    FileKind::Down => downs.push(found),
                }
            }
            Err(name_error) => errors.push(SourceError::BadName {
                path: shown,
                name_error,
            }),
        }
    }

    ups.sort_by(|a, b| (a.version, &a.shown).cmp(&(b.version, &b.shown)));
    let mut by_version: BTreeMap<i64, Migration> = BTreeMap::new();
    let mut shown_by_version: BTreeMap<i64, String> = BTreeMap::new();
    for found in ups {
        if let Some(first) = shown_by_version.get(&found.version) {
            errors.push(SourceError::DuplicateVersion {
                version: found.version,
                first: first.clone(),
                second: found.shown,
            });
            continue;
        }
        shown_by_version.insert(found.version, found.shown.clone());
        match read_script(&found, options.dialect) {
            Ok(up) => {
                by_version.insert(
                    found.version,
                    Migration {
                        version: found.version,
                        name: found.name.into(),
                        up,
                        down: None,
                        replay: None,
                    },
                );
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    downs.sort_by(|a, b| a.shown.cmp(&b.shown));
    for found in downs {
        let Some(up_shown) = shown_by_version.get(&found.version) else {
            errors.push(SourceError::DownWithoutUp { path: found.shown });
            continue;
        };
        let Some(migration) = by_version.get_mut(&found.version) else {
            continue;
        };
        if migration.name != found.name {
            errors.push(SourceError::DownNameMismatch {
                up: up_shown.clone(),
                down: found.shown,
            });
            continue;
        }
        if let Some(existing) = &migration.down {
            errors.push(SourceError::DuplicateVersion {
                version: found.version,
                first: existing.path.to_string(),
                second: found.shown,
            });
            continue;
        }
        match read_script(&found, options.dialect) {
            // diesel writes an empty down.sql for a migration nothing can undo: load it as a
            // migration without a down file, which `revert` refuses to revert.
            Ok(down) if crate::split(&down.sql, options.dialect).is_ok_and(|s| s.is_empty()) => {}
            Ok(down) => migration.down = Some(down),
            Err(e) if matches!(e.as_slice(), [SourceError::Empty { .. }]) => {}
            // A down file that does not parse blocks neither the build nor `deploy`, which
            // never run it: it is kept as written, and `check` and `revert` report it
            // (`Script::problems`).
            Err(e)
                if e.iter().all(|e| {
                    matches!(
                        e,
                        SourceError::Unterminated { .. }
                            | SourceError::TransactionControl { .. }
                            | SourceError::UnknownDirective { .. }
                    )
                }) =>
            {
                if let Ok(text) = read_text(&found) {
                    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned();
                    migration.down = Some(Script {
                        path: found.shown.clone().into(),
                        checksum: Checksum::of(&text),
                        sql: text.into(),
                        no_transaction: found.no_transaction,
                    });
                }
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    attach_overrides(dir, &shown_dir, &mut by_version, &mut errors);
    if errors.is_empty() {
        Ok(by_version.into_values().collect())
    } else {
        Err(SourceErrors(errors))
    }
}

/// Reads the replay overrides in `<dir>/.replay/` into their migrations. An `.sql` file there
/// that is named after no migration is an error; other files (a README) are left alone.
fn attach_overrides(
    dir: &Path,
    shown_dir: &str,
    by_version: &mut BTreeMap<i64, Migration>,
    errors: &mut Vec<SourceError>,
) {
    let Ok(entries) = fs::read_dir(dir.join(overrides::FOLDER)) else {
        return;
    };
    let shown_dir = shown_dir.trim_end_matches('/');
    let mut files: Vec<(String, PathBuf)> = entries
        .flatten()
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .filter(|(name, path)| name.ends_with(".sql") && !name.starts_with('.') && path.is_file())
        .collect();
    files.sort();
    for (name, path) in files {
        let shown = format!("{shown_dir}/{}/{name}", overrides::FOLDER);
        let Some(migration) = by_version
            .values_mut()
            .find(|m| overrides::path_for(&m.up.path) == shown)
        else {
            errors.push(SourceError::OverrideWithoutMigration { path: shown });
            continue;
        };
        let found = Found {
            version: migration.version,
            name: name.clone(),
            path,
            shown: shown.clone(),
            no_transaction: false,
        };
        match read_text(&found) {
            Ok(text) => {
                let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned();
                migration.replay = Some(Script {
                    path: shown.into(),
                    checksum: Checksum::of(&text),
                    sql: text.into(),
                    no_transaction: false,
                });
            }
            Err(e) => errors.push(e),
        }
    }
}

/// A `<version>_<name>/` folder: diesel (`up.sql`, `down.sql`, `metadata.toml`) or Prisma
/// (`migration.sql`).
fn classify_dir(
    path: &Path,
    dir_name: &str,
    shown: &str,
    ups: &mut Vec<Found>,
    downs: &mut Vec<Found>,
    errors: &mut Vec<SourceError>,
) {
    let v = match layout::parse_stem(dir_name) {
        Ok(v) => v,
        Err(name_error) => {
            errors.push(SourceError::BadName {
                path: shown.to_owned(),
                name_error,
            });
            return;
        }
    };
    let up = ["up.sql", "migration.sql"]
        .iter()
        .find(|f| path.join(f).is_file());
    let Some(up) = up else {
        if path.join("down.sql").is_file() {
            errors.push(SourceError::DownWithoutUp {
                path: format!("{shown}/down.sql"),
            });
        } else {
            errors.push(SourceError::Unrecognized {
                path: shown.to_owned(),
                reason: "a folder without `up.sql` or `migration.sql`".into(),
            });
        }
        return;
    };
    // diesel: `run_in_transaction = false` in metadata.toml.
    let no_transaction = fs::read_to_string(path.join("metadata.toml")).is_ok_and(|text| {
        text.lines().any(|l| {
            let l: String = l.chars().filter(|c| !c.is_whitespace()).collect();
            l == "run_in_transaction=false"
        })
    });
    ups.push(Found {
        version: v.version,
        name: v.name.clone(),
        path: path.join(up),
        shown: format!("{shown}/{up}"),
        no_transaction,
    });
    if path.join("down.sql").is_file() {
        downs.push(Found {
            version: v.version,
            name: v.name,
            path: path.join("down.sql"),
            shown: format!("{shown}/down.sql"),
            no_transaction,
        });
    }
}

fn read_script(found: &Found, dialect: Dialect) -> Result<Script, Vec<SourceError>> {
    let text = read_text(found).map_err(|e| vec![e])?;
    Script::parse(found.shown.clone(), text, dialect, found.no_transaction)
}

fn read_text(found: &Found) -> Result<String, SourceError> {
    let bytes = fs::read(&found.path).map_err(|e| SourceError::Io {
        path: found.shown.clone(),
        message: e.to_string(),
    })?;
    String::from_utf8(bytes).map_err(|_| SourceError::NotUtf8 {
        path: found.shown.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        dir
    }

    fn options() -> LoadOptions {
        LoadOptions {
            dialect: Dialect::Postgres,
            ignore: vec!["*.md".into()],
            display_dir: Some("migrations".into()),
        }
    }

    fn versions(dir: &tempfile::TempDir) -> Vec<(i64, String, Option<String>)> {
        load(dir.path(), &options())
            .unwrap()
            .into_iter()
            .map(|m| {
                (
                    m.version,
                    m.up.path.to_string(),
                    m.down.map(|d| d.path.to_string()),
                )
            })
            .collect()
    }

    #[test]
    fn every_layout_is_read_and_ordered_by_version() {
        let dir = folder(&[
            ("20240103000000_plain.sql", b"SELECT 3;"),
            ("20240101000000_pair.up.sql", b"SELECT 1;"),
            ("20240101000000_pair.down.sql", b"SELECT -1;"),
            ("2024-01-02-000000_diesel/up.sql", b"SELECT 2;"),
            ("2024-01-02-000000_diesel/down.sql", b"SELECT -2;"),
            ("20240104000000_prisma/migration.sql", b"SELECT 4;"),
            ("migration_lock.toml", b"provider = \"postgresql\""),
            ("migrate.sum", b"reserved"),
            (".gitkeep", b""),
            ("README.md", b"ignored by pattern"),
        ]);
        assert_eq!(
            versions(&dir),
            vec![
                (
                    20240101000000,
                    "migrations/20240101000000_pair.up.sql".into(),
                    Some("migrations/20240101000000_pair.down.sql".into())
                ),
                (
                    20240102000000,
                    "migrations/2024-01-02-000000_diesel/up.sql".into(),
                    Some("migrations/2024-01-02-000000_diesel/down.sql".into())
                ),
                (
                    20240103000000,
                    "migrations/20240103000000_plain.sql".into(),
                    None
                ),
                (
                    20240104000000,
                    "migrations/20240104000000_prisma/migration.sql".into(),
                    None
                ),
            ]
        );
    }

    #[test]
    fn diesel_metadata_turns_transactions_off() {
        let dir = folder(&[
            (
                "2024-01-01-000000_idx/up.sql",
                b"CREATE INDEX CONCURRENTLY i ON t (x);",
            ),
            (
                "2024-01-01-000000_idx/metadata.toml",
                b"run_in_transaction = false\n",
            ),
        ]);
        assert!(load(dir.path(), &options()).unwrap()[0].up.no_transaction);
    }

    #[test]
    fn an_empty_down_file_means_irreversible_not_an_error() {
        let dir = folder(&[
            ("2019-01-01-000000_fix/up.sql", b"UPDATE t SET x = 1;"),
            ("2019-01-01-000000_fix/down.sql", b"-- nothing to undo\n"),
            ("2_b.up.sql", b"SELECT 2;"),
            ("2_b.down.sql", b""),
        ]);
        let migrations = load(dir.path(), &options()).unwrap();
        assert_eq!(migrations.len(), 2);
        assert!(migrations.iter().all(|m| m.down.is_none()));
        let dir = folder(&[("1_a.sql", b"-- only a comment\n")]);
        let loaded = load(dir.path(), &options()).unwrap();
        assert_eq!(loaded[0].up.sql, "-- only a comment\n", "a no-op migration");
        let template = crate::template("a");
        let dir = folder(&[("1_a.sql", template.as_bytes())]);
        let err = load(dir.path(), &options()).unwrap_err();
        assert!(
            matches!(&err.0[0], SourceError::Empty { .. }),
            "the untouched template stays an error"
        );
    }

    #[test]
    fn a_down_file_that_does_not_parse_is_loaded_and_its_problems_kept_for_check_and_revert() {
        let dir = folder(&[
            ("1_a.up.sql", b"CREATE TABLE a (id int);"),
            ("1_a.down.sql", b"DROP TABLE a;\nDO $$ BEGIN\n"),
        ]);
        let loaded = load(dir.path(), &options()).unwrap();
        let down = loaded[0].down.as_ref().unwrap();
        assert_eq!(down.sql, "DROP TABLE a;\nDO $$ BEGIN\n");
        let problems = down.problems(Dialect::Postgres);
        assert!(
            matches!(&problems[..], [SourceError::Unterminated { at, .. }] if at.line == 2),
            "{problems:?}"
        );
        assert!(loaded[0].up.problems(Dialect::Postgres).is_empty());
        // An up file that does not parse still stops everything.
        let dir = folder(&[("1_a.sql", b"DO $$ BEGIN\n")]);
        assert!(load(dir.path(), &options()).is_err());
    }

    #[test]
    fn errors_name_paths_and_come_together() {
        let dir = folder(&[
            ("1_a.sql", b"SELECT 1;"),
            ("1_b.up.sql", b"SELECT 1;"),
            ("2_x.down.sql", b"SELECT 1;"),
            ("3_y.sql", b"SELECT 1;"),
            ("3_z.down.sql", b"SELECT 1;"),
            ("4_bad.sql", b"\xff\xfe"),
            ("5_folder/notes.txt", b"x"),
            ("six.sql", b"SELECT 1;"),
            ("99999999999999999999_big.sql", b"SELECT 1;"),
        ]);
        let errors = load(dir.path(), &options()).unwrap_err().0;
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        let has = |needle: &str| {
            assert!(
                text.iter().any(|t| t.contains(needle)),
                "no `{needle}` in {text:#?}"
            )
        };
        has("migrations/1_a.sql and migrations/1_b.up.sql both have version 1");
        has("migrations/2_x.down.sql: a down migration without its up migration");
        has("migrations/3_z.down.sql: its name differs from its up migration migrations/3_y.sql");
        has("migrations/4_bad.sql: not valid UTF-8");
        has("migrations/5_folder: not a migration (a folder without `up.sql` or `migration.sql`)");
        has("migrations/six.sql: the name does not start with a version");
        has("does not fit a 64-bit integer");
        assert_eq!(errors.len(), 7, "{text:#?}");
    }

    #[test]
    fn replay_overrides_load_with_their_migrations() {
        let dir = folder(&[
            ("1_a.sql", b"SELECT 1;"),
            ("2024-01-02-000000_b/up.sql", b"SELECT 2;"),
            ("3_c.up.sql", b"SELECT 3;"),
            (".replay/1_a.sql", b"-- migrate:statement 1 skip\n"),
            (
                ".replay/2024-01-02-000000_b.sql",
                b"-- migrate:statement 1 skip\r\n",
            ),
            (".replay/README.md", b"why these overrides exist"),
        ]);
        let loaded = load(dir.path(), &options()).unwrap();
        let replay: Vec<Option<String>> = loaded
            .iter()
            .map(|m| m.replay.as_ref().map(|s| s.path.to_string()))
            .collect();
        assert_eq!(
            replay,
            vec![
                Some("migrations/.replay/1_a.sql".into()),
                None,
                Some("migrations/.replay/2024-01-02-000000_b.sql".into()),
            ]
        );
        let diesel = loaded[2].replay.as_ref().unwrap();
        assert_eq!(
            diesel.checksum,
            Checksum::of("-- migrate:statement 1 skip\n")
        );
    }

    #[test]
    fn an_override_named_after_no_migration_is_an_error() {
        let dir = folder(&[
            ("1_a.sql", b"SELECT 1;"),
            (".replay/1_b.sql", b"-- migrate:statement 1 skip\n"),
            (".replay/2_a.sql", b"-- migrate:statement 1 skip\n"),
        ]);
        let errors = load(dir.path(), &options()).unwrap_err().0;
        assert_eq!(
            errors,
            vec![
                SourceError::OverrideWithoutMigration {
                    path: "migrations/.replay/1_b.sql".into()
                },
                SourceError::OverrideWithoutMigration {
                    path: "migrations/.replay/2_a.sql".into()
                },
            ]
        );
    }

    #[test]
    fn a_missing_folder_suggests_new() {
        let err = load(Path::new("/definitely/not/here"), &options()).unwrap_err();
        assert!(matches!(&err.0[0], SourceError::MissingDir { .. }));
        assert!(err.to_string().contains("cargo migrate new"));
    }

    #[test]
    fn crlf_and_bom_files_have_the_checksum_of_their_lf_twin() {
        let lf: &[u8] = include_bytes!("../../tests/fixtures/checksum/lf.sql");
        let bom: &[u8] = include_bytes!("../../tests/fixtures/checksum/bom_crlf.sql");
        let dir = folder(&[("1_lf.sql", lf), ("2_bom.sql", bom)]);
        let loaded = load(dir.path(), &options()).unwrap();
        assert_eq!(loaded[0].checksum(), loaded[1].checksum());
        assert!(
            !loaded[1].up.sql.starts_with('\u{feff}'),
            "the BOM is not sent to the database"
        );
    }
}
