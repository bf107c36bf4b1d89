//! The schema the package's migrations produce, replayed once per compiler process.
//!
//! A crate with fifty derives replays once. The cache is keyed on the migrations' paths,
//! sizes and modification times (and the manifest's), because rust-analyzer keeps the macro
//! process alive across edits. Stating a thousand files for each of fifty derives would cost
//! more than the replay itself, so a key checked less than [`RECHECK_AFTER`] ago is trusted:
//! one compilation checks it once, and an edit is seen by the next expansion after that.
//!
//! The errors that prevent the schema (a migration that does not load or replay) are reported
//! once per compilation and per state of the migrations: on the first macro that needs the
//! schema. Every other one gets a one-line pointer instead of the same errors again.
//!
//! Across compilations (each `cargo build` is a new process), the replayed schema is kept on
//! disk, keyed by the migrations' texts ([`migrate_core::replay::replay_cached`]): a build
//! that changed no migration reads it instead of replaying.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use migrate_check::Loaded;
use proc_macro2::Span;

use crate::package;

type Key = Vec<(PathBuf, u64, Option<SystemTime>)>;
/// How long a checked key is trusted without stating the files again.
const RECHECK_AFTER: Duration = Duration::from_millis(500);

struct Entry {
    key: Key,
    checked: Instant,
    loaded: Result<Arc<Loaded>, Vec<String>>,
    /// Whether the errors in `loaded` were reported already.
    reported: bool,
}

impl Entry {
    /// The schema, or the errors the first time and a pointer to them afterwards.
    fn outcome(&mut self, span: Span) -> syn::Result<Arc<Loaded>> {
        match &self.loaded {
            Ok(loaded) => Ok(loaded.clone()),
            Err(messages) if !self.reported => {
                self.reported = true;
                Err(package::combined(span, messages.clone()))
            }
            Err(messages) => Err(syn::Error::new(span, pointer(messages.len()))),
        }
    }
}

/// What the macros after the first say when the schema cannot be had.
fn pointer(count: usize) -> String {
    format!(
        "no schema to check against: the migrations have {count} error(s), reported once, on the first macro of this crate that needs the schema"
    )
}

static CACHE: Mutex<BTreeMap<PathBuf, Entry>> = Mutex::new(BTreeMap::new());

/// The package's replayed schema, or every error that prevents it, on `span`.
pub fn load(span: Span) -> syn::Result<Arc<Loaded>> {
    load_from(package::manifest_dir(span)?, span)
}

fn load_from(manifest_dir: PathBuf, span: Span) -> syn::Result<Arc<Loaded>> {
    let manifest = manifest_dir.join("Cargo.toml");
    let mut cache = CACHE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(entry) = cache.get_mut(&manifest_dir)
        && entry.checked.elapsed() < RECHECK_AFTER
    {
        return entry.outcome(span);
    }
    let config = package::config(&manifest_dir, span)?;
    let mut key = fingerprint(&config.dir);
    key.push(stat(&manifest));
    match cache.get_mut(&manifest_dir) {
        Some(entry) if entry.key == key => {
            entry.checked = Instant::now();
            entry.outcome(span)
        }
        _ => {
            let dir = package::relative(&config.dir, &manifest_dir);
            let mut entry = Entry {
                key,
                checked: Instant::now(),
                loaded: Loaded::replay(&config, dir, replay_cache_dir().as_deref()).map(Arc::new),
                reported: false,
            };
            let outcome = entry.outcome(span);
            cache.insert(manifest_dir, entry);
            outcome
        }
    }
}

/// Where replayed schemas are kept between compilations: this crate's `OUT_DIR` (inside the
/// target directory, so `cargo clean` empties it), or `MIGRATE_REPLAY_CACHE` (a folder, or
/// `off`).
fn replay_cache_dir() -> Option<PathBuf> {
    match std::env::var_os("MIGRATE_REPLAY_CACHE") {
        Some(value) if value == "off" => None,
        Some(value) if !value.is_empty() => Some(PathBuf::from(value)),
        _ => Some(Path::new(env!("OUT_DIR")).join("replay-cache")),
    }
}

/// Paths, sizes and modification times of everything in the folder (one level of
/// subfolders, for the `<version>_<name>/up.sql` layouts), sorted.
fn fingerprint(dir: &Path) -> Key {
    let mut key = vec![stat(dir)];
    let mut pending = vec![(dir.to_path_buf(), 0)];
    while let Some((folder, depth)) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if depth == 0 && path.is_dir() {
                pending.push((path.clone(), 1));
            }
            key.push(stat(&path));
        }
    }
    key.sort();
    key
}

fn stat(path: &Path) -> (PathBuf, u64, Option<SystemTime>) {
    let meta = std::fs::metadata(path).ok();
    (
        path.to_path_buf(),
        meta.as_ref().map_or(0, std::fs::Metadata::len),
        meta.and_then(|m| m.modified().ok()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(result: syn::Result<Arc<Loaded>>) -> Vec<String> {
        match result {
            Ok(_) => panic!("the migrations replayed"),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn replay_errors_are_reported_once_then_pointed_to() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("Cargo.toml"),
            "[package]\nname = \"x\"\n[package.metadata.migrate]\ndialect = \"postgres\"\n",
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("migrations")).unwrap();
        std::fs::write(
            dir.path().join("migrations/1_a.sql"),
            "ALTER TABLE nowhere ADD COLUMN x int;\nALTER TABLE nothing ADD COLUMN y int;\n",
        )
        .unwrap();
        let span = Span::call_site();
        let first = messages(load_from(dir.path().to_path_buf(), span));
        assert_eq!(first.len(), 2, "{first:#?}");
        assert!(first[0].contains("migrations/1_a.sql:1:1"), "{first:#?}");
        for _ in 0..3 {
            let later = messages(load_from(dir.path().to_path_buf(), span));
            assert_eq!(later, [pointer(2)]);
        }
        // An edit is a new state of the migrations: its errors are reported again, once.
        std::thread::sleep(RECHECK_AFTER);
        std::fs::write(
            dir.path().join("migrations/1_a.sql"),
            "ALTER TABLE elsewhere ADD COLUMN x int;\n",
        )
        .unwrap();
        let edited = messages(load_from(dir.path().to_path_buf(), span));
        assert!(edited[0].contains("elsewhere"), "{edited:#?}");
        assert_eq!(
            messages(load_from(dir.path().to_path_buf(), span)),
            [pointer(1)]
        );
    }
}
