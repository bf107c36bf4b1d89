//! Replay overrides: statements read as a file beside the migrations says.

use super::tests::scripts;
use super::*;
use crate::Checksum;
use crate::schema::Name;

fn with_override(files: &[&str], version: usize, text: &str) -> Vec<Migration> {
    let mut migrations = scripts(Dialect::Postgres, files);
    let m = &mut migrations[version - 1];
    m.replay = Some(Script {
        path: overrides::path_for(&m.up.path).into(),
        sql: text.to_owned().into(),
        checksum: Checksum::of(text),
        no_transaction: false,
    });
    migrations
}

fn table(schema: &Schema, name: &str) -> bool {
    schema.table(&Name::new(Some("public"), name)).is_some()
}

const LOOP: &str = "CREATE TABLE kept (id int);\n\
                    DO $$ DECLARE r record; BEGIN FOR r IN SELECT * FROM kept LOOP EXECUTE 'CREATE TABLE t_' || r.id || ' (x int)'; END LOOP; END $$;\n\
                    CREATE TABLE after (id int);\n\
                    DO $$ DECLARE r record; BEGIN FOR r IN SELECT * FROM kept LOOP EXECUTE 'DROP TABLE ' || r.name; END LOOP; END $$;";

#[test]
fn an_override_replaces_or_skips_statements_by_number() {
    let migrations = with_override(
        &["CREATE TABLE first (id int);", LOOP],
        2,
        "-- the loops of 2_m.sql\n-- migrate:statement 2\nCREATE TABLE t_1 (x int);\nCREATE TABLE t_2 (x int);\n\n-- migrate:statement 4 skip\n",
    );
    let schema = replay(&migrations, Dialect::Postgres).unwrap_or_else(|e| panic!("{e}"));
    for name in ["first", "kept", "t_1", "t_2", "after"] {
        assert!(table(&schema, name), "no table {name}");
    }
}

#[test]
fn every_replay_error_names_the_override_first() {
    let err = replay(
        &scripts(Dialect::Postgres, &["SELECT 1;", LOOP]),
        Dialect::Postgres,
    )
    .unwrap_err();
    assert_eq!(err.0.len(), 2, "{err}");
    let text = err.0[0].to_string();
    assert!(text.starts_with("m/2_m.sql:2:"), "{text}");
    let override_at = text
        .find("in `m/.replay/2_m.sql` write `-- migrate:statement 2`")
        .unwrap_or_else(|| panic!("{text}"));
    let directive_at = text
        .find("-- migrate:replay <DDL>")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        override_at < directive_at,
        "the override comes first: {text}"
    );
    assert!(
        err.0[1]
            .to_string()
            .contains("`-- migrate:statement 4 skip`"),
        "{err}"
    );
}

#[test]
fn an_override_of_a_statement_that_does_not_exist_is_an_error() {
    let migrations = with_override(
        &["CREATE TABLE a (id int);\nCREATE TABLE b (id int);"],
        1,
        "-- migrate:statement 2 skip\n-- migrate:statement 3 skip\n",
    );
    let err = replay(&migrations, Dialect::Postgres).unwrap_err();
    assert_eq!(
        err.to_string(),
        "m/.replay/1_m.sql:2:1: an override of statement 3, but m/1_m.sql has 2 statement(s): correct the number, or remove the section"
    );
}

#[test]
fn an_error_in_an_override_points_into_the_override_file() {
    let migrations = with_override(
        &["CREATE TABLE a (id int);\nDO $$ BEGIN PERFORM 1; END $$;"],
        1,
        "-- migrate:statement 2\n\nALTER TABLE nowhere ADD COLUMN x int;\n",
    );
    let err = replay(&migrations, Dialect::Postgres)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("m/.replay/1_m.sql:3:1: the override of statement 2 of m/1_m.sql: "),
        "{err}"
    );
    assert!(!err.contains("way out"), "{err}");
}

#[test]
fn a_malformed_override_file_fails_the_replay() {
    let migrations = with_override(&["CREATE TABLE a (id int);"], 1, "DROP TABLE a;\n");
    let err = replay(&migrations, Dialect::Postgres)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("m/.replay/1_m.sql:1:1: SQL before the first"),
        "{err}"
    );
}

#[test]
fn the_replay_cache_key_covers_the_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let files = &["CREATE TABLE a (id int);\nCREATE TABLE b (id int);"];
    let plain = replay_cached(
        &scripts(Dialect::Postgres, files),
        Dialect::Postgres,
        dir.path(),
    )
    .unwrap();
    assert!(table(&plain, "b"));
    let skipped = with_override(files, 1, "-- migrate:statement 2 skip\n");
    let overridden = replay_cached(&skipped, Dialect::Postgres, dir.path()).unwrap();
    assert!(
        !table(&overridden, "b"),
        "not the cached schema of the folder without overrides"
    );
    let other = with_override(files, 1, "-- migrate:statement 1 skip\n");
    let other = replay_cached(&other, Dialect::Postgres, dir.path()).unwrap();
    assert!(
        table(&other, "b") && !table(&other, "a"),
        "not the cached schema of another override"
    );
}
