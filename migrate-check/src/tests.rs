//! The derives' checks, on schemas replayed from SQL, without a compiler in the loop (the
//! spans and the generated constants are covered by `ui-tests/`).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

use migrate_core::{Dialect, Migration, Script};
use proc_macro2::{Span, TokenStream};

use crate::Loaded;

thread_local! {
    static SCHEMA: RefCell<Option<Arc<Loaded>>> = const { RefCell::new(None) };
}

pub(crate) fn given(dialect: Dialect, files: &[&str]) {
    let migrations: Vec<Migration> = files
        .iter()
        .enumerate()
        .map(|(i, sql)| Migration {
            version: (i as i64 + 1).into(),
            name: "m".into(),
            up: Script::parse(
                format!("migrations/{}_m.sql", i + 1),
                (*sql).to_owned(),
                dialect,
                false,
            )
            .unwrap_or_else(|e| panic!("{e:?}")),
            down: None,
            replay: None,
        })
        .collect();
    let schema =
        migrate_core::replay::replay(&migrations, dialect).unwrap_or_else(|e| panic!("{e}"));
    let mut types = BTreeMap::new();
    types.insert("vector".to_owned(), "pgvector::Vector".to_owned());
    SCHEMA.with(|s| {
        *s.borrow_mut() = Some(Arc::new(Loaded {
            schema,
            types,
            dir: "migrations".to_owned(),
        }));
    });
}

pub(crate) fn from_thread(_: Span) -> syn::Result<Arc<Loaded>> {
    Ok(SCHEMA.with(|s| s.borrow().clone().expect("call given() first")))
}

fn table(item: &str) -> Result<TokenStream, Vec<String>> {
    let input = syn::parse_str(item).unwrap();
    outcome(crate::table(&input, &from_thread))
}

fn db_enum(item: &str) -> Result<TokenStream, Vec<String>> {
    let input = syn::parse_str(item).unwrap();
    outcome(crate::db_enum(&input, &from_thread))
}

fn outcome(checked: crate::Checked) -> Result<TokenStream, Vec<String>> {
    match checked.errors.to_error() {
        None => Ok(checked.tokens),
        Some(e) => Err(e.into_iter().map(|e| e.to_string()).collect()),
    }
}

fn one_error(result: Result<TokenStream, Vec<String>>) -> String {
    let errors = result.expect_err("expected an error");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.into_iter().next().unwrap()
}

const PG: &[&str] = &[
    "CREATE TYPE task_status AS ENUM ('todo', 'in_progress', 'done');
     CREATE TABLE users (id BIGSERIAL PRIMARY KEY, email VARCHAR(320) NOT NULL, \"displayName\" TEXT,
        mfa_enabled BOOLEAN NOT NULL DEFAULT false, created_at TIMESTAMPTZ NOT NULL DEFAULT now());
     CREATE TABLE tasks (id SERIAL PRIMARY KEY, title TEXT NOT NULL, status task_status NOT NULL,
        due DATE, tags TEXT[] NOT NULL DEFAULT '{}', embedding vector(3));
     CREATE TABLE legacy (id INT);",
    "ALTER TABLE users ALTER COLUMN mfa_enabled TYPE JSONB USING to_jsonb(mfa_enabled);
     ALTER TYPE task_status ADD VALUE 'archived';
     DROP TABLE legacy;",
];

#[test]
fn a_matching_struct_compiles_and_lists_its_columns() {
    given(Dialect::Postgres, PG);
    let tokens = table(
        "#[migrate(table = \"users\")]
         struct User { id: i64, email: String, #[sqlx(rename = \"displayName\")] display_name: Option<String>,
            mfa_enabled: serde_json::Value, created_at: chrono::DateTime<chrono::Utc> }",
    )
    .unwrap()
    .to_string();
    assert!(tokens.contains("\"displayName\""), "{tokens}");
    assert!(
        tokens.contains("const TABLE : & 'static str = \"users\""),
        "{tokens}"
    );
}

