//! Finding, naming, ordering and checking the migrations in a folder.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::files::layout::{self, FileKind, RESERVED};
use crate::replay::overrides;
use crate::{
    Checksum, Dialect, Migration, Script, SourceError, SourceErrors, Version, VersionOrder,
};

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
    version: Version,
    name: String,
    path: PathBuf,
    shown: String,
    no_transaction: bool,
}

/// Reads every migration in `dir`, ordered by version. All problems are reported at once.
///
/// A folder holding a diesel migration (`<name>/up.sql`) follows diesel's version rule for
/// every migration in it, any other sqlx's (see [`crate::version`]).
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
    let mut kept = Vec::new();
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
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        kept.push((file_name, entry.path(), is_dir));
    }
    let order = folder_order(&kept);
    for (file_name, path, is_dir) in kept {
        let shown = show(&file_name);
        if is_dir {
            classify_dir(
                &path,
                &file_name,
                &shown,
                order,
                &mut ups,
                &mut downs,
                &mut errors,
            );
            continue;
        }
        // Not SQL (a README, a .gitkeep, notes): sqlx and diesel skip these, and so do we. An
        // `.sql` file whose name is no migration name is still an error (a typo would
        // otherwise never run).
        let Some((stem, kind)) = layout::classify_file(&file_name) else {
            continue;
        };
        match layout::parse_name(stem, order) {
            Ok(v) => {
                let found = Found {
                    version: v.version,
                    name: v.name,
                    path,
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

    ups.sort_by(|a, b| (&a.version, &a.shown).cmp(&(&b.version, &b.shown)));
    let mut by_version: BTreeMap<Version, Migration> = BTreeMap::new();
    let mut shown_by_version: BTreeMap<Version, String> = BTreeMap::new();
    for found in ups {
        if let Some(first) = shown_by_version.get(&found.version) {
            errors.push(SourceError::DuplicateVersion {
                version: found.version,
                first: first.clone(),
                second: found.shown,
            });
            continue;
        }
        shown_by_version.insert(found.version.clone(), found.shown.clone());
        let directives = overrides::load_directives(dir, &found.shown);
        let up = read_text(&found).map_err(|e| vec![e]).and_then(|text| {
            Script::parse_with(
                found.shown.clone(),
                text,
                options.dialect,
                found.no_transaction || directives.no_transaction,
                directives.ignore_late_directives,
            )
        });
        match up {
            Ok(up) => {
                by_version.insert(
                    found.version.clone(),
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
                version: found.version.clone(),
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
            // A down file that does not parse, or that the database would refuse to run in its
            // transaction (crates.io has a down.sql with `CREATE INDEX CONCURRENTLY`), blocks
            // neither the build nor `deploy`, which never run it: it is kept as written, and
            // `check` and `revert` report it (`Script::problems`).
            Err(e)
                if e.iter().all(|e| {
                    matches!(
                        e,
                        SourceError::Unterminated { .. }
                            | SourceError::TransactionControl { .. }
                            | SourceError::NeedsNoTransaction { .. }
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
    by_version: &mut BTreeMap<Version, Migration>,
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
            version: migration.version.clone(),
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

/// The version rule of a folder's entries `(name, path, is a folder)`: diesel's when one of
/// them is a diesel migration (a folder with `up.sql`), sqlx's otherwise.
fn folder_order(entries: &[(String, PathBuf, bool)]) -> VersionOrder {
    if entries
        .iter()
        .any(|(_, path, is_dir)| *is_dir && path.join("up.sql").is_file())
    {
        VersionOrder::Text
    } else {
        VersionOrder::Number
    }
}

/// A `<version>_<name>/` folder: diesel (`up.sql`, `down.sql`, `metadata.toml`) or Prisma
/// (`migration.sql`).
fn classify_dir(
    path: &Path,
    dir_name: &str,
    shown: &str,
    order: VersionOrder,
    ups: &mut Vec<Found>,
    downs: &mut Vec<Found>,
    errors: &mut Vec<SourceError>,
) {
    let v = match layout::parse_name(dir_name, order) {
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
        version: v.version.clone(),
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
#[path = "source_tests.rs"]
mod tests;
