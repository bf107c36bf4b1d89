//! Each rule with a statement that breaks it and one that does not, on a table that existed
//! before the linted migrations (migration 1 is deployed; migration 2 is linted).

use super::{Finding, LintOptions, RULES, lint};
use crate::{Dialect, Migration, Script};

const BASE: &str = "CREATE TABLE users (id bigint PRIMARY KEY, email text, name varchar(20), age int);\n\
                    CREATE INDEX users_email ON users (email);\n\
                    CREATE TYPE mood AS ENUM ('ok');\n";

fn migration(version: i64, sql: &str, no_transaction: bool) -> Migration {
    migration_in(Dialect::Postgres, version, sql, no_transaction)
}

/// Migration `version` of a folder for `dialect` (shared with `sqlite_tests.rs`).
pub(super) fn migration_in(
    dialect: Dialect,
    version: i64,
    sql: &str,
    no_transaction: bool,
) -> Migration {
    let path = format!("migrations/{version}_m.sql");
    let up = Script::parse(path, sql.to_owned(), dialect, no_transaction)
        .unwrap_or_else(|e| panic!("{e:?}"));
    Migration {
        version: version.into(),
        name: "m".into(),
        up,
        down: None,
        replay: None,
    }
}

fn run(sql: &str, options: &LintOptions) -> Vec<Finding> {
    let migrations = [migration(1, BASE, false), migration(2, sql, false)];
    lint(&migrations, Dialect::Postgres, |i, _| i == 1, options)
}

fn rules_of(sql: &str) -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = run(sql, &LintOptions::default())
        .into_iter()
        .map(|f| f.rule)
        .filter(|r| *r != "lock-timeout")
        .collect();
    ids.dedup();
    ids
}