#[test]
fn a_column_the_migrations_never_added_is_named_with_the_closest() {
    given(Dialect::Postgres, PG);
    let e = one_error(table(
        "#[migrate(table = \"users\")] struct User { id: i64, avatar_url: Option<String>, emial: String }",
    )
    .map(|_| TokenStream::new())
    .map_err(|mut v| {
        v.retain(|m| m.contains("avatar_url"));
        v
    }));
    assert!(
        e.contains("table `users` has no column `avatar_url`"),
        "{e}"
    );
    assert!(e.contains("cargo migrate new"), "{e}");
    let all = table(
        "#[migrate(table = \"users\")] struct User { id: i64, emial: String, avatar_url: String }",
    )
    .unwrap_err();
    assert_eq!(all.len(), 2, "every error of the item at once: {all:#?}");
    assert!(all[0].contains("did you mean `email`?"), "{}", all[0]);
}

#[test]
fn a_column_whose_type_changed_is_refused_with_where_it_changed() {
    given(Dialect::Postgres, PG);
    let e = one_error(table(
        "#[migrate(table = \"users\")] struct User { id: i64, mfa_enabled: bool }",
    ));
    assert!(e.contains("`jsonb`"), "{e}");
    assert!(e.contains("migrations/2_m.sql:1"), "{e}");
    assert!(e.contains("serde_json::Value"), "{e}");
}

#[test]
fn postgres_integers_are_strict_both_ways() {
    given(Dialect::Postgres, PG);
    let e = one_error(table("#[migrate(table = \"tasks\")] struct T { id: i64 }"));
    assert!(e.contains("`integer`") && e.contains("`i32`"), "{e}");
    let e = one_error(table("#[migrate(table = \"users\")] struct U { id: i32 }"));
    assert!(e.contains("`bigint`") && e.contains("`i64`"), "{e}");
}

#[test]
fn a_nullable_column_needs_an_option_or_the_escape_hatch() {
    given(Dialect::Postgres, PG);
    let e = one_error(table(
        "#[migrate(table = \"tasks\")] struct T { due: chrono::NaiveDate }",
    ));
    assert!(
        e.contains("can be NULL") && e.contains("Option<chrono::NaiveDate>"),
        "{e}"
    );
    table("#[migrate(table = \"tasks\")] struct T { #[migrate(not_null)] due: chrono::NaiveDate }")
        .unwrap();
}

#[test]
fn a_dropped_table_says_which_migration_dropped_it() {
    given(Dialect::Postgres, PG);
    let e = one_error(table("#[migrate(table = \"legacy\")] struct L { id: i32 }"));
    assert!(
        e.contains("dropped") && e.contains("migrations/2_m.sql:3"),
        "{e}"
    );
    let e = one_error(table("#[migrate(table = \"taks\")] struct L { id: i32 }"));
    assert!(e.contains("did you mean `tasks`?"), "{e}");
}

