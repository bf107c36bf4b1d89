//! The interpreter over minimal repros; tests/tests/replay_differential.rs checks the same
//! constructs against PostgreSQL.

use crate::Dialect;
use crate::replay::replay;
use crate::replay::tests::scripts;
use crate::schema::{Name, Schema};

fn pg(files: &[&str]) -> Schema {
    replay(&scripts(Dialect::Postgres, files), Dialect::Postgres).unwrap_or_else(|e| panic!("{e}"))
}

fn pg_err(files: &[&str]) -> String {
    replay(&scripts(Dialect::Postgres, files), Dialect::Postgres)
        .unwrap_err()
        .to_string()
}

fn tables(schema: &Schema) -> Vec<String> {
    let mut names: Vec<String> = schema.tables.iter().map(|t| t.name.to_string()).collect();
    names.sort();
    names
}

const GUARD: &str = "DO $$ BEGIN\n  IF EXISTS (SELECT * FROM pg_tables WHERE tablename = 'old_history') THEN\n    DROP TABLE old_history;\n  END IF;\nEND $$;";

#[test]
fn the_drop_guard_of_the_issue_replays_with_and_without_the_table() {
    assert_eq!(
        tables(&pg(&["CREATE TABLE keep (id int);", GUARD])),
        ["keep"]
    );
    assert_eq!(
        tables(&pg(&[
            "CREATE TABLE keep (id int);\nCREATE TABLE old_history (id int);",
            GUARD
        ])),
        ["keep"]
    );
}

#[test]
fn a_do_block_that_only_raises_a_notice_changes_nothing() {
    let s = pg(&[
        "CREATE TABLE t (id int);\nDO $$ BEGIN RAISE NOTICE 'hello %', 1; END $$;",
        "DO LANGUAGE plpgsql $body$\nDECLARE n int := 0;\nBEGIN\n  n := n + 1;\n  SELECT count(*) INTO n FROM t;\n  PERFORM pg_sleep(0);\n  ASSERT n >= 0, 'negative';\n  NULL;\nEND\n$body$;",
    ]);
    assert_eq!(tables(&s), ["t"]);
}

#[test]
fn if_exists_elsif_else_read_every_catalog() {
    let setup = "CREATE SCHEMA app;\nCREATE TYPE mood AS ENUM ('a');\nCREATE TABLE app.t (id int PRIMARY KEY, c text, CONSTRAINT c_not_empty CHECK (c <> ''));\nCREATE INDEX t_c ON app.t (c);";
    let cases = [
        (
            "EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mood')",
            true,
        ),
        (
            "EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = 'mood' AND n.nspname = 'app')",
            false,
        ),
        (
            "EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 't' AND n.nspname = 'app' AND c.relkind = 'r')",
            true,
        ),
        (
            "EXISTS (SELECT 1 FROM pg_catalog.pg_indexes WHERE indexname = 't_c' AND schemaname = 'app')",
            true,
        ),
        (
            "EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'c_not_empty' AND conrelid = 'app.t'::regclass)",
            true,
        ),
        (
            "EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 't_pkey')",
            true,
        ),
        (
            "EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'app')",
            true,
        ),
        (
            "NOT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = 'app' AND table_name = 't')",
            false,
        ),
        (
            "EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 't' AND column_name = 'c')",
            true,
        ),
        (
            "EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 't' AND column_name IN ('x', 'y'))",
            false,
        ),
        (
            "to_regclass('app.t') IS NOT NULL AND to_regclass('public.t') IS NULL",
            true,
        ),
    ];
    for (condition, expected) in cases {
        let block = format!(
            "DO $$ BEGIN IF {condition} THEN CREATE TABLE yes (); ELSIF true THEN CREATE TABLE no (); ELSE CREATE TABLE never (); END IF; END $$;"
        );
        let s = pg(&[setup, &block]);
        let made = if expected { "yes" } else { "no" };
        assert!(
            s.table(&Name::new(Some("public"), made)).is_some(),
            "{condition}: {:?}",
            tables(&s)
        );
    }
}

