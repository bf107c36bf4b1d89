//! `cargo migrate verify` and `cargo migrate diff` on real databases drifted by hand, and
//! `cargo migrate schema` without a database.

use crate::support::{Project, Run};
use migrate_tests::pg_database;
use snapbox::str;
use sqlx::{AssertSqlSafe, Connection};

const PG_INIT: &str = "CREATE TYPE mood AS ENUM ('sad', 'happy');\n\
CREATE TABLE users (\n    id integer PRIMARY KEY,\n    email text NOT NULL,\n    name text,\n    age integer,\n    mood mood NOT NULL DEFAULT 'sad'\n);\n\
CREATE INDEX users_email_idx ON users (email);\n";
const PG_AVATAR: &str = "ALTER TABLE users ADD COLUMN avatar_url text;\n";

/// Every kind of drift the tests make by hand, on PostgreSQL.
const PG_DRIFT: &str = "ALTER TABLE users ADD COLUMN nickname text;\n\
ALTER TABLE users DROP COLUMN avatar_url;\n\
ALTER TABLE users ALTER COLUMN age TYPE bigint;\n\
ALTER TYPE mood ADD VALUE 'ecstatic';\n\
DROP INDEX users_email_idx;\n\
ALTER TABLE users ALTER COLUMN name SET NOT NULL;\n";

const PG_REVIEW: &[&str] = &[
    "table users: column name is NOT NULL, the migrations allow NULL (migrations/1_init.sql:5)",
    "table users: column age has type bigint, the migrations give integer (migrations/1_init.sql:6)",
    "table users: column avatar_url is missing (added by migrations/2_avatar.sql:1)",
    "table users: column nickname exists but no migration adds it",
    "enum type mood: label 'ecstatic' exists but no migration adds it",
    "index users_email_idx on users is missing (created by migrations/1_init.sql:9)",
];

const LITE_INIT: &str = "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT, age INTEGER);\n\
CREATE INDEX users_email_idx ON users (email);\n";
const LITE_AVATAR: &str = "ALTER TABLE users ADD COLUMN avatar_url TEXT;\n";

/// A table rebuilt by hand: age changed type, name became NOT NULL, avatar_url dropped,
/// nickname added, and the index gone with the old table.
const LITE_DRIFT: &str = "CREATE TABLE users_new (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT NOT NULL, age TEXT, nickname TEXT);\n\
INSERT INTO users_new (id, email, name, age) SELECT id, email, coalesce(name, ''), age FROM users;\n\
DROP TABLE users;\n\
ALTER TABLE users_new RENAME TO users;\n";

const LITE_REVIEW: &[&str] = &[
    "table users: column name is NOT NULL, the migrations allow NULL (migrations/1_init.sql:1)",
    "table users: column age has type TEXT, the migrations give INTEGER (migrations/1_init.sql:1)",
    "table users: column avatar_url is missing (added by migrations/2_avatar.sql:1)",
    "table users: column nickname exists but no migration adds it",
    "index users_email_idx on users is missing (created by migrations/1_init.sql:2)",
];

fn project(dialect: &str, init: &str, avatar: &str) -> Project {
    let p = Project::new(&format!("dialect = \"{dialect}\""));
    p.write("migrations/1_init.sql", init);
    p.write("migrations/2_avatar.sql", avatar);
    p
}

/// Runs SQL (several statements) on the database, as a person with psql or sqlite3 would.
fn run_sql(url: &str, sql: &str) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        if url.starts_with("postgres") {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
                .execute(&mut c)
                .await
                .unwrap_or_else(|e| panic!("{e}\n{sql}"));
            c.close().await.unwrap();
        } else {
            let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
            sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
                .execute(&mut c)
                .await
                .unwrap_or_else(|e| panic!("{e}\n{sql}"));
            c.close().await.unwrap();
        }
    });
}

fn lines(run: &Run) -> Vec<&str> {
    run.stdout.lines().collect()
}

fn pg_url() -> Option<migrate_tests::PgTestDb> {
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(pg_database())
}

