//! `cargo migrate lint`: the real binary on a project whose migrate.sum lists the deployed
//! migrations; only the new ones are judged, against the schema replayed up to them.

use crate::support::Project;

fn project() -> Project {
    let p = Project::new("dialect = \"postgres\"");
    p.write(
        "migrations/1_users.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY, email text, age int);\n",
    );
    p.run(&["hash"]).expect(0);
    p
}

#[test]
fn new_migrations_are_linted_against_the_tables_deployed_before_them() {
    let p = project();
    p.write(
        "migrations/2_more.sql",
        "SET lock_timeout = '5s';\n\
         CREATE TABLE teams (id bigint PRIMARY KEY, name text);\n\
         CREATE INDEX teams_name ON teams (name);\n\
         CREATE INDEX users_email ON users (email);\n",
    );
    let run = p.run(&["lint"]).expect(1);
    assert!(
        run.stdout.contains(
            "error[create-index-concurrently]: CREATE INDEX on existing table users without CONCURRENTLY\n --> migrations/2_more.sql:4:1\n  |\n4 | CREATE INDEX users_email ON users (email);\n  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        ),
        "{}",
        run.stdout
    );
    // The table made by the new migration is free to index; the deployed file is not judged.
    assert!(!run.stdout.contains("teams"), "{}", run.stdout);
    assert!(!run.stdout.contains("1_users.sql"), "{}", run.stdout);
    assert!(
        run.stderr.contains(
            "Linted 1 migration(s) new since migrate.sum (postgres 15): 1 finding(s), 1 error(s)"
        ),
        "{}",
        run.stderr
    );

    // `--all` judges the deployed file too; `--format json` for machines.
    let all = p.run(&["lint", "--all", "--format", "json"]).expect(1);
    let doc: serde_json::Value = serde_json::from_str(&all.stdout).unwrap();
    assert_eq!(doc["linted"], 2);
    assert_eq!(doc["findings"][0]["rule"], "create-index-concurrently");
    assert_eq!(doc["findings"][0]["line"], 4);
}

#[test]
fn allowed_findings_pass_and_bad_flags_are_usage_errors() {
    let p = project();
    p.write(
        "migrations/2_drop.sql",
        "SET lock_timeout = '5s';\n\
         -- migrate:allow drop-column nothing reads it since v2\n\
         ALTER TABLE users DROP COLUMN age;\n",
    );
    p.run(&["lint"]).expect(0);
    p.write(
        "migrations/2_drop.sql",
        "SET lock_timeout = '5s';\n-- migrate:allow drop-column\nALTER TABLE users DROP COLUMN age;\n",
    );
    let run = p.run(&["lint"]).expect(1);
    assert!(
        run.stdout.contains("error[allow-needs-reason]"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("error[drop-column]"), "{}", run.stdout);
    p.write(
        "migrations/2_drop.sql",
        "SET lock_timeout = '5s';\nALTER TABLE users DROP COLUMN age;\n",
    );
    p.run(&["lint"]).expect(1);
    p.run(&["lint", "--disable", "drop-column"]).expect(0);
    let bad = p.run(&["lint", "--disable", "no-such-rule"]).expect(2);
    assert!(
        bad.stderr.contains("--disable no-such-rule: no such rule"),
        "{}",
        bad.stderr
    );
    let list = p.run(&["lint", "--list"]).expect(0);
    assert!(list.stdout.contains("create-index-concurrently\n    why: "));
    assert!(
        list.stdout.contains("    severity: error\n"),
        "{}",
        list.stdout
    );
    assert!(
        list.stdout.contains("prefer-text\n    why: ")
            && list.stdout.contains("    severity: warning\n"),
        "{}",
        list.stdout
    );
}

#[test]
fn a_sqlite_rebuild_that_loses_an_index_is_found() {
    let p = Project::new("dialect = \"sqlite\"");
    p.write(
        "migrations/1_notes.sql",
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\nCREATE INDEX notes_body ON notes (body);\n",
    );
    p.run(&["hash"]).expect(0);
    p.write(
        "migrations/2_rebuild.sql",
        "CREATE TABLE notes_new (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n\
         INSERT INTO notes_new SELECT id, body FROM notes;\n\
         DROP TABLE notes;\n\
         ALTER TABLE notes_new RENAME TO notes;\n",
    );
    let run = p.run(&["lint"]).expect(1);
    assert!(
        run.stdout.contains(
            "error[sqlite-rebuild-loses-objects]: table notes is rebuilt without its index(es) notes_body\n --> migrations/2_rebuild.sql:3:1\n"
        ),
        "{}",
        run.stdout
    );
    assert!(!run.stderr.contains("only so far"), "{}", run.stderr);
    p.write(
        "migrations/2_rebuild.sql",
        "CREATE TABLE notes_new (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n\
         INSERT INTO notes_new SELECT id, body FROM notes;\n\
         DROP TABLE notes;\n\
         ALTER TABLE notes_new RENAME TO notes;\n\
         CREATE INDEX notes_body ON notes (body);\n",
    );
    p.run(&["lint"]).expect(0);
}

#[test]
fn check_runs_lint_on_the_migrations_not_in_migrate_sum() {
    let p = project();
    p.write(
        "migrations/2_drop.sql",
        "SET lock_timeout = '5s';\nALTER TABLE users DROP COLUMN age;\n",
    );
    let run = p.run(&["check"]).expect(1);
    assert!(
        run.stdout.contains(
            "error[drop-column]: column users.age dropped\n --> migrations/2_drop.sql:2:1"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains(
            "Linted 1 migration(s) new since migrate.sum (postgres 15): 1 finding(s), 1 error(s)"
        ),
        "{}",
        run.stderr
    );
    // Hashed, the file is no longer new: nothing to lint, and check passes.
    p.run(&["hash"]).expect(0);
    p.run(&["check"]).expect(0);
    // A rule configured as a warning is shown but does not fail check; the unhashed file
    // leaves check's own "pending" code.
    p.write(
        "Cargo.toml",
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\n\n[package.metadata.migrate]\ndialect = \"postgres\"\n[package.metadata.migrate.lint]\nrules = { drop-column = \"warning\" }\n",
    );
    p.write(
        "migrations/3_drop.sql",
        "SET lock_timeout = '5s';\nALTER TABLE users DROP COLUMN email;\n",
    );
    let run = p.run(&["check"]).expect(3);
    assert!(
        run.stdout.contains("warning[drop-column]"),
        "{}",
        run.stdout
    );
}

#[test]
fn transaction_control_and_concurrently_in_a_transactional_file_stop_lint_at_their_line() {
    let p = project();
    p.write(
        "migrations/2_tx.sql",
        "UPDATE users SET age = 1;\nCOMMIT;\nUPDATE users SET age = 2;\n",
    );
    let run = p.run(&["lint"]).expect(1);
    assert!(
        run.stderr.contains("migrations/2_tx.sql:2:1"),
        "{}",
        run.stderr
    );
    p.write(
        "migrations/2_tx.sql",
        "CREATE INDEX CONCURRENTLY users_age ON users (age);\n",
    );
    let run = p.run(&["lint"]).expect(1);
    assert!(
        run.stderr.contains("migrations/2_tx.sql:1:1")
            && run.stderr.contains("-- migrate:no-transaction"),
        "{}",
        run.stderr
    );
    p.write(
        "migrations/2_tx.sql",
        "-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY users_age ON users (age);\n",
    );
    p.run(&["lint"]).expect(0);
}