#[test]
fn exception_handlers_catch_what_the_database_raises() {
    let s = pg(&[
        "CREATE TYPE mood AS ENUM ('a');\nCREATE TABLE t (id int);",
        "DO $$ BEGIN CREATE TYPE mood AS ENUM ('a', 'b'); EXCEPTION WHEN duplicate_object THEN null; END $$;\n\
         DO $$ BEGIN CREATE TABLE made (id int); CREATE TABLE t (id int); EXCEPTION WHEN duplicate_table THEN NULL; END $$;\n\
         DO $$ BEGIN ALTER TABLE t ADD COLUMN id int; EXCEPTION WHEN duplicate_column THEN RAISE NOTICE 'has it'; END $$;\n\
         DO $$ BEGIN DROP TABLE nowhere; EXCEPTION WHEN undefined_table THEN NULL; END $$;\n\
         DO $$ BEGIN ALTER TYPE nothing ADD VALUE 'x'; EXCEPTION WHEN undefined_object THEN CREATE TABLE handled (); END $$;",
    ]);
    assert_eq!(
        tables(&s),
        ["handled", "t"],
        "the block's CREATE TABLE made is undone"
    );
    assert_eq!(s.enums[0].labels.len(), 1);
    let err = pg_err(&[
        "CREATE TABLE t (id int);",
        "DO $$ BEGIN CREATE TABLE t (id int); EXCEPTION WHEN duplicate_object THEN NULL; END $$;",
    ]);
    assert!(
        err.contains("m/2_m.sql:1:") && err.contains("table t already exists"),
        "{err}"
    );
}

#[test]
fn execute_of_literals_and_format_replays_the_command() {
    let s = pg(&[
        "DO $$ BEGIN EXECUTE 'CREATE TABLE a (x int)'; EXECUTE format('CREATE TABLE %I (y %s)', 'b', 'text'); END $$;",
    ]);
    assert_eq!(tables(&s), ["a", "b"]);
}

#[test]
fn functions_and_procedures_replay_when_called() {
    let s = pg(&[
        "CREATE TABLE old (id int);\n\
         CREATE OR REPLACE FUNCTION cleanup() RETURNS void AS $$\nBEGIN\n  CREATE TABLE fresh (id int);\n  DROP TABLE old;\nEND;\n$$ LANGUAGE plpgsql;",
        "SELECT cleanup();",
        "CREATE PROCEDURE add_col() LANGUAGE sql AS $$ ALTER TABLE fresh ADD COLUMN note text; $$;\nCALL add_col();\n\
         CREATE FUNCTION later() RETURNS void LANGUAGE plpgsql AS 'BEGIN CREATE TABLE by_perform (); END';\n\
         DO $$ BEGIN PERFORM later(); END $$;",
    ]);
    assert_eq!(tables(&s), ["by_perform", "fresh"]);
    assert_eq!(
        s.tables
            .iter()
            .find(|t| t.name.name == "fresh")
            .unwrap()
            .columns
            .len(),
        2
    );
    // Defined but never called: nothing happens.
    assert_eq!(
        tables(&pg(&[
            "CREATE FUNCTION f() RETURNS void AS $$ BEGIN DROP TABLE x; END $$ LANGUAGE plpgsql;"
        ])),
        Vec::<String>::new()
    );
}

#[test]
fn what_depends_on_data_is_an_error_with_its_place_and_way_out() {
    let err = pg_err(&[
        "CREATE TABLE t (name text);\nDO $$\nDECLARE r record;\nBEGIN\n  FOR r IN SELECT name FROM t LOOP\n    EXECUTE 'DROP TABLE ' || r.name;\n  END LOOP;\nEND $$;",
    ]);
    assert!(
        err.starts_with("m/1_m.sql:5:3: a FOR loop: what it does depends on data"),
        "{err}"
    );
    assert!(err.contains("`-- migrate:statement 2`"), "{err}");
    let err = pg_err(&["DO $$ BEGIN EXECUTE 'DROP TABLE ' || some_var; END $$;"]);
    assert!(
        err.contains("m/1_m.sql:1:13: EXECUTE of a string built from `some_var`"),
        "{err}"
    );
    let err = pg_err(&[
        "DO $$ BEGIN IF (SELECT count(*) FROM pg_tables) > 3 THEN DROP TABLE t; END IF; END $$;",
    ]);
    assert!(
        err.contains("m/1_m.sql:1:16: cannot evaluate the condition"),
        "{err}"
    );
    let err = pg_err(&[
        "CREATE FUNCTION f(n int) RETURNS void AS $$ BEGIN IF n > 1 THEN CREATE TABLE x (); END IF; END $$ LANGUAGE plpgsql;",
        "SELECT f(2);",
    ]);
    assert!(
        err.contains("m/2_m.sql:1:1: cannot evaluate the condition `n > 1`")
            && err.contains("(in routine f, created at m/1_m.sql:1)"),
        "{err}"
    );
}