#[test]
fn postgres_clean_database_verifies_with_exit_0() {
    let Some(db) = pg_url() else { return };
    let p = project("postgres", PG_INIT, PG_AVATAR);
    p.run(&["deploy", "--database-url", &db.url]).expect(0);
    let out = p.run(&["verify", "--database-url", &db.url]).expect(0);
    assert_eq!(out.stdout, "");
    out.stderr_eq_with(
        &p,
        &[("[URL]", &db.url)],
        str![[r#"
    Verified [URL] against 2 applied migration(s): no drift

"#]],
    );
    let json = p
        .run(&["verify", "--format", "json", "--database-url", &db.url])
        .expect(0);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["clean"], true);
    assert_eq!(doc["applied"], serde_json::json!([1, 2]));
    assert_eq!(doc["differences"], serde_json::json!([]));
}

#[test]
fn postgres_drift_is_reported_line_by_line_and_repaired() {
    let Some(db) = pg_url() else { return };
    let p = project("postgres", PG_INIT, PG_AVATAR);
    p.run(&["deploy", "--database-url", &db.url]).expect(0);
    run_sql(&db.url, PG_DRIFT);

    let out = p.run(&["verify", "--database-url", &db.url]).expect(4);
    assert_eq!(lines(&out), PG_REVIEW, "{}", out.stderr);
    out.stderr_eq_with(&p, &[("[URL]", &db.url)], str![[r#"
     Drifted [URL] against 2 applied migration(s): 6 difference(s), 0 history problem(s) (`cargo migrate diff --script` writes a repair)

"#]]);

    let json = p
        .run(&["verify", "--format", "json", "--database-url", &db.url])
        .expect(4);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["clean"], false);
    let kinds: Vec<&str> = doc["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "nullability",
            "type",
            "missing_column",
            "extra_column",
            "enum_labels",
            "missing_index"
        ]
    );
    assert_eq!(
        doc["differences"][1],
        serde_json::json!({
            "kind": "type", "table": "users", "column": "age",
            "expected": "integer", "actual": "bigint",
            "message": PG_REVIEW[1], "origin": "migrations/1_init.sql:6",
        })
    );

    // `diff` lists the same differences.
    let listed = p.run(&["diff", "--database-url", &db.url]).expect(0);
    assert_eq!(lines(&listed), PG_REVIEW);

    // The repair brings everything back but the enum label, which is left as a TODO.
    p.run(&[
        "diff",
        "--script",
        "--out",
        "repair.sql",
        "--database-url",
        &db.url,
    ])
    .expect(0);
    let script = std::fs::read_to_string(p.path().join("repair.sql")).unwrap();
    snapbox::assert_data_eq!(
        &script,
        str![[r#"
-- Repair migration: brings the database back to the schema of its applied migrations (postgres).
-- Written by `cargo migrate diff --script`. Review it: DROP statements lose data.

-- enum type mood: label 'ecstatic' exists but no migration adds it
-- TODO: PostgreSQL cannot drop an enum label ('ecstatic'). By hand: move the rows off those labels, then CREATE TYPE a new type with the labels ('sad', 'happy'), ALTER every column of type mood to it (USING col::text::new_type), DROP TYPE mood and rename the new type

-- table users: column avatar_url is missing (added by migrations/2_avatar.sql:1)
ALTER TABLE users ADD COLUMN avatar_url text;

-- table users: column name is NOT NULL, the migrations allow NULL (migrations/1_init.sql:5)
ALTER TABLE users ALTER COLUMN name DROP NOT NULL;

-- table users: column age has type bigint, the migrations give integer (migrations/1_init.sql:6)
ALTER TABLE users ALTER COLUMN age TYPE integer USING age::integer;

-- table users: column nickname exists but no migration adds it (this drops its data)
ALTER TABLE users DROP COLUMN nickname;

-- index users_email_idx on users is missing (created by migrations/1_init.sql:9)
CREATE INDEX users_email_idx ON users (email);

"#]]
    );
    run_sql(&db.url, &script);
    let after = p.run(&["verify", "--database-url", &db.url]).expect(4);
    assert_eq!(lines(&after), [PG_REVIEW[4]], "{script}");

    // --out never overwrites.
    let again = p
        .run(&[
            "diff",
            "--script",
            "--out",
            "repair.sql",
            "--database-url",
            &db.url,
        ])
        .expect(2);
    again.stderr_eq(&p, str![[r#"
error: --out repair.sql: the file exists; refusing to overwrite it (choose another path or remove it)

"#]]);
}

#[test]
fn postgres_without_history_is_reported_and_left_untouched() {
    let Some(db) = pg_url() else { return };
    let p = project("postgres", PG_INIT, PG_AVATAR);
    let out = p.run(&["verify", "--database-url", &db.url]).expect(4);
    assert_eq!(
        lines(&out),
        [
            "history table _migrate_history does not exist: no migration was deployed to this database"
        ]
    );
    out.stderr_eq_with(&p, &[("[URL]", &db.url)], str![[r#"
warning: run `cargo migrate deploy`; if the schema was made another way, record it with `cargo migrate baseline <version>` or `cargo migrate adopt <tool>` (history table: _migrate_history)
warning: 2 migration(s) pending: not part of the comparison (see `cargo migrate status`)
     Drifted [URL] against 0 applied migration(s): 0 difference(s), 1 history problem(s)

"#]]);
    let script = p
        .run(&["diff", "--script", "--database-url", &db.url])
        .expect(4);
    assert!(script.stdout.is_empty());
    script.stderr_eq_with(&p, &[("[URL]", &db.url)], str![[r#"
error: history table _migrate_history does not exist: no migration was deployed to this database, so there is nothing to compare it with.
  Run `cargo migrate deploy`, or record an existing schema with `cargo migrate baseline <version>`

"#]]);
    // Read-only: still no history table.
    let status = p.run(&["status", "--database-url", &db.url]).expect(3);
    status.stdout_eq(
        &p,
        str![[r#"
VERSION          NAME   STATE        APPLIED AT                DURATION
1                init   pending                                        
2                avatar pending                                        

"#]],
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let tables: i64 = rt.block_on(async {
        let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
        sqlx::query_scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            .fetch_one(&mut c)
            .await
            .unwrap()
    });
    assert_eq!(tables, 0);
}

#[test]
fn sqlite_drift_is_reported_and_repaired_up_to_the_rebuild() {
    let p = project("sqlite", LITE_INIT, LITE_AVATAR);
    let url = p.sqlite_url();
    p.run(&["deploy", "--database-url", &url]).expect(0);
    p.run(&["verify", "--database-url", &url]).expect(0);
    run_sql(&url, LITE_DRIFT);

    let out = p.run(&["verify", "--database-url", &url]).expect(4);
    assert_eq!(lines(&out), LITE_REVIEW, "{}", out.stderr);

    let script = p
        .run(&["diff", "--script", "--database-url", &url])
        .expect(0);
    script.stdout_eq(&p, str![[r#"
-- Repair migration: brings the database back to the schema of its applied migrations (sqlite).
-- Written by `cargo migrate diff --script`. Review it: DROP statements lose data.

-- table users: column avatar_url is missing (added by migrations/2_avatar.sql:1)
ALTER TABLE users ADD COLUMN avatar_url TEXT;

-- table users: column name is NOT NULL, the migrations allow NULL (migrations/1_init.sql:1)
-- TODO: SQLite cannot alter a column in place: rebuild table users by hand — create it anew under another name with the migrations' definition (`cargo migrate schema`), copy the rows (INSERT INTO … SELECT …), drop the old table and rename the new one

-- table users: column age has type TEXT, the migrations give INTEGER (migrations/1_init.sql:1)
-- TODO: SQLite cannot alter a column in place: rebuild table users by hand — create it anew under another name with the migrations' definition (`cargo migrate schema`), copy the rows (INSERT INTO … SELECT …), drop the old table and rename the new one

-- table users: column nickname exists but no migration adds it (this drops its data)
ALTER TABLE users DROP COLUMN nickname;

-- index users_email_idx on users is missing (created by migrations/1_init.sql:2)
CREATE INDEX users_email_idx ON users (email);

"#]]);
    run_sql(&url, &script.stdout);
    let after = p.run(&["verify", "--database-url", &url]).expect(4);
    assert_eq!(lines(&after), &LITE_REVIEW[..2], "{}", script.stdout);
}

#[test]
fn sqlite_verify_never_creates_the_database_file() {
    let p = project("sqlite", LITE_INIT, LITE_AVATAR);
    let url = p.sqlite_url();
    let out = p.run(&["verify", "--database-url", &url]).expect(1);
    out.stderr_eq(&p, str![[r#"
error: there is no SQLite database at sqlite:[ROOT]/app.db: nothing to verify (check the URL, or run `cargo migrate deploy` first)

"#]]);
    assert!(!p.path().join("app.db").exists());
}

#[test]
fn verify_never_prints_a_password() {
    let p = project("postgres", PG_INIT, PG_AVATAR);
    let out = p
        .run(&[
            "verify",
            "--connect-timeout",
            "1",
            "--database-url",
            "postgres://app:s3cret@127.0.0.1:1/nowhere",
        ])
        .expect(1);
    assert!(!out.stderr.contains("s3cret"), "{}", out.stderr);
    out.stderr_eq(&p, str![[r#"
error: cannot connect to postgres://app:***@127.0.0.1:1/nowhere: error communicating with database: Connection refused (os error 111)
  gave up after [..]s: is the server running and reachable? (raise --connect-timeout to wait longer)

"#]]);
}

#[test]
fn schema_prints_sql_and_json_without_a_database() {
    let p = project("postgres", PG_INIT, PG_AVATAR);
    let sql = p.run(&["schema"]).expect(0);
    sql.stdout_eq(
        &p,
        str![[r#"
-- The schema the migrations produce (postgres), replayed by cargo migrate schema.

CREATE TYPE mood AS ENUM ('sad', 'happy');

CREATE TABLE users (
    id integer NOT NULL,
    email text NOT NULL,
    name text,
    age integer,
    mood mood NOT NULL DEFAULT 'sad',
    avatar_url text,
    PRIMARY KEY (id)
);

CREATE INDEX users_email_idx ON users (email);

"#]],
    );

    let json = p.run(&["schema", "--format", "json"]).expect(0);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["dialect"], "postgres");
    assert_eq!(doc["tables"][0]["schema"], "public");
    assert_eq!(doc["tables"][0]["name"], "users");
    assert_eq!(
        doc["tables"][0]["columns"][4],
        serde_json::json!({
            "name": "mood", "type": "mood", "nullable": false, "default": "'sad'",
            "identity": null, "generated": null, "owns_sequence": false,
            "origin": "migrations/1_init.sql:7",
        })
    );
    assert_eq!(
        doc["enums"],
        serde_json::json!([{"schema": "public", "name": "mood", "labels": ["sad", "happy"]}])
    );
}

#[test]
fn schema_reports_a_replay_error_at_its_line() {
    let p = project(
        "sqlite",
        LITE_INIT,
        "\nALTER TABLE nope ADD COLUMN x TEXT;\n",
    );
    let out = p.run(&["schema"]).expect(1);
    out.stderr_eq(&p, str![[r#"
error: cannot replay the migrations of migrations:
migrations/2_avatar.sql:2:1: there is no table nope at this point
  way out, without editing the migration: in `migrations/.replay/2_avatar.sql` write `-- migrate:statement 1` and under it the DDL this statement amounts to, or `-- migrate:statement 1 skip` if it changes no table, column or type (see "Replay overrides" in the cargo-migrate book, docs/src/replay.md); in a file not yet applied, `-- migrate:replay <DDL>` or `-- migrate:replay-skip` on the line above the statement also works

"#]]);
    assert_eq!(out.stdout, "");
}

#[test]
fn schema_follows_the_configured_dialect_whatever_the_environment_url() {
    let p = project("sqlite", LITE_INIT, LITE_AVATAR);
    p.write(".env", "DATABASE_URL=postgres://app:pw@db.invalid/prod\n");
    let out = p.run(&["schema", "--format", "json"]).expect(0);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["dialect"], "sqlite");
    assert_eq!(doc["tables"][0]["schema"], serde_json::Value::Null);
    assert_eq!(doc["indexes"][0]["name"], "users_email_idx");
}

const PG_KEYS: &str = "CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL UNIQUE);\n\
CREATE TABLE tasks (\n    id integer PRIMARY KEY,\n    user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,\n    \
status text NOT NULL CHECK (status IN ('todo', 'done')),\n    points integer CHECK (points >= 0)\n);\n";

/// Constraints changed by hand: a unique dropped, another added, a foreign key that lost its
/// ON DELETE, a check whose values changed ('todo' became 'pending'), a check dropped.
const PG_KEYS_DRIFT: &str = "ALTER TABLE users DROP CONSTRAINT users_email_key;\n\
ALTER TABLE tasks DROP CONSTRAINT tasks_user_id_fkey;\n\
ALTER TABLE tasks ADD CONSTRAINT tasks_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);\n\
ALTER TABLE tasks DROP CONSTRAINT tasks_status_check;\n\
ALTER TABLE tasks ADD CONSTRAINT tasks_status_check CHECK (status IN ('pending', 'done'));\n\
ALTER TABLE tasks DROP CONSTRAINT tasks_points_check;\n\
ALTER TABLE tasks ADD CONSTRAINT tasks_status_points_key UNIQUE (status, points);\n";

const PG_KEYS_REVIEW: &[&str] = &[
    "table users: unique (email) is missing (added by migrations/1_init.sql:1)",
    "table tasks: unique (status, points) exists but no migration adds it",
    "table tasks: foreign key (user_id) -> users (id) ON DELETE CASCADE is missing (added by migrations/1_init.sql:2)",
    "table tasks: foreign key (user_id) -> users (id) exists but no migration adds it",
    "table tasks: column status may hold ('pending', 'done'), the migrations allow ('todo', 'done') (migrations/1_init.sql:5)",
    "table tasks: check tasks_points_check (points >= 0) is missing (added by migrations/1_init.sql:6)",
];

#[test]
fn postgres_constraint_drift_is_reported_and_repaired() {
    let Some(db) = pg_url() else { return };
    let p = Project::new("dialect = \"postgres\"");
    p.write("migrations/1_init.sql", PG_KEYS);
    p.run(&["deploy", "--database-url", &db.url]).expect(0);
    p.run(&["verify", "--database-url", &db.url]).expect(0);
    run_sql(&db.url, PG_KEYS_DRIFT);

    let out = p.run(&["verify", "--database-url", &db.url]).expect(4);
    assert_eq!(lines(&out), PG_KEYS_REVIEW, "{}", out.stderr);
    let json = p
        .run(&["verify", "--format", "json", "--database-url", &db.url])
        .expect(4);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        doc["differences"][4],
        serde_json::json!({
            "kind": "check_values", "table": "tasks", "name": "tasks_status_check",
            "column": "status", "expected": ["todo", "done"], "actual": ["pending", "done"],
            "message": PG_KEYS_REVIEW[4], "origin": "migrations/1_init.sql:5",
        })
    );

    let script = p
        .run(&["diff", "--script", "--database-url", &db.url])
        .expect(0);
    script.stdout_eq(&p, str![[r#"
-- Repair migration: brings the database back to the schema of its applied migrations (postgres).
-- Written by `cargo migrate diff --script`. Review it: DROP statements lose data.

-- table tasks: foreign key (user_id) -> users (id) exists but no migration adds it
ALTER TABLE tasks DROP CONSTRAINT tasks_user_id_fkey;

-- table tasks: unique (status, points) exists but no migration adds it
ALTER TABLE tasks DROP CONSTRAINT tasks_status_points_key;

-- table users: unique (email) is missing (added by migrations/1_init.sql:1) (fails while rows break it: fix those rows first)
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);

-- table tasks: column status may hold ('pending', 'done'), the migrations allow ('todo', 'done') (migrations/1_init.sql:5) (fails while rows break it: fix those rows first)
ALTER TABLE tasks DROP CONSTRAINT tasks_status_check;
ALTER TABLE tasks ADD CONSTRAINT tasks_status_check CHECK (status IN ('todo', 'done'));

-- table tasks: check tasks_points_check (points >= 0) is missing (added by migrations/1_init.sql:6) (fails while rows break it: fix those rows first)
ALTER TABLE tasks ADD CONSTRAINT tasks_points_check CHECK (points >= 0);

-- table tasks: foreign key (user_id) -> users (id) ON DELETE CASCADE is missing (added by migrations/1_init.sql:2) (fails while rows break it: fix those rows first)
ALTER TABLE tasks ADD CONSTRAINT tasks_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;

"#]]);
    run_sql(&db.url, &script.stdout);
    let after = p.run(&["verify", "--database-url", &db.url]).expect(0);
    assert_eq!(after.stdout, "", "{}", script.stdout);
}

#[test]
fn sqlite_constraint_drift_is_reported_with_a_rebuild_todo() {
    let p = Project::new("dialect = \"sqlite\"");
    p.write(
        "migrations/1_init.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);\n\
         CREATE TABLE tasks (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id), \
         status TEXT NOT NULL CHECK (status IN ('todo', 'done')));\n",
    );
    let url = p.sqlite_url();
    p.run(&["deploy", "--database-url", &url]).expect(0);
    p.run(&["verify", "--database-url", &url]).expect(0);
    run_sql(
        &url,
        "CREATE TABLE tasks_new (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, \
         status TEXT NOT NULL CHECK (status IN ('pending', 'done')));\n\
         DROP TABLE tasks;\nALTER TABLE tasks_new RENAME TO tasks;\n",
    );
    let out = p.run(&["verify", "--database-url", &url]).expect(4);
    assert_eq!(
        lines(&out),
        [
            "table tasks: foreign key (user_id) -> users (id) is missing (added by migrations/1_init.sql:2)",
            "table tasks: column status may hold ('pending', 'done'), the migrations allow ('todo', 'done') (migrations/1_init.sql:2)",
        ],
        "{}",
        out.stderr
    );
    let script = p
        .run(&["diff", "--script", "--database-url", &url])
        .expect(0);
    script.stdout_eq(&p, str![[r#"
-- Repair migration: brings the database back to the schema of its applied migrations (sqlite).
-- Written by `cargo migrate diff --script`. Review it: DROP statements lose data.

-- table tasks: column status may hold ('pending', 'done'), the migrations allow ('todo', 'done') (migrations/1_init.sql:2)
-- TODO: SQLite cannot add or drop a constraint in place: rebuild table tasks by hand — create it anew under another name with the migrations' definition (`cargo migrate schema`), copy the rows (INSERT INTO … SELECT …), drop the old table and rename the new one

-- table tasks: foreign key (user_id) -> users (id) is missing (added by migrations/1_init.sql:2)
-- TODO: SQLite cannot add or drop a constraint in place: rebuild table tasks by hand — create it anew under another name with the migrations' definition (`cargo migrate schema`), copy the rows (INSERT INTO … SELECT …), drop the old table and rename the new one

"#]]);
}

#[test]
fn postgres_view_and_domain_drift_is_reported() {
    let Some(db) = pg_url() else { return };
    let p = Project::new("dialect = \"postgres\"");
    p.write(
        "migrations/1_init.sql",
        "CREATE DOMAIN email AS text NOT NULL;\n\
         CREATE TABLE users (id integer PRIMARY KEY, email email, name text);\n\
         CREATE VIEW named_users AS SELECT id, name FROM users;\n",
    );
    p.run(&["deploy", "--database-url", &db.url]).expect(0);
    p.run(&["verify", "--database-url", &db.url]).expect(0);
    run_sql(
        &db.url,
        "ALTER DOMAIN email DROP NOT NULL;\n\
         CREATE OR REPLACE VIEW named_users AS SELECT id, name, email FROM users;\n\
         CREATE VIEW by_hand AS SELECT id FROM users;\n\
         CREATE DOMAIN handle AS text;\n",
    );
    let out = p.run(&["verify", "--database-url", &db.url]).expect(4);
    assert_eq!(
        lines(&out),
        [
            "view named_users has columns (id, name, email), the migrations give (id, name) (migrations/1_init.sql:3)",
            "view by_hand exists but no migration creates it",
            "domain email is text, the migrations give text NOT NULL (migrations/1_init.sql:1)",
            "domain handle exists but no migration creates it",
        ],
        "{}",
        out.stderr
    );
    let script = p
        .run(&["diff", "--script", "--database-url", &db.url])
        .expect(0);
    script.stdout_eq(&p, str![[r#"
-- Repair migration: brings the database back to the schema of its applied migrations (postgres).
-- Written by `cargo migrate diff --script`. Review it: DROP statements lose data.

-- domain email is text, the migrations give text NOT NULL (migrations/1_init.sql:1)
ALTER DOMAIN email SET NOT NULL;

-- view by_hand exists but no migration creates it
-- TODO: drop view by_hand by hand if nothing uses it (DROP VIEW, or DROP MATERIALIZED VIEW)

-- domain handle exists but no migration creates it
DROP DOMAIN handle;

-- view named_users has columns (id, name, email), the migrations give (id, name) (migrations/1_init.sql:3)
-- TODO: recreate view named_users as its migration defines it at migrations/1_init.sql:3 (CREATE OR REPLACE VIEW …): the schema model keeps a view's columns, not its query

"#]]);
}
