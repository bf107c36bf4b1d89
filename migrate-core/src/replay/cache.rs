//! The replay's on-disk cache: a build that did not change the migrations reads the schema
//! the last replay of them stored instead of replaying them again.
//!
//! Why its file writing lives in migrate-core, the crate of pure logic, and not in
//! migrate-macros (its one user, at build time): the cache is only correct if its key changes
//! whenever the replay could give another schema, and that key includes migrate-core's own
//! version and source fingerprint (`MIGRATE_CORE_SOURCE_HASH`, from this crate's build
//! script) and the private text format of [`crate::schema::codec`]. Both are migrate-core's;
//! kept here, the key, the format and the replay change together in one crate and one test
//! (`replay::override_tests`). The I/O is small and best-effort: a file named by the key, read
//! or written, any failure meaning "replay again".

use std::path::Path;

use sha2::{Digest, Sha256};

use super::{ReplayErrors, replay};
use crate::schema::{Schema, codec};
use crate::{Dialect, Migration};

/// How many cached schemas a folder keeps (the newest).
const KEEP: usize = 16;

/// [`replay`], reusing what an earlier replay of exactly these migrations stored in `dir`
/// (keyed by their paths, texts, flags and replay overrides, the dialect, and migrate-core's version and source
/// fingerprint). Only a
/// successful replay is stored; errors are found anew, with their positions. The cache is
/// best-effort: an unreadable, unwritable or damaged file means replaying.
pub fn replay_cached(
    migrations: &[Migration],
    dialect: Dialect,
    dir: &Path,
) -> Result<Schema, ReplayErrors> {
    let file = dir.join(format!("replay-{}.schema", key(migrations, dialect)));
    if let Some(schema) = std::fs::read_to_string(&file)
        .ok()
        .and_then(|text| codec::decode(&text))
        .filter(|schema| schema.dialect == dialect)
    {
        return Ok(schema);
    }
    let schema = replay(migrations, dialect)?;
    store(dir, &file, &codec::encode(&schema));
    Ok(schema)
}

fn key(migrations: &[Migration], dialect: Dialect) -> String {
    let mut hasher = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    field(env!("CARGO_PKG_VERSION").as_bytes());
    field(env!("MIGRATE_CORE_SOURCE_HASH").as_bytes());
    field(dialect.as_str().as_bytes());
    for m in migrations {
        match &m.version {
            crate::Version::Number(n) => field(&n.to_le_bytes()),
            crate::Version::Text(t) => field(t.as_bytes()),
        }
        field(m.up.path.as_bytes());
        field(m.up.sql.as_bytes());
        field(&[u8::from(m.up.no_transaction)]);
        // The overrides change the replay as much as the files do.
        match &m.replay {
            Some(o) => {
                field(o.path.as_bytes());
                field(o.sql.as_bytes());
            }
            None => field(b"no overrides"),
        }
    }
    hasher
        .finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes `text` to `file` atomically (a build and rust-analyzer may race), then keeps the
/// newest [`KEEP`] cached schemas.
fn store(dir: &Path, file: &Path, text: &str) {
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let temporary = file.with_extension(format!("tmp{}", std::process::id()));
    if std::fs::write(&temporary, text).is_err() || std::fs::rename(&temporary, file).is_err() {
        let _ = std::fs::remove_file(&temporary);
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut cached: Vec<_> = entries
        .flatten()
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("replay-") && name.ends_with(".schema")
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    if cached.len() > KEEP {
        cached.sort();
        for (_, path) in &cached[..cached.len() - KEEP] {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn migrations(files: &[&str]) -> Vec<Migration> {
        crate::replay::tests::scripts(Dialect::Postgres, files)
    }

    const RICH: &[&str] = &[
        "CREATE SCHEMA app;\nCREATE TYPE mood AS ENUM ('sad', 'happy');\nCREATE DOMAIN email AS text NOT NULL;\n\
         CREATE TABLE users (id BIGSERIAL PRIMARY KEY, email email UNIQUE, mood mood DEFAULT 'sad', tags text[]);\n\
         CREATE TABLE app.tasks (id int, owner bigint REFERENCES users ON DELETE CASCADE, \
         status text CHECK (status IN ('todo', 'done')), \"Note\" text DEFAULT 'it''s: 3#');\n\
         CREATE INDEX tasks_owner ON app.tasks (owner);\nCREATE VIEW names AS SELECT id, email FROM users;",
        "ALTER TABLE users RENAME TO people;\nDROP VIEW names;\nALTER TYPE mood ADD VALUE 'ok' BEFORE 'happy';",
    ];

    #[test]
    fn a_cached_schema_equals_the_replayed_one() {
        let dir = tempfile::tempdir().unwrap();
        let m = migrations(RICH);
        let replayed = replay(&m, Dialect::Postgres).unwrap();
        assert_eq!(
            codec::decode(&codec::encode(&replayed)),
            Some(replayed.clone())
        );

        let first = replay_cached(&m, Dialect::Postgres, dir.path()).unwrap();
        let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(files.len(), 1, "one cached schema, no temporary file left");
        let second = replay_cached(&m, Dialect::Postgres, dir.path()).unwrap();
        assert_eq!(first, replayed);
        assert_eq!(second, replayed);

        // The cache is what the second call read: a planted schema comes back.
        let path = files[0].path();
        let mut planted = replayed.clone();
        planted.extensions.push("planted".into());
        std::fs::write(&path, codec::encode(&planted)).unwrap();
        assert_eq!(
            replay_cached(&m, Dialect::Postgres, dir.path()).unwrap(),
            planted
        );

        // A damaged file is replayed over.
        std::fs::write(&path, "cargo-migrate schema garbage").unwrap();
        assert_eq!(
            replay_cached(&m, Dialect::Postgres, dir.path()).unwrap(),
            replayed
        );
    }

    #[test]
    fn an_edit_misses_and_errors_are_not_cached() {
        let dir = tempfile::tempdir().unwrap();
        let before = replay_cached(&migrations(RICH), Dialect::Postgres, dir.path()).unwrap();
        let edited = [RICH[0], "ALTER TABLE users RENAME TO persons;"];
        let after = replay_cached(&migrations(&edited), Dialect::Postgres, dir.path()).unwrap();
        assert_ne!(before, after);
        assert!(after.tables.iter().any(|t| t.name.name == "persons"));

        let broken = [RICH[0], "ALTER TABLE nowhere ADD COLUMN x int;"];
        for _ in 0..2 {
            let e = replay_cached(&migrations(&broken), Dialect::Postgres, dir.path()).unwrap_err();
            assert!(e.to_string().contains("m/2_m.sql:1"), "{e}");
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
