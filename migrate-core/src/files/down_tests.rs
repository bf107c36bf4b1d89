//! Down files that `schema`, the build and `deploy` never run: what the loader keeps of them.

use std::fs;

use super::error::SourceError;
use super::source::{LoadOptions, load};
use crate::Dialect;

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
        ignore: Vec::new(),
        display_dir: Some("migrations".into()),
    }
}

#[test]
fn a_down_file_the_database_refuses_in_a_transaction_is_kept_for_check_and_revert() {
    // crates.io 2024-04-12-144536_remove-downloads-column: its down.sql has
    // `create index concurrently` and no metadata.toml.
    let down: &[u8] = b"ALTER TABLE crates ADD COLUMN downloads int;\n\
                         CREATE INDEX CONCURRENTLY i ON crates (downloads);\n";
    let dir = folder(&[
        (
            "2024-04-12-144536_remove-downloads-column/up.sql",
            b"ALTER TABLE crates DROP COLUMN downloads;",
        ),
        ("2024-04-12-144536_remove-downloads-column/down.sql", down),
    ]);
    let loaded = load(dir.path(), &options()).unwrap();
    let down = loaded[0].down.as_ref().unwrap();
    let problems = down.problems(Dialect::Postgres);
    assert!(
        matches!(&problems[..], [SourceError::NeedsNoTransaction { at, .. }] if at.line == 2),
        "{problems:?}"
    );
    // The same statement in an up file still stops everything.
    let dir = folder(&[("1_a.sql", b"CREATE INDEX CONCURRENTLY i ON t (x);")]);
    assert!(load(dir.path(), &options()).is_err());
}
