use super::*;
use crate::schema::Name;

/// Each text a migration `m/<n>_m.sql` of `dialect` (no-transaction when it says so).
pub(crate) fn scripts(dialect: Dialect, files: &[&str]) -> Vec<Migration> {
    files
        .iter()
        .enumerate()
        .map(|(i, sql)| {
            let no_tx = sql.starts_with("-- migrate:no-transaction");
            let up = Script::parse(
                format!("m/{}_m.sql", i + 1),
                (*sql).to_owned(),
                dialect,
                no_tx,
            )
            .unwrap();
            Migration {
                version: (i as i64 + 1).into(),
                name: "m".into(),
                up,
                down: None,
                replay: None,
            }
        })
        .collect()
}

pub(super) fn pg(files: &[&str]) -> Schema {
    replay(&scripts(Dialect::Postgres, files), Dialect::Postgres).unwrap_or_else(|e| panic!("{e}"))
}

pub(super) fn pg_err(files: &[&str]) -> String {
    replay(&scripts(Dialect::Postgres, files), Dialect::Postgres)
        .unwrap_err()
        .to_string()
}

pub(super) fn lite(files: &[&str]) -> Schema {
    replay(&scripts(Dialect::Sqlite, files), Dialect::Sqlite).unwrap_or_else(|e| panic!("{e}"))
}

fn public(name: &str) -> Name {
    Name::new(Some("public"), name)
}

fn columns(schema: &Schema, table: &str) -> Vec<(String, String, bool)> {
    let name = if schema.dialect == Dialect::Postgres {
        public(table)
    } else {
        Name::new(None, table)
    };
    let t = schema
        .table(&name)
        .unwrap_or_else(|| panic!("no table {table}"));
    t.columns
        .iter()
        .map(|c| (c.name.clone(), c.sql_type.clone(), c.not_null))
        .collect()
}

fn col(name: &str, ty: &str, not_null: bool) -> (String, String, bool) {
    (name.to_owned(), ty.to_owned(), not_null)
}

#[test]
fn create_table_with_types_keys_and_defaults() {
    let s = pg(&[
        "CREATE TABLE Users (id BIGSERIAL PRIMARY KEY, Email VARCHAR(320) NOT NULL UNIQUE, \"Nick\" TEXT, \
                  created TIMESTAMPTZ NOT NULL DEFAULT now(), tags TEXT[], score NUMERIC(10, 2) DEFAULT 0)",
    ]);
    assert_eq!(
        columns(&s, "users"),
        vec![
            col("id", "bigint", true),
            col("email", "character varying(320)", true),
            col("Nick", "text", false),
            col("created", "timestamp with time zone", true),
            col("tags", "text[]", false),
            col("score", "numeric(10,2)", false),
        ]
    );
    let t = s.table(&public("users")).unwrap();
    assert_eq!(t.primary_key, ["id"]);
    assert_eq!(t.uniques[0].columns, ["email"]);
    assert_eq!(t.uniques[0].name.as_deref(), Some("users_email_key"));
    assert_eq!(
        t.columns[0].default.as_deref(),
        Some("nextval('users_id_seq'::regclass)")
    );
    assert_eq!(t.columns[3].default.as_deref(), Some("now()"));
    assert_eq!(t.origin.line, 1);
}

#[test]
fn alter_table_add_drop_rename_and_types() {
    let s = pg(&[
        "CREATE TABLE contacts (id INT PRIMARY KEY, name TEXT);",
        "ALTER TABLE contacts ADD COLUMN avatar_url TEXT;\nALTER TABLE contacts RENAME COLUMN name TO full_name;",
        "ALTER TABLE contacts ALTER COLUMN full_name SET NOT NULL, ALTER COLUMN avatar_url TYPE VARCHAR(500) USING avatar_url::varchar;\n\
         ALTER TABLE contacts ADD COLUMN IF NOT EXISTS avatar_url TEXT;\nALTER TABLE contacts DROP COLUMN IF EXISTS nothing;",
        "ALTER TABLE contacts RENAME TO people;",
    ]);
    assert_eq!(
        columns(&s, "people"),
        vec![
            col("id", "integer", true),
            col("full_name", "text", true),
            col("avatar_url", "character varying(500)", false)
        ]
    );
    let t = s.table(&public("people")).unwrap();
    assert_eq!(
        t.columns[2].origin,
        Origin {
            path: "m/3_m.sql".into(),
            line: 1
        },
        "the type change is the column's last definition"
    );
    assert!(s.table(&public("contacts")).is_none());
}