#[test]
fn rename_all_camel_case_reads_prisma_style_columns() {
    given(
        Dialect::Postgres,
        &[
            "CREATE TABLE \"User\" (id TEXT PRIMARY KEY, \"createdAt\" TIMESTAMP(3) NOT NULL, \"avatarUrl\" TEXT);",
        ],
    );
    table(
        "#[migrate(table = \"User\")] #[sqlx(rename_all = \"camelCase\")]
         struct User { id: String, created_at: chrono::NaiveDateTime, avatar_url: Option<String>, #[sqlx(skip)] cache: Vec<u8> }",
    )
    .unwrap();
}

#[test]
fn enum_columns_need_a_db_enum_of_that_type() {
    given(Dialect::Postgres, PG);
    let e = one_error(table(
        "#[migrate(table = \"tasks\")] struct T { status: String }",
    ));
    assert!(
        e.contains("enum type `task_status`") && e.contains("DbEnum"),
        "{e}"
    );
    let tokens = table("#[migrate(table = \"tasks\")] struct T { status: TaskStatus }")
        .unwrap()
        .to_string();
    assert!(
        tokens.contains("Kind :: Enum (\"task_status\")"),
        "{tokens}"
    );
    assert!(
        tokens.contains("< TaskStatus as :: migrate_runtime :: ColumnType > :: KIND"),
        "{tokens}"
    );
}

#[test]
fn arrays_json_try_from_and_extension_types() {
    given(Dialect::Postgres, PG);
    table(
        "#[migrate(table = \"tasks\")] struct T { tags: Vec<String>, embedding: Option<pgvector::Vector> }",
    )
    .unwrap();
    let e = one_error(table(
        "#[migrate(table = \"tasks\")] struct T { tags: Vec<i32> }",
    ));
    assert!(e.contains("text[]"), "{e}");
    let e = one_error(table(
        "#[migrate(table = \"tasks\")] struct T { embedding: Option<Vec<f32>> }",
    ));
    assert!(e.contains("maps to `pgvector::Vector`"), "{e}");
    table("#[migrate(table = \"users\")] struct U { #[sqlx(json)] mfa_enabled: Prefs }").unwrap();
    let e = one_error(table(
        "#[migrate(table = \"users\")] struct U { #[sqlx(json)] email: Prefs }",
    ));
    assert!(e.contains("read as JSON"), "{e}");
    table("#[migrate(table = \"tasks\")] struct T { #[sqlx(try_from = \"i32\")] id: u64 }")
        .unwrap();
    let e = one_error(table(
        "#[migrate(table = \"tasks\")] struct T { #[sqlx(try_from = \"i64\")] id: u64 }",
    ));
    assert!(e.contains("`integer`"), "{e}");
}

#[test]
fn escape_hatches_declare_or_skip_the_type() {
    given(Dialect::Postgres, PG);
    table("#[migrate(table = \"users\")] struct U { #[migrate(sql_type = \"int8\")] id: UserId }")
        .unwrap();
    let e = one_error(table(
        "#[migrate(table = \"users\")] struct U { #[migrate(sql_type = \"int4\")] id: UserId }",
    ));
    assert!(e.contains("is `bigint`") && e.contains("not `int4`"), "{e}");
    table("#[migrate(table = \"users\")] struct U { #[migrate(unchecked)] id: UserId }").unwrap();
    let e = one_error(table(
        "#[migrate(table = \"users\")] struct U { #[migrate(bogus)] id: i64 }",
    ));
    assert!(e.contains("unknown `migrate` attribute"), "{e}");
}

#[test]
fn newtypes_and_aliases_are_checked_through_column_type() {
    given(Dialect::Postgres, PG);
    let tokens = table("#[migrate(table = \"users\")] struct U { id: UserId }")
        .unwrap()
        .to_string();
    assert!(
        tokens.contains("[:: migrate_runtime :: Kind :: I64]"),
        "only i64 reads bigint: {tokens}"
    );
    let e = one_error(table("#[migrate(table = \"users\")] struct U<T> { id: T }"));
    assert!(e.contains("generic"), "{e}");
}

#[test]
fn sqlite_checks_by_affinity_and_knows_the_rowid() {
    given(
        Dialect::Sqlite,
        &["CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, score REAL, kind TEXT NOT NULL CHECK (kind IN ('todo', 'done')));
          CREATE TABLE codes (code TEXT PRIMARY KEY, n INT);"],
    );
    table("#[migrate(table = \"notes\")] struct N { id: i64, body: String, score: Option<f64>, kind: String }")
        .unwrap();
    let e = one_error(table(
        "#[migrate(table = \"codes\")] struct C { code: String }",
    ));
    assert!(
        e.contains("`codes.code` is a PRIMARY KEY without NOT NULL")
            && e.contains("SQLite's legacy rule lets such a column hold NULL")
            && e.contains("INTEGER PRIMARY KEY, or make the table STRICT or WITHOUT ROWID"),
        "{e}"
    );
    let e = one_error(table(
        "#[migrate(table = \"notes\")] struct N { body: i64 }",
    ));
    assert!(e.contains("`TEXT`"), "{e}");
    let e = one_error(table("#[migrate(table = \"codes\")] struct C { n: i64 }"));
    assert!(
        e.contains("`codes.n` can be NULL")
            && e.contains(
                "sqlx reads a NULL into `i64` as 0 without an error, a silently wrong value"
            ),
        "{e}"
    );
}

#[test]
fn every_error_of_every_field_at_once() {
    given(Dialect::Postgres, PG);
    let errors = table(
        "#[migrate(table = \"users\")] struct U { #[sqlx(rename = \"displayName\")] display_name: Vec<String>, mfa_enabled: bool, nope: i64 }",
    )
    .expect_err("three fields, four errors");
    assert_eq!(errors.len(), 4, "{errors:#?}");
    assert!(
        errors[0].contains("`users.displayName` can be NULL"),
        "{errors:#?}"
    );
    assert!(
        errors[1].contains("field `display_name: Vec<String>` cannot read"),
        "{errors:#?}"
    );
    assert!(
        errors[2].contains("field `mfa_enabled: bool` cannot read"),
        "{errors:#?}"
    );
    assert!(errors[3].contains("no column `nope`"), "{errors:#?}");
}

#[test]
fn a_try_from_field_gets_advice_that_fits_it() {
    given(Dialect::Postgres, PG);
    let e = one_error(table(
        "#[migrate(table = \"users\")] struct U { #[sqlx(try_from = \"String\", rename = \"displayName\")] display_name: Name }",
    ));
    assert!(
        e.contains("sqlx's try_from cannot convert a NULL") && !e.contains("use `Option<String>`"),
        "{e}"
    );
}

#[test]
fn db_enum_labels_follow_sqlx_renaming() {
    given(Dialect::Postgres, PG);
    let tokens = db_enum(
        "#[sqlx(type_name = \"task_status\", rename_all = \"snake_case\")]
         enum TaskStatus { Todo, InProgress, Done, Archived }",
    )
    .unwrap()
    .to_string();
    assert!(tokens.contains("\"in_progress\""), "{tokens}");
}

#[test]
fn db_enum_a_label_that_no_longer_exists_shows_the_labels() {
    given(Dialect::Postgres, PG);
    let e = one_error(db_enum(
        "#[sqlx(type_name = \"task_status\", rename_all = \"lowercase\")]
         #[migrate(non_exhaustive)]
         enum TaskStatus { Pending, Done }",
    ));
    assert!(
        e.contains("variant `Pending` is written as 'pending'"),
        "{e}"
    );
    assert!(
        e.contains("'todo', 'in_progress', 'done', 'archived'"),
        "{e}"
    );
    assert!(
        !e.contains("rename"),
        "'pending' is another state, not a spelling of a label: {e}"
    );
}

#[test]
fn db_enum_suggests_a_rename_only_for_a_spelling_variant() {
    given(Dialect::Postgres, PG);
    let e = one_error(db_enum(
        "#[sqlx(type_name = \"task_status\", rename_all = \"lowercase\")]
         #[migrate(non_exhaustive)]
         enum TaskStatus { Todo, InProgress }",
    ));
    assert!(
        e.contains("'in_progress' looks like the same word")
            && e.contains("#[sqlx(rename = \"in_progress\")]"),
        "{e}"
    );
}

#[test]
fn db_enum_a_label_without_a_variant_is_refused_unless_non_exhaustive() {
    given(Dialect::Postgres, PG);
    let e = one_error(db_enum(
        "#[sqlx(type_name = \"task_status\", rename_all = \"snake_case\")] enum S { Todo, InProgress, Done }",
    ));
    assert!(
        e.contains("the label 'archived' (migrations/2_m.sql:2) with no variant"),
        "{e}"
    );
    assert!(e.contains("non_exhaustive"), "{e}");
}

#[test]
fn db_enum_a_type_never_created_is_an_error() {
    given(Dialect::Postgres, PG);
    let e = one_error(db_enum(
        "#[sqlx(type_name = \"project_status\")] enum ProjectStatus { Active }",
    ));
    assert!(e.contains("no enum type `project_status`"), "{e}");
    assert!(e.contains("type \"project_status\" does not exist"), "{e}");
    // sqlx's default type name is the Rust name, which PostgreSQL folds to lower case.
    let e = one_error(db_enum("enum TaskStatus { Todo }"));
    assert!(
        e.contains("no enum type `taskstatus`") && e.contains("did you mean `task_status`?"),
        "{e}"
    );
}

#[test]
fn db_enum_checks_a_check_list_and_repr_enums_are_integers() {
    given(
        Dialect::Sqlite,
        &[
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('todo', 'done')));",
        ],
    );
    db_enum("#[migrate(check = \"notes.kind\")] #[sqlx(rename_all = \"lowercase\")] enum Kind { Todo, Done }").unwrap();
    let e = one_error(db_enum(
        "#[migrate(check = \"notes.kind\")] #[sqlx(rename_all = \"lowercase\")] enum Kind { Todo, Pending, Done }",
    ));
    assert!(
        e.contains("'pending'") && e.contains("CHECK (kind IN"),
        "{e}"
    );
    let tokens = db_enum("#[repr(i32)] enum Level { Low = 1, High = 2 }")
        .unwrap()
        .to_string();
    assert!(tokens.contains("Kind :: I32"), "{tokens}");
}