#[test]
fn each_rule_fails_its_bad_case_and_passes_its_good_one() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "create-index-concurrently",
            "CREATE INDEX users_name ON users (name);",
            "CREATE TABLE t (id bigint PRIMARY KEY, x text); CREATE INDEX t_x ON t (x);",
        ),
        (
            "drop-index-concurrently",
            "DROP INDEX users_email;",
            "SELECT 1;",
        ),
        ("reindex-concurrently", "REINDEX TABLE users;", "SELECT 1;"),
        (
            "constraint-not-valid",
            "ALTER TABLE users ADD CONSTRAINT age_ok CHECK (age > 0);",
            "ALTER TABLE users ADD CONSTRAINT age_ok CHECK (age > 0) NOT VALID;",
        ),
        (
            "set-not-null",
            "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
            "ALTER TABLE users ALTER COLUMN email DROP DEFAULT;",
        ),
        (
            "add-column-not-null-without-default",
            "ALTER TABLE users ADD COLUMN plan text NOT NULL;",
            "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';",
        ),
        (
            "add-column-volatile-default",
            "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();",
            "ALTER TABLE users ADD COLUMN seen timestamptz DEFAULT now();",
        ),
        (
            "change-column-type",
            "ALTER TABLE users ALTER COLUMN age TYPE bigint;",
            "ALTER TABLE users ALTER COLUMN name TYPE varchar(40);",
        ),
        (
            "add-unique-without-index",
            "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);",
            "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email;",
        ),
        (
            "rename",
            "ALTER TABLE users RENAME COLUMN name TO full_name;",
            "CREATE TABLE t (a text); ALTER TABLE t RENAME COLUMN a TO b;",
        ),
        (
            "drop-column",
            "ALTER TABLE users DROP COLUMN age;",
            "CREATE TABLE t (a text, b text); ALTER TABLE t DROP COLUMN b;",
        ),
        (
            "drop-table",
            "DROP TABLE users;",
            "CREATE TABLE t (a text); DROP TABLE t;",
        ),
        (
            "truncate-cascade",
            "TRUNCATE users CASCADE;",
            "TRUNCATE users;",
        ),
        (
            "prefer-identity",
            "CREATE TABLE t (id serial);",
            "CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY);",
        ),
        (
            "prefer-bigint-primary-key",
            "CREATE TABLE t (id int PRIMARY KEY);",
            "CREATE TABLE t (id bigint PRIMARY KEY);",
        ),
        (
            "prefer-timestamptz",
            "CREATE TABLE t (at timestamp);",
            "CREATE TABLE t (at timestamptz);",
        ),
        (
            "prefer-text",
            "CREATE TABLE t (code char(3));",
            "CREATE TABLE t (code text);",
        ),
        (
            "add-unique-without-index",
            "ALTER TABLE users ADD COLUMN handle text UNIQUE;",
            "ALTER TABLE users ADD COLUMN handle text;",
        ),
        (
            "drop-not-null",
            "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;",
            "CREATE TABLE t (a text NOT NULL); ALTER TABLE t ALTER COLUMN a DROP NOT NULL;",
        ),
        (
            "enum-label-removed",
            "ALTER TYPE mood RENAME VALUE 'ok' TO 'fine';",
            "CREATE TYPE t AS ENUM ('a'); ALTER TYPE t RENAME VALUE 'a' TO 'b';",
        ),
        (
            "enum-label-removed",
            "ALTER TYPE mood RENAME TO mood_old; CREATE TYPE mood AS ENUM ('fine'); DROP TYPE mood_old;",
            "ALTER TYPE mood ADD VALUE 'fine';",
        ),
        (
            "identifier-too-long",
            &*format!(
                "ALTER TABLE users ADD CONSTRAINT {} CHECK (age > 0) NOT VALID;",
                "k".repeat(64)
            ),
            &*format!(
                "ALTER TABLE users ADD CONSTRAINT {} CHECK (age > 0) NOT VALID;",
                "k".repeat(63)
            ),
        ),
        (
            "identifier-too-long",
            &*format!("CREATE INDEX {} ON t (a);", "i".repeat(70)),
            "CREATE INDEX i ON t (a);",
        ),
        (
            "change-column-type",
            "ALTER TABLE users ALTER COLUMN name TYPE varchar(10);",
            "ALTER TABLE users ALTER COLUMN name TYPE text;",
        ),
        (
            "change-column-type",
            "ALTER TABLE users ALTER COLUMN email TYPE varchar(100);",
            "ALTER TABLE users ALTER COLUMN email TYPE varchar;",
        ),
        (
            "change-column-type",
            "CREATE TABLE p (n numeric(10, 2)); INSERT INTO p VALUES (1); ALTER TABLE users ALTER COLUMN age TYPE numeric(10, 2);",
            "ALTER TABLE users ALTER COLUMN email TYPE text;",
        ),
        (
            "identifier-too-long",
            &*format!("CREATE TABLE t ({} text);", "c".repeat(64)),
            &*format!("CREATE TABLE t ({} text);", "c".repeat(63)),
        ),
    ];
    for (rule, bad, good) in cases {
        assert!(
            rules_of(bad).contains(rule),
            "{rule} not found in {bad:?}: {:?}",
            rules_of(bad)
        );
        assert!(
            !rules_of(good).contains(rule),
            "{rule} found in {good:?}: {:?}",
            rules_of(good)
        );
    }
    let tested: Vec<&str> = cases.iter().map(|c| c.0).collect();
    for rule in RULES {
        assert!(
            tested.contains(&rule.id)
                || rule.id.starts_with("sqlite-") // sqlite_tests.rs
                || rule.id.starts_with("mysql-") // mysql_tests.rs
                || [
                    "lock-timeout",
                    "add-enum-value-in-transaction",
                    "detach-partition-concurrently"
                ]
                .contains(&rule.id),
            "rule {} has no case here",
            rule.id
        );
    }
}