#[test]
fn statements_the_database_rejects_are_errors_with_positions() {
    let e = pg_err(&[
        "CREATE TABLE a (x INT);",
        "SELECT 1;\nALTER TABLE b ADD COLUMN y INT;",
    ]);
    assert!(e.contains("m/2_m.sql:2:1: there is no table b"), "{e}");
    let e = pg_err(&["CREATE TABLE a (x INT);\nALTER TABLE a ADD COLUMN x INT;"]);
    assert!(
        e.contains("m/1_m.sql:2:1: column x of table a already exists (added at m/1_m.sql:1)"),
        "{e}"
    );
    let e = pg_err(&[
        "CREATE TABLE a (x INT);",
        "DROP TABLE a;",
        "ALTER TABLE a ADD COLUMN y INT;",
    ]);
    assert!(e.contains("it was dropped at m/2_m.sql:1"), "{e}");
    let e = pg_err(&[
        "CREATE TABLE a (x INT);",
        "ALTER TABLE a RENAME TO b;",
        "ALTER TABLE a ADD COLUMN y INT;",
    ]);
    assert!(e.contains("it was renamed to b at m/2_m.sql:1"), "{e}");
    let e = pg_err(&[
        "CREATE TABLE a (x INT PRIMARY KEY);\nALTER TABLE a ALTER COLUMN x DROP NOT NULL;",
    ]);
    assert!(e.contains("primary key"), "{e}");
}

#[test]
fn enums_create_add_rename() {
    let s = pg(&[
        "CREATE TYPE task_status AS ENUM ('pending', 'doing', 'done');",
        "ALTER TYPE task_status RENAME VALUE 'pending' TO 'todo';\nALTER TYPE task_status ADD VALUE 'blocked' BEFORE 'done';\n\
         ALTER TYPE task_status ADD VALUE IF NOT EXISTS 'todo';",
        "CREATE TABLE tasks (status task_status NOT NULL DEFAULT 'todo');\nALTER TYPE task_status RENAME TO status;",
    ]);
    let e = s.enum_type(&public("status")).unwrap();
    let labels: Vec<&str> = e.labels.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(labels, ["todo", "doing", "blocked", "done"]);
    assert_eq!(e.labels[0].origin.line, 1);
    assert_eq!(e.labels[0].origin.path, "m/2_m.sql");
    assert_eq!(
        columns(&s, "tasks"),
        vec![col("status", "status", true)],
        "columns follow the rename"
    );
    let err = pg_err(&["CREATE TYPE s AS ENUM ('a');\nALTER TYPE s ADD VALUE 'a';"]);
    assert!(err.contains("already has the label 'a'"), "{err}");
}

#[test]
fn a_new_label_used_in_its_own_transaction_is_an_error() {
    let err = pg_err(&[
        "CREATE TYPE s AS ENUM ('a');\nCREATE TABLE t (x s);",
        "ALTER TYPE s ADD VALUE 'b';\nUPDATE t SET x = 'b';",
    ]);
    assert!(
        err.contains("m/2_m.sql:2:1") && err.contains("unsafe use of new value"),
        "{err}"
    );
    pg(&[
        "CREATE TYPE s AS ENUM ('a');\nCREATE TABLE t (x s);",
        "-- migrate:no-transaction\nALTER TYPE s ADD VALUE 'b';\nUPDATE t SET x = 'b';",
    ]);
}

#[test]
fn drizzle_style_do_blocks_create_enums_idempotently() {
    let s = pg(&[
        "DO $$ BEGIN\n CREATE TYPE \"public\".\"project_status\" AS ENUM('active', 'archived');\nEXCEPTION\n WHEN duplicate_object THEN null;\nEND $$;",
        "DO $$ BEGIN CREATE TYPE project_status AS ENUM('x'); EXCEPTION WHEN duplicate_object THEN null; END $$;",
    ]);
    assert_eq!(
        s.enum_type(&public("project_status")).unwrap().labels.len(),
        2
    );
}