#[test]
fn columns_the_build_cannot_judge_need_the_field_marked() {
    given(
        Dialect::Sqlite,
        &[
            "CREATE TABLE bag (id INTEGER PRIMARY KEY, anything NOT NULL, typed ANY NOT NULL) STRICT;",
        ],
    );
    let e = one_error(table(
        "#[migrate(table = \"bag\")] struct B { anything: i64 }",
    ));
    assert!(
        e.contains("`bag.anything`") && e.contains("#[migrate(unchecked)]"),
        "{e}"
    );
    assert!(
        !e.contains("sql_type"),
        "an untyped column has no type to name: {e}"
    );
    let e = one_error(table(
        "#[migrate(table = \"bag\")] struct B { typed: String }",
    ));
    assert!(e.contains("#[migrate(sql_type = \"ANY\")]"), "{e}");
    let e = one_error(table(
        "#[migrate(table = \"bag\")] struct B { typed: Score }",
    ));
    assert!(e.contains("field `typed: Score`"), "{e}");
    table(
        "#[migrate(table = \"bag\")] struct B { #[migrate(unchecked)] anything: i64, #[migrate(sql_type = \"ANY\")] typed: String }",
    )
    .unwrap();

    given(
        Dialect::Postgres,
        &["CREATE TABLE hosts (id BIGINT PRIMARY KEY, addr INET NOT NULL, doc TSVECTOR NOT NULL);"],
    );
    let e = one_error(table(
        "#[migrate(table = \"hosts\")] struct H { doc: search::Tsv }",
    ));
    assert!(
        e.contains("[package.metadata.migrate.types]")
            && e.contains("\"tsvector\" = \"search::Tsv\""),
        "{e}"
    );
    table("#[migrate(table = \"hosts\")] struct H { addr: ipnetwork::IpNetwork }")
        .expect("sqlx decodes inet into IpNetwork");
    let e = one_error(table(
        "#[migrate(table = \"hosts\")] struct H { addr: String }",
    ));
    assert!(
        e.contains("cannot read"),
        "a known Rust type is judged: {e}"
    );
}