/// Sequences (made by CREATE SEQUENCE, serial, identity) and built-in types are in the
/// catalog as PostgreSQL has them (the differential fixture 6_sequences_and_types.sql checks
/// the same against the database).
#[test]
fn sequences_and_built_in_types_answer_as_postgres() {
    let setup = "CREATE SCHEMA app;\nCREATE SEQUENCE app.counter;\nCREATE SEQUENCE gone;\nDROP SEQUENCE gone;\nCREATE SEQUENCE old_name;\nALTER SEQUENCE old_name RENAME TO new_name;\nCREATE TABLE t (id serial PRIMARY KEY, n int GENERATED ALWAYS AS IDENTITY);";
    let cases = [
        (
            "EXISTS (SELECT 1 FROM pg_sequences WHERE schemaname = 'app' AND sequencename = 'counter')",
            true,
        ),
        (
            "EXISTS (SELECT 1 FROM pg_sequences WHERE sequencename = 'gone')",
            false,
        ),
        (
            "EXISTS (SELECT 1 FROM information_schema.sequences WHERE sequence_name = 'new_name')",
            true,
        ),
        (
            "EXISTS (SELECT 1 FROM information_schema.sequences WHERE sequence_name = 'old_name')",
            false,
        ),
        (
            "EXISTS (SELECT 1 FROM pg_class WHERE relkind = 'S' AND relname = 't_id_seq')",
            true,
        ),
        (
            "EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND c.relname = 't_n_seq' AND n.nspname = 'public')",
            true,
        ),
        ("to_regclass('app.counter') IS NOT NULL", true),
        (
            "EXISTS (SELECT 1 FROM pg_type WHERE typname = 'int4')",
            true,
        ),
        (
            "NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = '_text' AND n.nspname = 'pg_catalog')",
            false,
        ),
        (
            "EXISTS (SELECT 1 FROM pg_type WHERE typname = 'tstzrange' AND typtype = 'r')",
            true,
        ),
        (
            "EXISTS (SELECT 1 FROM pg_type WHERE typname = 'integer')",
            false,
        ),
        ("to_regtype('integer') IS NOT NULL", true),
    ];
    for (condition, expected) in cases {
        let block = format!(
            "DO $$ BEGIN IF {condition} THEN CREATE TABLE yes (); ELSE CREATE TABLE no (); END IF; END $$;"
        );
        let s = pg(&[setup, &block]);
        let made = if expected { "yes" } else { "no" };
        assert!(
            s.table(&Name::new(Some("public"), made)).is_some(),
            "{condition}: {:?}",
            tables(&s)
        );
    }
}

/// pg_indexes lists the indexes behind keys and exclusions; information_schema.columns lists
/// views' columns (found by the random-DDL test against PostgreSQL).
#[test]
fn key_indexes_and_view_columns_are_in_the_catalog() {
    let setup = "CREATE TABLE t (id int PRIMARY KEY, c text, d int4range, CONSTRAINT t_c UNIQUE (c), EXCLUDE USING gist (d WITH &&));\nCREATE VIEW v AS SELECT c AS shown FROM t;";
    let cases = [
        (
            "EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 't_pkey')",
            true,
        ),
        (
            "EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 't_c')",
            true,
        ),
        (
            "EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 't_d_excl')",
            true,
        ),
        (
            "EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 't_d_excl' AND contype = 'x')",
            true,
        ),
        (
            "EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'v' AND column_name = 'shown' AND is_nullable = 'YES')",
            true,
        ),
    ];
    for (condition, expected) in cases {
        let block = format!(
            "DO $$ BEGIN IF {condition} THEN CREATE TABLE yes (); ELSE CREATE TABLE no (); END IF; END $$;"
        );
        let s = pg(&[setup, &block]);
        let made = if expected { "yes" } else { "no" };
        assert!(
            s.table(&Name::new(Some("public"), made)).is_some(),
            "{condition}: {:?}",
            tables(&s)
        );
    }
}