#[test]
fn directives_replace_or_skip_statements() {
    let s = pg(&[
        "-- migrate:replay CREATE TABLE made (id INT)\nDO $$ BEGIN EXECUTE 'CREATE TABLE made (id int)'; END $$;\n\
         -- migrate:replay-skip\nDO $$ BEGIN RAISE NOTICE 'hi'; END $$;",
    ]);
    assert_eq!(columns(&s, "made"), vec![col("id", "integer", false)]);
}

#[test]
fn untracked_statements_are_skipped_and_unknown_ddl_is_an_error() {
    pg(&[
        "-- migrate:no-transaction\nCREATE TABLE t (x INT);\nINSERT INTO t VALUES (1);\nCREATE INDEX CONCURRENTLY t_x ON t (x);\nDROP INDEX CONCURRENTLY t_x;\n\
         GRANT SELECT ON t TO public;\nCOMMENT ON TABLE t IS 'x';\nCREATE OR REPLACE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql COST 5;\n\
         CREATE SEQUENCE s;\nALTER SEQUENCE s RENAME TO s2;\nREINDEX TABLE t;\nCREATE STATISTICS st ON x FROM t;\nVACUUM;",
    ]);
    // Deferrability changes no tracked schema; together with a column change it is an error.
    pg(&[
        "CREATE TABLE t (x INT);\nALTER TABLE t ALTER CONSTRAINT c DEFERRABLE INITIALLY DEFERRED;",
    ]);
    let err = pg_err(&[
        "CREATE TABLE t (x INT);\nALTER TABLE t ALTER CONSTRAINT c DEFERRABLE, ADD COLUMN y INT;",
    ]);
    assert!(err.contains("m/1_m.sql:2:"), "{err}");
}

#[test]
fn constraints_make_primary_keys_not_null_and_checks_list_values() {
    let s = pg(&[
        "CREATE TABLE t (a INT, b TEXT CHECK (b IN ('x', 'y')), c INT REFERENCES t2 (id));\nALTER TABLE t ADD PRIMARY KEY (a);",
        "ALTER TABLE t DROP CONSTRAINT t_b_check;",
    ]);
    let t = s.table(&public("t")).unwrap();
    assert!(
        t.columns[0].not_null,
        "PRIMARY KEY makes the column NOT NULL"
    );
    assert!(t.checks.is_empty(), "dropped by its default name");
    let s = pg(&["CREATE TABLE t (b TEXT, CONSTRAINT kinds CHECK (b IN ('x', 'y')))"]);
    assert_eq!(
        s.table(&public("t")).unwrap().checks[0].in_list,
        Some(("b".to_owned(), vec!["x".to_owned(), "y".to_owned()]))
    );
}

#[test]
fn schemas_and_set_schema() {
    let s = pg(&[
        "CREATE SCHEMA app;\nCREATE TABLE app.users (id INT);\nCREATE TABLE things (id INT);\nALTER TABLE things SET SCHEMA app;",
    ]);
    assert!(s.table(&Name::new(Some("app"), "users")).is_some());
    assert!(s.table(&Name::new(Some("app"), "things")).is_some());
    assert!(s.table(&public("things")).is_none());
    let err = pg_err(&["CREATE SCHEMA app;\nCREATE TABLE app.u (id INT);\nDROP SCHEMA app;"]);
    assert!(err.contains("CASCADE"), "{err}");
}

#[test]
fn views_and_create_table_as() {
    let s = pg(&[
        "CREATE TABLE t (id INT NOT NULL, name TEXT);\nCREATE VIEW v AS SELECT id, name AS label FROM t;\nCREATE TABLE copy AS SELECT * FROM t;",
    ]);
    let v = s.view(&public("v")).unwrap();
    let names: Vec<&str> = v
        .columns
        .as_ref()
        .unwrap()
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["id", "label"]);
    assert_eq!(
        columns(&s, "copy"),
        vec![col("id", "integer", false), col("name", "text", false)],
        "CTAS does not copy NOT NULL"
    );
}

