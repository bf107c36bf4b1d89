//! The SQLite rules, each with a migration that breaks it and one that does not; migration 1
//! is deployed, migration 2 is linted.

use super::{Finding, LintOptions, lint};
use crate::{Dialect, Migration};

const BASE: &str = "CREATE TABLE teams (id INTEGER PRIMARY KEY, name TEXT);\n\
    CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT UNIQUE, age INTEGER, \
    team_id INTEGER REFERENCES teams (id) ON DELETE CASCADE);\n\
    CREATE INDEX users_age ON users (age);\n\
    CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n\
    CREATE INDEX notes_body ON notes (body);\n\
    CREATE TRIGGER notes_touch AFTER UPDATE ON notes BEGIN SELECT 1; END;\n";

fn migration(version: i64, sql: &str) -> Migration {
    let no_transaction = sql.contains("-- migrate:no-transaction");
    super::tests::migration_in(Dialect::Sqlite, version, sql, no_transaction)
}

fn run(sql: &str) -> Vec<Finding> {
    let migrations = [migration(1, BASE), migration(2, sql)];
    lint(
        &migrations,
        Dialect::Sqlite,
        |i, _| i == 1,
        &LintOptions::default(),
    )
}

fn rules_of(sql: &str) -> Vec<&'static str> {
    run(sql).into_iter().map(|f| f.rule).collect()
}

/// The rebuild SQLite's documentation gives, of `notes`, with `extra` after the rename.
fn rebuild_notes(extra: &str) -> String {
    format!(
        "CREATE TABLE notes_new (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n\
         INSERT INTO notes_new SELECT id, body FROM notes;\n\
         DROP TABLE notes;\n\
         ALTER TABLE notes_new RENAME TO notes;\n{extra}"
    )
}

#[test]
fn alter_operations_sqlite_cannot_do_in_place_need_a_rebuild() {
    let rule = "sqlite-alter-needs-rebuild";
    for bad in [
        "ALTER TABLE users ALTER COLUMN age SET NOT NULL;",
        "ALTER TABLE users ADD COLUMN handle TEXT UNIQUE;",
        "ALTER TABLE users ADD COLUMN plan TEXT NOT NULL;",
        "ALTER TABLE users ADD COLUMN seen TEXT DEFAULT CURRENT_TIMESTAMP;",
        "ALTER TABLE users ADD COLUMN seen TEXT DEFAULT (datetime('now'));",
        "ALTER TABLE users DROP COLUMN email;",
        "ALTER TABLE users DROP COLUMN age;",
        "ALTER TABLE users DROP COLUMN team_id;",
    ] {
        assert_eq!(rules_of(bad), [rule], "{bad}");
    }
    for good in [
        "ALTER TABLE users ADD COLUMN plan TEXT NOT NULL DEFAULT 'free';",
        "ALTER TABLE users ADD COLUMN bio TEXT;",
        "ALTER TABLE users ADD COLUMN n INTEGER DEFAULT -1;",
        "ALTER TABLE notes DROP COLUMN id2;",
        "ALTER TABLE users RENAME COLUMN age TO years;",
        "ALTER TABLE users RENAME TO people;",
    ] {
        assert!(
            !rules_of(good).contains(&rule),
            "{good}: {:?}",
            rules_of(good)
        );
    }
    let found = run("ALTER TABLE users DROP COLUMN age;");
    assert_eq!(
        found[0].message,
        "users: column age cannot be dropped: it is indexed"
    );
}

#[test]
fn a_rebuild_of_a_referenced_table_needs_foreign_keys_off_outside_a_transaction() {
    let rule = "sqlite-rebuild-foreign-keys";
    let rebuild_teams = "CREATE TABLE teams_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n\
        INSERT INTO teams_new SELECT id, name FROM teams;\n\
        DROP TABLE teams;\n\
        ALTER TABLE teams_new RENAME TO teams;\n";
    let found = run(rebuild_teams);
    assert_eq!(found.iter().map(|f| f.rule).collect::<Vec<_>>(), [rule]);
    assert_eq!(found[0].at.line, 3, "points at DROP TABLE");
    // In a transaction the pragma is a no-op: still a finding, saying so.
    let in_tx = run(&format!("PRAGMA foreign_keys = OFF;\n{rebuild_teams}"));
    assert!(
        in_tx[0].message.contains("does nothing in a transaction"),
        "{in_tx:?}"
    );
    let handled = format!(
        "-- migrate:no-transaction\nPRAGMA foreign_keys = OFF;\n{rebuild_teams}PRAGMA foreign_key_check;\nPRAGMA foreign_keys = ON;\n"
    );
    assert!(rules_of(&handled).is_empty(), "{:?}", rules_of(&handled));
    // Nothing references notes: dropping it deletes nothing elsewhere.
    assert!(!rules_of(&rebuild_notes("CREATE INDEX notes_body ON notes (body);\nCREATE TRIGGER notes_touch AFTER UPDATE ON notes BEGIN SELECT 1; END;\n")).contains(&rule));
}

#[test]
fn a_rebuild_that_does_not_recreate_indexes_and_triggers_loses_them() {
    let rule = "sqlite-rebuild-loses-objects";
    let lost = run(&rebuild_notes(""));
    assert_eq!(lost.iter().map(|f| f.rule).collect::<Vec<_>>(), [rule]);
    assert_eq!(
        lost[0].message,
        "table notes is rebuilt without its index(es) notes_body trigger(s) notes_touch"
    );
    let only_trigger = rules_of(&rebuild_notes("CREATE INDEX notes_body ON notes (body);\n"));
    assert_eq!(only_trigger, [rule]);
    let kept = rebuild_notes(
        "CREATE INDEX notes_body_2 ON notes (body);\nCREATE TRIGGER notes_touch AFTER UPDATE ON notes BEGIN SELECT 1; END;\n",
    );
    assert!(rules_of(&kept).is_empty(), "{:?}", rules_of(&kept));
    // Accepted on purpose, with a reason, above the DROP TABLE.
    let allowed = rebuild_notes("").replace(
        "DROP TABLE notes;",
        "-- migrate:allow sqlite-rebuild-loses-objects the index moves to a later migration\nDROP TABLE notes;",
    );
    assert!(rules_of(&allowed).is_empty(), "{:?}", rules_of(&allowed));
}
