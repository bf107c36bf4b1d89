//! Review lines and repair scripts, from schemas replayed out of real SQL.

use super::*;
use crate::replay::replay;

fn schema(dialect: Dialect, files: &[&str]) -> Schema {
    replay(&crate::replay::tests::scripts(dialect, files), dialect)
        .unwrap_or_else(|e| panic!("{e}"))
}

const USERS: &str = "CREATE TYPE mood AS ENUM ('sad', 'happy');\n\
                     CREATE TABLE users (\n  id integer PRIMARY KEY,\n  email text NOT NULL,\n  age integer,\n  mood mood\n);\n\
                     CREATE INDEX users_email_idx ON users (email);";
const AVATAR: &str = "-- a comment\nALTER TABLE users ADD COLUMN avatar_url text;";

fn lines(expected: &Schema, actual: &Schema) -> Vec<String> {
    diff(expected, actual)
        .iter()
        .map(|d| review(d, expected))
        .collect()
}

#[test]
fn review_lines_name_the_table_and_the_migration_line() {
    let expected = schema(Dialect::Postgres, &[USERS, AVATAR]);
    let actual = schema(
        Dialect::Postgres,
        &["CREATE TYPE mood AS ENUM ('sad', 'happy', 'ecstatic');\n\
             CREATE TABLE users (id integer PRIMARY KEY, email text, age bigint, mood mood, nickname text);"],
    );
    assert_eq!(
        lines(&expected, &actual),
        [
            "table users: column email allows NULL, the migrations make it NOT NULL (m/1_m.sql:4)",
            "table users: column age has type bigint, the migrations give integer (m/1_m.sql:5)",
            "table users: column avatar_url is missing (added by m/2_m.sql:2)",
            "table users: column nickname exists but no migration adds it",
            "enum type mood: label 'ecstatic' exists but no migration adds it",
            "index users_email_idx on users is missing (created by m/1_m.sql:8)",
        ]
    );
}

#[test]
fn a_dropped_table_says_which_migration_dropped_it() {
    let expected = schema(
        Dialect::Sqlite,
        &["CREATE TABLE old (id INTEGER);", "DROP TABLE old;"],
    );
    let actual = schema(Dialect::Sqlite, &["CREATE TABLE old (id INTEGER);"]);
    assert_eq!(
        lines(&expected, &actual),
        ["table old exists but the migrations removed it (dropped by m/2_m.sql:1)"]
    );
}

#[test]
fn postgres_repair_undoes_what_sql_can_and_lists_the_rest() {
    let expected = schema(Dialect::Postgres, &[USERS, AVATAR]);
    let actual = schema(
        Dialect::Postgres,
        &["CREATE TYPE mood AS ENUM ('sad', 'happy', 'ecstatic');\n\
             CREATE TABLE users (id integer PRIMARY KEY, email text, age bigint, mood mood, nickname text);\n\
             CREATE TABLE scratch (x int);"],
    );
    let r = repair(&expected, &actual, &diff(&expected, &actual));
    let script = &r.script;
    for needle in [
        "ALTER TABLE users ADD COLUMN avatar_url text;",
        "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
        "ALTER TABLE users ALTER COLUMN age TYPE integer USING age::integer;",
        "ALTER TABLE users DROP COLUMN nickname;",
        "DROP TABLE scratch;",
        "CREATE INDEX users_email_idx ON users (email);",
        "-- TODO: PostgreSQL cannot drop an enum label ('ecstatic')",
    ] {
        assert!(script.contains(needle), "no {needle:?} in\n{script}");
    }
    assert_eq!((r.statements, r.todos), (6, 1), "{script}");
    // Drops come after additions, indexes last.
    let at = |s: &str| script.find(s).unwrap();
    assert!(at("ADD COLUMN") < at("DROP COLUMN"));
    assert!(at("DROP TABLE") < at("CREATE INDEX"));
}

#[test]
fn missing_enum_labels_are_added_in_place() {
    let expected = schema(
        Dialect::Postgres,
        &["CREATE TYPE s AS ENUM ('a', 'b', 'c', 'd');"],
    );
    let actual = schema(Dialect::Postgres, &["CREATE TYPE s AS ENUM ('a', 'c');"]);
    let r = repair(&expected, &actual, &diff(&expected, &actual));
    assert!(
        r.script.contains(
            "ALTER TYPE s ADD VALUE IF NOT EXISTS 'b' AFTER 'a';\n\
             ALTER TYPE s ADD VALUE IF NOT EXISTS 'd' AFTER 'c';"
        ),
        "{}",
        r.script
    );
    assert_eq!(r.todos, 0);
}