#[test]
fn lock_timeout_is_asked_for_before_a_strong_lock_on_an_existing_table() {
    let sql = "ALTER TABLE users ADD COLUMN bio text;";
    let ids = |sql: &str| -> Vec<&str> {
        run(sql, &LintOptions::default())
            .into_iter()
            .map(|f| f.rule)
            .collect()
    };
    assert_eq!(ids(sql), ["lock-timeout"]);
    assert!(ids(&format!("SET lock_timeout = '5s';\n{sql}")).is_empty());
    assert!(ids(&format!("SET LOCAL statement_timeout = '5s';\n{sql}")).is_empty());
    assert!(ids("CREATE TABLE t (a text); ALTER TABLE t ADD COLUMN b text;").is_empty());
}

#[test]
fn version_gated_rules_follow_the_postgres_version() {
    let old = LintOptions {
        postgres_version: 10,
        ..LintOptions::default()
    };
    let add_value = "ALTER TYPE mood ADD VALUE 'sad';";
    let has = |sql: &str, options: &LintOptions, rule: &str| {
        run(sql, options).iter().any(|f| f.rule == rule)
    };
    assert!(has(add_value, &old, "add-enum-value-in-transaction"));
    assert!(!has(
        add_value,
        &LintOptions::default(),
        "add-enum-value-in-transaction"
    ));
    // CONCURRENTLY exists from PostgreSQL 14: before, there is nothing better to suggest.
    let detach = "SET lock_timeout = '1s'; ALTER TABLE users DETACH PARTITION users_2020;";
    assert!(has(
        detach,
        &LintOptions::default(),
        "detach-partition-concurrently"
    ));
    assert!(!has(detach, &old, "detach-partition-concurrently"));
    let concurrently = [
        migration(1, BASE, false),
        migration(
            2,
            "ALTER TABLE users DETACH PARTITION users_2020 CONCURRENTLY;",
            true,
        ),
    ];
    assert!(
        !lint(
            &concurrently,
            Dialect::Postgres,
            |i, _| i == 1,
            &LintOptions::default()
        )
        .iter()
        .any(|f| f.rule == "detach-partition-concurrently")
    );
    let default = "SET lock_timeout = '1s'; ALTER TABLE users ADD COLUMN plan text DEFAULT 'free';";
    assert!(has(default, &old, "add-column-volatile-default"));
    assert!(!has(
        default,
        &LintOptions::default(),
        "add-column-volatile-default"
    ));
}

#[test]
fn allow_comments_silence_with_a_reason_and_are_findings_without_one() {
    let bad = "ALTER TABLE users DROP COLUMN age;";
    let rules = |sql: &str| -> Vec<&str> {
        run(sql, &LintOptions::default())
            .into_iter()
            .map(|f| f.rule)
            .filter(|r| *r != "lock-timeout")
            .collect()
    };
    assert_eq!(rules(bad), ["drop-column"]);
    assert!(
        rules(&format!(
            "-- migrate:allow drop-column unused since v2\n{bad}"
        ))
        .is_empty()
    );
    // On a later statement, the comment above that statement.
    assert!(
        rules(&format!(
            "SELECT 1;\n-- migrate:allow drop-column unused since v2\n{bad}"
        ))
        .is_empty()
    );
    assert_eq!(
        rules(&format!("-- migrate:allow drop-column\n{bad}")),
        ["allow-needs-reason", "drop-column"]
    );
    assert_eq!(
        rules(&format!("-- migrate:allow drop-columns typo\n{bad}")),
        ["allow-unknown-rule", "drop-column"]
    );
}

#[test]
fn findings_point_at_the_statement_and_disabled_rules_are_not_reported() {
    let sql = "SET lock_timeout = '1s';\n\nALTER TABLE users\n  DROP COLUMN age;";
    let findings = run(sql, &LintOptions::default());
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].path, "migrations/2_m.sql");
    assert_eq!(findings[0].at.line, 3);
    assert_eq!(findings[0].line_text, "ALTER TABLE users");
    assert!(
        findings[0].message.contains("users.age"),
        "{}",
        findings[0].message
    );
    let quiet = LintOptions {
        disabled: vec!["drop-column".into()],
        ..LintOptions::default()
    };
    assert!(run(sql, &quiet).is_empty());
}

