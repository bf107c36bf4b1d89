//! `cargo migrate rows`: every mismatch of every derived row type and enum of a crate at once,
//! from the derives' own engine, each with its one-line fix; exit code 1 when there is one.

use crate::support::Project;
use snapbox::str;

const MIGRATION: &str = "\
CREATE TYPE task_status AS ENUM ('todo', 'doing', 'done');
CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL,
    nickname TEXT DEFAULT 'anon',
    karma INT NOT NULL DEFAULT 0,
    bio TEXT
);
CREATE TABLE tasks (
    id BIGSERIAL PRIMARY KEY,
    status task_status NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('bug', 'feature')),
    score BIGINT
);
ALTER TABLE users RENAME COLUMN bio TO about;
";

/// Several wrong row types over two files, one in an inline module.
const LIB: &str = r#"use migrate_runtime::{DbEnum, Table};

#[derive(sqlx::FromRow, Table)]
#[migrate(table = "users")]
struct User {
    id: i64,
    email: String,
    nickname: String,
    karma: i64,
    bio: Option<String>,
}

#[derive(sqlx::FromRow, Table)]
struct Account {
    id: i64,
}

#[derive(sqlx::Type, DbEnum)]
#[sqlx(type_name = "task_status", rename_all = "snake_case")]
enum Status {
    Todo,
    Doing,
    Done,
}

#[derive(sqlx::Type, DbEnum)]
#[sqlx(rename_all = "lowercase")]
#[migrate(check = "tasks.kind")]
enum Kind {
    Bug,
    Feature,
    Chore,
}

mod model;
"#;

const MODEL: &str = r#"#[derive(sqlx::FromRow, migrate_runtime::Table)]
#[migrate(table = "tasks")]
pub struct Task {
    pub id: i64,
    pub status: super::Kind,
    pub kind: super::Kind,
    pub score: i64,
    pub label: Label,
}

pub struct Label(String);
"#;

fn project() -> Project {
    let p = Project::new("dialect = \"postgres\"");
    p.write("migrations/1_init.sql", MIGRATION);
    p.write("src/lib.rs", LIB);
    p.write("src/model.rs", MODEL);
    p
}