const TWO_CHECKS: &[&str] = &[
    "CREATE TABLE q (id BIGINT PRIMARY KEY,
        status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'cancelled')));",
    "ALTER TABLE q ADD CONSTRAINT c2 CHECK (status IN ('pending', 'done'));",
];

#[test]
fn db_enum_check_lists_allow_the_intersection_of_every_check_in_force() {
    given(Dialect::Postgres, TWO_CHECKS);
    db_enum(
        "#[migrate(check = \"q.status\")] #[sqlx(rename_all = \"lowercase\")]
         enum S { Pending, Done }",
    )
    .expect("exactly the labels both checks allow");
    let e = one_error(db_enum(
        "#[migrate(check = \"q.status\")] #[sqlx(rename_all = \"lowercase\")]
         enum S { Pending, Done, Cancelled }",
    ));
    assert!(
        e.contains("variant `Cancelled` is written as 'cancelled', which CHECK `c2` (migrations/2_m.sql:1) refuses though CHECK `q_status_check` (migrations/1_m.sql:2) allows it"),
        "{e}"
    );

    let mut dropped = TWO_CHECKS.to_vec();
    dropped.push("ALTER TABLE q DROP CONSTRAINT c2;");
    given(Dialect::Postgres, &dropped);
    db_enum(
        "#[migrate(check = \"q.status\")] #[sqlx(rename_all = \"lowercase\")]
         enum S { Pending, Done, Cancelled }",
    )
    .expect("a dropped check stops counting");
    let e = one_error(db_enum(
        "#[migrate(check = \"q.status\")] #[sqlx(rename_all = \"lowercase\")]
         enum S { Pending, Done }",
    ));
    assert!(
        e.contains("'cancelled' (migrations/1_m.sql:2) with no variant"),
        "{e}"
    );
}