#[test]
fn each_alone_judges_every_migration_against_the_ones_before_it() {
    let migrations = [
        migration(1, "CREATE TABLE t (a text);", false),
        migration(
            2,
            "SET lock_timeout = '1s'; ALTER TABLE t DROP COLUMN a;",
            false,
        ),
    ];
    let together = lint(
        &migrations,
        Dialect::Postgres,
        |_, _| true,
        &LintOptions::default(),
    );
    assert!(together.is_empty(), "{together:?}");
    let alone = LintOptions {
        each_alone: true,
        ..LintOptions::default()
    };
    let rules: Vec<&str> = lint(&migrations, Dialect::Postgres, |_, _| true, &alone)
        .into_iter()
        .map(|f| f.rule)
        .collect();
    assert_eq!(rules, ["drop-column"]);
}

#[test]
fn binary_coercible_type_changes_are_free_and_the_rest_rewrite() {
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::parser::Parser;
    let free = |old: &str, new: &str| {
        let ty = Parser::new(&PostgreSqlDialect {})
            .try_with_sql(new)
            .unwrap()
            .parse_data_type()
            .unwrap();
        super::types::free_type_change(Some(old), &ty)
    };
    for (old, new) in [
        ("character varying(20)", "varchar(40)"),
        ("varchar(20)", "text"),
        ("text", "varchar"),
        ("numeric(10,2)", "numeric(12, 2)"),
        ("numeric(10,2)", "numeric"),
        ("cidr", "inet"),
        ("bigint", "bigint"),
    ] {
        assert!(free(old, new), "{old} -> {new} should be free");
    }
    for (old, new) in [
        ("varchar(20)", "varchar(10)"),
        ("text", "varchar(10)"),
        ("numeric(10,2)", "numeric(12, 3)"),
        ("numeric", "numeric(10,2)"),
        ("integer", "bigint"),
        ("inet", "cidr"),
        ("timestamp", "timestamptz"),
    ] {
        assert!(!free(old, new), "{old} -> {new} rewrites");
    }
}

/// Cases found on real folders (lemmy): each was a false or a doubled finding.
#[test]
fn what_real_folders_taught() {
    // A column renamed, then retyped, in one migration: its old type is known by its old name.
    let retyped = "SET lock_timeout = '1s';\nALTER TABLE users RENAME COLUMN name TO full_name;\nALTER TABLE users ALTER COLUMN full_name TYPE text;";
    assert_eq!(rules_of(retyped), ["rename"]);
    let narrowed = "SET lock_timeout = '1s';\nALTER TABLE users RENAME COLUMN name TO full_name;\nALTER TABLE users ALTER COLUMN full_name TYPE varchar(5);";
    let found = run(narrowed, &LintOptions::default());
    assert!(
        found.iter().any(|f| f.rule == "change-column-type"
            && f.message
                == "users.full_name changes type from character varying(20) to VARCHAR(5)"),
        "{found:?}"
    );
    // A label renamed, and the type named again later: one finding, not two.
    let renamed = "ALTER TYPE mood RENAME VALUE 'ok' TO 'fine';\nCOMMENT ON TYPE mood IS 'x';";
    assert_eq!(rules_of(renamed), ["enum-label-removed"]);
    // A schema of views and functions only loses no data; one with a table does.
    let schemas = [
        migration(
            1,
            &format!(
                "{BASE}CREATE SCHEMA r;\nCREATE SCHEMA keep;\nCREATE TABLE keep.t (a text);\n"
            ),
            false,
        ),
        migration(
            2,
            "DROP SCHEMA r CASCADE;\nDROP SCHEMA keep CASCADE;",
            false,
        ),
    ];
    let found: Vec<String> = lint(
        &schemas,
        Dialect::Postgres,
        |i, _| i == 1,
        &LintOptions::default(),
    )
    .into_iter()
    .map(|f| f.message)
    .collect();
    assert_eq!(found, ["DROP SCHEMA keep"]);
}