#[test]
fn extension_and_domain_types_are_kept() {
    let s = pg(&[
        "CREATE EXTENSION IF NOT EXISTS citext;\nCREATE DOMAIN email AS citext NOT NULL;\nCREATE TABLE u (e email, v vector(3), c citext);",
    ]);
    assert_eq!(
        columns(&s, "u"),
        vec![
            col("e", "email", false),
            col("v", "vector(3)", false),
            col("c", "citext", false)
        ]
    );
    assert_eq!(s.domain(&public("email")).unwrap().base_type, "citext");
    assert!(s.domain(&public("email")).unwrap().not_null);
}

#[test]
fn sqlite_rowid_strict_and_rebuilds() {
    let s = lite(&[
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, n INT);\nCREATE TABLE pairs (a TEXT PRIMARY KEY, b TEXT) ;\n\
         CREATE TABLE strict_pairs (a TEXT PRIMARY KEY, b INT) STRICT;",
        // The documented rebuild pattern: new table, copy, drop, rename.
        "PRAGMA defer_foreign_keys = ON;\nCREATE TABLE users_new (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n\
         INSERT INTO users_new SELECT id, email FROM users;\nDROP TABLE users;\nALTER TABLE users_new RENAME TO users;",
    ]);
    let users = s
        .table(&Name::new(None, "USERS"))
        .expect("names compare case-insensitively");
    assert_eq!(users.columns.len(), 2);
    assert!(
        !users.nullable(Dialect::Sqlite, &users.columns[0]),
        "INTEGER PRIMARY KEY never reads NULL"
    );
    let pairs = s.table(&Name::new(None, "pairs")).unwrap();
    assert!(
        pairs.nullable(Dialect::Sqlite, &pairs.columns[0]),
        "other SQLite primary keys may hold NULL"
    );
    let strict = s.table(&Name::new(None, "strict_pairs")).unwrap();
    assert!(strict.strict && !strict.nullable(Dialect::Sqlite, &strict.columns[0]));
}

#[test]
fn parse_errors_point_into_the_file() {
    let err = pg_err(&["CREATE TABLE ok (x INT);\n\nCREATE TABLE broken (x INT,, y INT);"]);
    assert!(err.starts_with("m/1_m.sql:3:"), "{err}");
}