#[test]
fn every_mismatch_of_the_crate_at_once_with_a_fix_each() {
    let p = project();
    let out = p.run(&["rows"]).expect(1);
    let expected = "\
src/lib.rs:8: User.nickname: column `users.nickname` can be NULL (migrations/1_init.sql:5), but the field is not an Option: a NULL fails to decode at run time; fix: make it `Option<String>` (or add NOT NULL to `nickname` in a migration, or mark the field #[migrate(not_null)] if your queries never return NULL)
src/lib.rs:9: User.karma: `i64` cannot read column `users.karma`, which is `integer` (migrations/1_init.sql:6); fix: make it `i32`
src/lib.rs:10: User.bio: table `users` has no column `bio`; it was renamed to `about` by migrations/1_init.sql:15; fix: #[sqlx(rename = \"about\")] (or rename the field)
src/lib.rs:14: Account: no table or view `account` in the schema that migrations/ produces; fix: set #[migrate(table = \"…\")] to one of them, or create table `account` in a migration
src/lib.rs:32: Kind.Chore: written as 'chore', which `CHECK (kind IN (…))` on `tasks.kind` (CHECK `tasks_kind_check` at migrations/1_init.sql:12) does not have: its labels are 'bug', 'feature'; fix: add the label 'chore' in a migration, or remove the variant
src/model.rs:5: Task.status: column `tasks.status` is the enum type `task_status` (migrations/1_init.sql:11); field `status: super::Kind` must be a #[derive(DbEnum)] enum with #[sqlx(type_name = \"task_status\")]; fix: use a #[derive(DbEnum)] enum with #[sqlx(type_name = \"task_status\")]
src/model.rs:7: Task.score: column `tasks.score` can be NULL (migrations/1_init.sql:13), but the field is not an Option: a NULL fails to decode at run time; fix: make it `Option<i64>` (or add NOT NULL to `score` in a migration, or mark the field #[migrate(not_null)] if your queries never return NULL)
src/model.rs:8: Task.label: table `tasks` has no column `label`; fix: add column `label` in a new migration, or mark the field #[sqlx(skip)] or #[sqlx(default)]
";
    assert_eq!(out.stdout, expected, "stderr:\n{}", out.stderr);
    out.stderr_eq(&p, str![[r#"
     Checked 3 row type(s) and 2 enum(s) in 2 file(s) against the schema of migrations: 8 mismatch(es)

"#]]);
}

#[test]
fn json_lists_the_same_mismatches_and_what_is_left_to_the_compiler() {
    let p = project();
    // A newtype the command cannot see into: left to the build's ColumnType check.
    p.write(
        "src/model.rs",
        "#[derive(sqlx::FromRow, migrate_runtime::Table)]\n#[migrate(table = \"tasks\")]\n\
         pub struct Task {\n    pub id: Id,\n    pub status: super::Status,\n    pub kind: super::Kind,\n    pub score: Option<i64>,\n}\n",
    );
    let out = p.run(&["rows", "--format", "json"]).expect(1);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON on stdout");
    let mismatches = json["mismatches"].as_array().unwrap();
    let subjects: Vec<String> = mismatches
        .iter()
        .map(|m| format!("{}:{} {}.{}", m["file"], m["line"], m["item"], m["member"]))
        .collect();
    assert_eq!(
        subjects,
        [
            "\"src/lib.rs\":8 \"User\".\"nickname\"",
            "\"src/lib.rs\":9 \"User\".\"karma\"",
            "\"src/lib.rs\":10 \"User\".\"bio\"",
            "\"src/lib.rs\":14 \"Account\".null",
            "\"src/lib.rs\":32 \"Kind\".\"Chore\"",
        ]
    );
    assert_eq!(mismatches[1]["fix"], "make it `i32`");
    assert_eq!(json["checked"]["tables"], 3);
    let left = json["left_to_the_compiler"].as_array().unwrap();
    assert_eq!(left.len(), 1, "{left:#?}");
    assert_eq!(left[0]["member"], "id");
    assert_eq!(left[0]["type"], "Id");
}

#[test]
fn a_crate_whose_rows_match_exits_zero() {
    let p = Project::new("dialect = \"sqlite\"");
    p.write(
        "migrations/1_init.sql",
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('a', 'b')));\n",
    );
    p.write(
        "src/main.rs",
        "#[derive(migrate_runtime::Table)]\n#[migrate(table = \"notes\")]\nstruct Note { id: i64, body: String, kind: Kind }\n\
         #[derive(migrate_runtime::DbEnum)]\n#[migrate(check = \"notes.kind\")]\n#[sqlx(rename_all = \"lowercase\")]\nenum Kind { A, B }\nfn main() {}\n",
    );
    // Not part of this package: a nested package's files are its own.
    p.write("nested/Cargo.toml", "[package]\nname = \"nested\"\n");
    p.write(
        "nested/src/lib.rs",
        "#[derive(migrate_runtime::Table)]\nstruct Nowhere { id: i64 }\n",
    );
    let out = p.run(&["rows"]).expect(0);
    assert_eq!(out.stdout, "");
    out.stderr_eq(
        &p,
        str![[r#"
     Checked 1 row type(s) and 1 enum(s) in 1 file(s) against the schema of migrations: no mismatch

"#]],
    );
}

#[test]
fn migrations_that_do_not_replay_are_reported_once_and_fail() {
    let p = Project::new("dialect = \"postgres\"");
    p.write(
        "migrations/1_init.sql",
        "ALTER TABLE nowhere ADD COLUMN x int;\n",
    );
    p.write("src/lib.rs", LIB);
    let out = p.run(&["rows"]).expect(1);
    out.stderr_eq(&p, str![[r#"
error: the migrations do not replay: migrations/1_init.sql:1:1: there is no table nowhere at this point
  way out, without editing the migration: in `migrations/.replay/1_init.sql` write `-- migrate:statement 1` and under it the DDL this statement amounts to, or `-- migrate:statement 1 skip` if it changes no table, column or type (see "Replay overrides" in the cargo-migrate book, docs/src/replay.md); in a file not yet applied, `-- migrate:replay <DDL>` or `-- migrate:replay-skip` on the line above the statement also works
error: no schema to check the row types against: the migrations of migrations have 1 error(s); fix them (or give a statement a replay override), then run this again

"#]]);
    assert_eq!(out.stdout, "");
}