#[test]
fn sqlite_repair_asks_for_a_rebuild_to_change_a_column() {
    let expected = schema(
        Dialect::Sqlite,
        &["CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);"],
    );
    let actual = schema(
        Dialect::Sqlite,
        &["CREATE TABLE t (id INTEGER PRIMARY KEY, n TEXT, extra TEXT);"],
    );
    let r = repair(&expected, &actual, &diff(&expected, &actual));
    assert!(
        r.script.contains("ALTER TABLE t DROP COLUMN extra;"),
        "{}",
        r.script
    );
    assert!(
        r.script
            .contains("-- TODO: SQLite cannot alter a column in place: rebuild table t"),
        "{}",
        r.script
    );
    assert_eq!((r.statements, r.todos), (1, 2), "{}", r.script);
}

#[test]
fn no_differences_no_repair() {
    let s = schema(Dialect::Sqlite, &["CREATE TABLE t (id INTEGER);"]);
    let r = repair(&s, &s, &[]);
    assert!(r.script.contains("Nothing to repair"));
    assert_eq!((r.statements, r.todos), (0, 0));
}

#[test]
fn a_reference_to_a_table_the_migrations_do_not_create_matches_its_resolved_key() {
    let profiles =
        "CREATE TABLE profiles (id int, user_id uuid REFERENCES auth.users ON DELETE CASCADE);";
    let expected = schema(
        Dialect::Postgres,
        &[
            "CREATE SCHEMA auth;\n-- migrate:replay-skip\nCREATE TABLE auth.users (id uuid PRIMARY KEY);",
            profiles,
        ],
    );
    let actual = schema(
        Dialect::Postgres,
        &[
            "CREATE SCHEMA auth;\nCREATE TABLE auth.users (id uuid PRIMARY KEY);",
            profiles,
        ],
    );
    assert_eq!(
        lines(&expected, &actual),
        ["table auth.users exists but no migration creates it"]
    );
    // Another action is still drift.
    let other = schema(
        Dialect::Postgres,
        &[
            "CREATE SCHEMA auth;\nCREATE TABLE auth.users (id uuid PRIMARY KEY);",
            "CREATE TABLE profiles (id int, user_id uuid REFERENCES auth.users);",
        ],
    );
    assert_eq!(
        lines(&expected, &other).len(),
        3,
        "{:?}",
        lines(&expected, &other)
    );
}

#[test]
fn repair_adds_a_key_before_the_foreign_key_that_needs_it_and_drops_in_reverse() {
    // Table a comes first, so its foreign key is listed before b's unique constraint.
    let keyed = schema(
        Dialect::Postgres,
        &[
            "CREATE TABLE a (x int);\nCREATE TABLE b (y int UNIQUE);\nALTER TABLE a ADD FOREIGN KEY (x) REFERENCES b (y);",
        ],
    );
    let bare = schema(
        Dialect::Postgres,
        &["CREATE TABLE a (x int);\nCREATE TABLE b (y int);"],
    );
    let add = repair(&keyed, &bare, &diff(&keyed, &bare)).script;
    let (key, fk) = (
        add.find("ADD CONSTRAINT b_y_key").unwrap(),
        add.find("ADD CONSTRAINT a_x_fkey").unwrap(),
    );
    assert!(key < fk, "{add}");
    // Here b comes first: its unique constraint is listed before a's foreign key.
    let bare = schema(
        Dialect::Postgres,
        &["CREATE TABLE b (y int);\nCREATE TABLE a (x int);"],
    );
    let drop = repair(&bare, &keyed, &diff(&bare, &keyed)).script;
    let (fk, key) = (
        drop.find("DROP CONSTRAINT a_x_fkey").unwrap(),
        drop.find("DROP CONSTRAINT b_y_key").unwrap(),
    );
    assert!(fk < key, "{drop}");
}

#[test]
fn a_missing_partial_index_is_recreated_with_its_method_and_condition() {
    let table = "CREATE TABLE docs (id int, body jsonb, slug text, deleted_at timestamptz);";
    let expected = schema(
        Dialect::Postgres,
        &[
            table,
            "CREATE INDEX docs_body ON docs USING GIN (body);\nCREATE UNIQUE INDEX docs_live_slug ON docs (slug) WHERE deleted_at IS NULL;",
        ],
    );
    let actual = schema(Dialect::Postgres, &[table]);
    let script = repair(&expected, &actual, &diff(&expected, &actual)).script;
    assert!(
        script.contains("CREATE INDEX docs_body ON docs USING gin (body);"),
        "{script}"
    );
    assert!(
        script.contains(
            "CREATE UNIQUE INDEX docs_live_slug ON docs (slug) WHERE deleted_at IS NULL;"
        ),
        "{script}"
    );
}