#[test]
fn a_column_dropped_or_renamed_later_says_where_it_went() {
    given(
        Dialect::Postgres,
        &[
            "CREATE TABLE t (id BIGINT PRIMARY KEY, old_name TEXT NOT NULL, legacy TEXT NOT NULL);",
            "ALTER TABLE t RENAME COLUMN old_name TO new_name;\nALTER TABLE t DROP COLUMN legacy;",
        ],
    );
    let e = one_error(table(
        "#[migrate(table = \"t\")] struct T { old_name: String }",
    ));
    assert!(
        e.contains("it was renamed to `new_name` by migrations/2_m.sql:1")
            && e.contains("#[sqlx(rename = \"new_name\")]"),
        "{e}"
    );
    let e = one_error(table(
        "#[migrate(table = \"t\")] struct T { legacy: String }",
    ));
    assert!(
        e.contains("it was dropped by migrations/2_m.sql:2")
            && !e.contains("add it in a new migration"),
        "{e}"
    );
}

const MYSQL: &[&str] = &["CREATE TABLE tasks (
  id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  done BOOLEAN NOT NULL,
  status ENUM('todo', 'in_progress', 'done') NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);"];

#[test]
fn mysql_unsigned_boolean_and_timestamp_columns_follow_sqlx() {
    given(Dialect::Mysql, MYSQL);
    table("#[migrate(table = \"tasks\")] struct T { id: u32, done: bool, created_at: chrono::DateTime<chrono::Utc> }").unwrap();
    let e = one_error(table("#[migrate(table = \"tasks\")] struct T { id: i64 }"));
    assert!(e.contains("`int unsigned`") && e.contains("`u32`"), "{e}");
    let e = one_error(table(
        "#[migrate(table = \"tasks\")] struct T { created_at: chrono::NaiveDateTime }",
    ));
    assert!(
        e.contains("`timestamp`") && e.contains("DateTime<Utc>"),
        "{e}"
    );
}

#[test]
fn mysql_enum_columns_are_their_own_enum_types() {
    given(Dialect::Mysql, MYSQL);
    db_enum(
        "#[migrate(check = \"tasks.status\")] #[sqlx(rename_all = \"snake_case\")] enum S { Todo, InProgress, Done }",
    )
    .unwrap();
    let e = one_error(db_enum(
        "#[migrate(check = \"tasks.status\", non_exhaustive)] #[sqlx(rename_all = \"snake_case\")] enum S { Todo, Pending }",
    ));
    assert!(
        e.contains("variant `Pending` is written as 'pending'"),
        "{e}"
    );
    assert!(e.contains("'todo', 'in_progress', 'done'"), "{e}");
}