#[test]
fn never_panics_on_random_text() {
    let pieces = [
        "CREATE", "TABLE", "ALTER", "DROP", "TYPE", "t", "(", ")", ",", ";", "x", "INT", "ADD",
        "COLUMN", "'a'", "$$", "AS", "ENUM", "RENAME", "TO", "VALUE", "DO", "BEGIN", "END",
        "SELECT", "FROM", "PRIMARY", "KEY", "--", "\n", "\"q\"", "SCHEMA", "INDEX", "ON", "VIEW",
        "SET", "NOT", "NULL", "DEFAULT", "IF", "EXISTS", "[]", "::", "CHECK", "IN",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..3000 {
        let len = (next() % 24) as usize;
        let text: Vec<&str> = (0..len)
            .map(|_| pieces[(next() % pieces.len() as u64) as usize])
            .collect();
        let text = text.join(" ");
        for dialect in [Dialect::Postgres, Dialect::Sqlite] {
            if let Ok(up) = Script::parse("fuzz.sql", text.clone(), dialect, false) {
                let mut schema = Schema::new(dialect);
                let _ = replay_script(&mut schema, &up);
            }
        }
    }
}

#[test]
fn a_column_remembers_its_own_line() {
    let schema = pg(&[
        "-- users\nCREATE TABLE users (\n    id BIGINT PRIMARY KEY,\n    email TEXT NOT NULL\n);\nALTER TABLE users\n  ADD COLUMN avatar_url TEXT;",
    ]);
    let users = schema.table(&Name::new(Some("public"), "users")).unwrap();
    let line = |c: &str| users.column(Dialect::Postgres, c).unwrap().origin.line;
    assert_eq!(users.origin.line, 2);
    assert_eq!((line("id"), line("email"), line("avatar_url")), (3, 4, 7));
    let schema = pg(&[
        "CREATE TYPE mood AS ENUM (\n  'sad',\n  'happy'\n);\nALTER TYPE mood ADD VALUE 'calm';",
    ]);
    let lines: Vec<usize> = schema.enums[0]
        .labels
        .iter()
        .map(|l| l.origin.line)
        .collect();
    assert_eq!(lines, [2, 3, 5], "each label remembers its own line");
}

#[test]
fn renames_of_indexes_sequences_and_labels_reach_what_names_them() {
    let s = pg(&[
        "CREATE TYPE mode AS ENUM ('open', 'closed');\nCREATE TABLE user_ (id SERIAL PRIMARY KEY, m mode NOT NULL DEFAULT 'open');\nCREATE INDEX idx_user_m ON user_ (m);",
        "ALTER TABLE user_ RENAME TO person;\nALTER SEQUENCE user__id_seq RENAME TO person_id_seq;\nALTER INDEX idx_user_m RENAME TO idx_person_m;\nALTER TYPE mode RENAME VALUE 'open' TO 'opened';",
        "CREATE SCHEMA utils;\nCREATE TABLE utils.saved (id SERIAL);",
    ]);
    let person = s.table(&public("person")).unwrap();
    assert_eq!(
        person.columns[0].default.as_deref(),
        Some("nextval('person_id_seq'::regclass)")
    );
    assert_eq!(person.columns[1].default.as_deref(), Some("'opened'"));
    assert_eq!(s.indexes[0].name.name, "idx_person_m");
    let saved = s.table(&Name::new(Some("utils"), "saved")).unwrap();
    assert_eq!(
        saved.columns[0].default.as_deref(),
        Some("nextval('utils.saved_id_seq'::regclass)")
    );
}

#[test]
fn long_identifiers_are_truncated_as_postgres_truncates_them() {
    let long = "a".repeat(70);
    let s = pg(&[&format!(
        "CREATE TABLE t (x INT);\nCREATE INDEX {long} ON t (x);\nDROP INDEX {long};"
    )]);
    assert!(
        s.indexes.is_empty(),
        "the drop names the same (truncated) index"
    );
    let s = pg(&[&format!("CREATE TABLE {long} (x INT);")]);
    assert_eq!(s.tables[0].name.name.len(), 63);
}

#[test]
fn drop_cascade_takes_dependent_views_and_their_indexes() {
    let s = pg(&[
        "CREATE TABLE users (id INT PRIMARY KEY, name TEXT);\nCREATE VIEW user_view AS SELECT id, name FROM users;\n\
         CREATE MATERIALIZED VIEW user_mview AS SELECT * FROM user_view;\nCREATE UNIQUE INDEX idx_user_mview_id ON user_mview (id);\n\
         CREATE VIEW other AS SELECT 1 AS one;",
        "DROP VIEW user_view CASCADE;\nCREATE MATERIALIZED VIEW user_mview AS SELECT id FROM users;",
    ]);
    let views: Vec<&str> = s.views.iter().map(|v| v.name.name.as_str()).collect();
    assert_eq!(views, ["other", "user_mview"]);
    assert!(
        s.indexes.is_empty(),
        "the index went with the materialized view"
    );
}

#[test]
fn what_crates_io_migrations_do_replays_like_postgres() {
    let s = pg(&[
        "CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;\n\
         CREATE TABLE downloads (id SERIAL PRIMARY KEY, version_id INT NOT NULL, date DATE NOT NULL, \
            processed BOOLEAN NOT NULL DEFAULT 'f', note TEXT DEFAULT NULL, \
            CONSTRAINT fk_downloads_version FOREIGN KEY (version_id) REFERENCES versions (id));\n\
         CREATE UNIQUE INDEX downloads_unique ON downloads (version_id, date);\n\
         CREATE INDEX ON downloads (lower(note));",
        "ALTER TABLE downloads DROP CONSTRAINT downloads_pkey, \
            ADD CONSTRAINT downloads_pkey PRIMARY KEY USING INDEX downloads_unique, DROP COLUMN id;\n\
         ALTER TABLE downloads DROP CONSTRAINT fk_downloads_version;",
    ]);
    let t = s.table(&public("downloads")).unwrap();
    assert_eq!(t.primary_key, ["version_id", "date"]);
    assert_eq!(
        t.column(Dialect::Postgres, "processed")
            .unwrap()
            .default
            .as_deref(),
        Some("false")
    );
    assert_eq!(t.column(Dialect::Postgres, "note").unwrap().default, None);
    let indexes: Vec<&str> = s.indexes.iter().map(|i| i.name.name.as_str()).collect();
    assert_eq!(indexes, ["downloads_lower_idx"]);
    assert_eq!(s.extensions, ["pg_trgm"]);
}
