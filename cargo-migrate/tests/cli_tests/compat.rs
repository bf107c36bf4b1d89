//! `cargo migrate compat --with <ref>`: the previous release's row types, read from a real git
//! repository built here (two releases), against the schema of the current migrations.

use std::process::Command;

use snapbox::str;

use crate::support::{Project, Run};

/// Runs git in the project, failing the test on an error.
fn git(p: &Project, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(p.path())
        .output()
        .expect("git is installed");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The abbreviated commit of `reference`, to hide in snapshots (commit ids change with time).
fn commit(p: &Project, reference: &str) -> String {
    let out = Command::new("git")
        .args(["rev-parse", "--short", reference])
        .current_dir(p.path())
        .output()
        .expect("git is installed");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Asserts stderr, the commit of `v1` (when there is one) hidden as `[COMMIT]`.
#[track_caller]
fn stderr_is(p: &Project, out: &Run, expected: impl snapbox::IntoData) {
    match commit(p, "v1") {
        c if c.is_empty() => out.stderr_eq(p, expected),
        c => out.stderr_eq_with(p, &[("[COMMIT]", &c)], expected),
    }
}

/// The breaks of `compat --with v1 --format json`, which must be exactly one.
#[track_caller]
fn one_break(p: &Project) -> Vec<serde_json::Value> {
    let out = p
        .run(&["compat", "--with", "v1", "--format", "json"])
        .expect(1);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON on stdout");
    let breaks = json["breaks"].as_array().unwrap().clone();
    assert_eq!(breaks.len(), 1, "{}", out.stdout);
    breaks
}

/// Commits everything and tags it.
fn release(p: &Project, tag: &str) {
    git(p, &["add", "-A"]);
    git(p, &["commit", "-q", "-m", tag]);
    git(p, &["tag", tag]);
}

const PG_V1: &str = "\
CREATE TYPE task_status AS ENUM ('todo', 'doing', 'done');
CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    karma INT NOT NULL DEFAULT 0,
    bio TEXT
);
CREATE TABLE tasks (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    status task_status NOT NULL
);
CREATE TABLE audit (id BIGSERIAL PRIMARY KEY, note TEXT NOT NULL);
";

const PG_CODE_V1: &str = r#"use migrate_runtime::{DbEnum, Table};

#[derive(sqlx::FromRow, Table)]
#[migrate(table = "users")]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub karma: i32,
    pub bio: Option<String>,
}

#[derive(sqlx::Type, DbEnum)]
#[sqlx(type_name = "task_status", rename_all = "snake_case")]
pub enum Status {
    Todo,
    Doing,
    Done,
}

#[derive(sqlx::FromRow, Table)]
#[migrate(table = "tasks")]
pub struct Task {
    pub id: i64,
    pub user_id: i64,
    pub status: Status,
}

#[derive(sqlx::FromRow, Table)]
#[migrate(table = "audit")]
pub struct Audit {
    pub id: i32,
    pub note: String,
}
"#;

/// Release 2 contracts: every kind of break at once.
const PG_CONTRACT: &str = "\
ALTER TABLE users DROP COLUMN bio;
ALTER TABLE users RENAME COLUMN name TO display_name;
ALTER TABLE users ALTER COLUMN karma TYPE bigint;
ALTER TYPE task_status RENAME TO task_status_old;
CREATE TYPE task_status AS ENUM ('todo', 'done', 'blocked');
ALTER TABLE tasks ALTER COLUMN status TYPE task_status USING status::text::task_status;
DROP TYPE task_status_old;
ALTER TABLE tasks ADD COLUMN priority INT NOT NULL;
DROP TABLE audit;
";

/// Release 2 only expands: the old code keeps working.
const PG_EXPAND: &str = "\
ALTER TABLE users ADD COLUMN display_name TEXT;
ALTER TABLE tasks ADD COLUMN priority INT NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN due DATE;
CREATE TABLE tags (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL);
";

/// A PostgreSQL project with release v1 committed and tagged, and `second` as release 2
/// (committed too: compat reads the working tree's migrations, whatever is committed).
fn pg_project(second: &str) -> Project {
    pg_releases(&[("src/lib.rs", PG_CODE_V1)], second)
}

/// A PostgreSQL project whose release v1 has `PG_V1` and the files `v1`, and whose release 2
/// adds the migration `second` and removes those files (release 2's code follows its schema;
/// compat must not read it).
fn pg_releases(v1: &[(&str, &str)], second: &str) -> Project {
    let p = Project::new("dialect = \"postgres\"");
    git(&p, &["init", "-q"]);
    p.write("migrations/1_init.sql", PG_V1);
    for (path, text) in v1 {
        p.write(path, text);
    }
    release(&p, "v1");
    p.write("migrations/2_next.sql", second);
    for (path, _) in v1 {
        std::fs::remove_file(p.path().join(path)).unwrap();
    }
    p.write("src/lib.rs", "pub fn nothing_derived_here() {}\n");
    release(&p, "v2");
    p
}

#[test]
fn every_break_of_a_contracting_release_names_old_code_and_migration() {
    let p = pg_project(PG_CONTRACT);
    let out = p.run(&["compat", "--with", "v1"]).expect(1);
    out.stdout_eq(&p, str![[r#"
src/lib.rs:8: User.name: table `users` has no column `name`; it was renamed to `display_name` by migrations/2_next.sql:2
src/lib.rs:9: User.karma: `i32` cannot read column `users.karma`, which is `bigint` (migrations/2_next.sql:3)
src/lib.rs:10: User.bio: table `users` has no column `bio`; it was dropped by migrations/2_next.sql:1
src/lib.rs:15: Status: enum type `task_status` has the label 'blocked' (migrations/2_next.sql:5) with no variant in `Status`: reading a row that holds one fails to decode. Add a variant for each (with #[sqlx(rename = "…")] where the name differs), or mark the enum #[migrate(non_exhaustive)] if such rows are never read
src/lib.rs:17: Status.Doing: written as 'doing', which enum type `task_status` (migrations/2_next.sql:5) does not have: its labels are 'todo', 'done', 'blocked'
src/lib.rs:23: Task: column `tasks.priority` is NOT NULL without a default since migrations/2_next.sql:8, and this row type does not map it: INSERTs written from it fail; add the column with a DEFAULT (or nullable) now, and make it NOT NULL in a later release
src/lib.rs:30: Audit: table `audit` was dropped by migrations/2_next.sql:9

"#]]);
    stderr_is(
        &p,
        &out,
        str![[r#"
     Checked 3 row type(s) and 1 enum(s) of v1 ([COMMIT]) against the schema of migrations: 7 break(s)
warning: the code of v1 breaks while it runs against the new schema: expand first (add, backfill, keep the old shape), deploy, and contract in a later release (see the book's chapter "Rolling deploys")

"#]],
    );
}

#[test]
fn json_gives_each_break_with_the_migration_position() {
    let p = pg_project(PG_CONTRACT);
    let out = p
        .run(&["compat", "--with", "v1", "--format", "json"])
        .expect(1);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON on stdout");
    let breaks: Vec<String> = json["breaks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            format!(
                "{}:{} {}.{} <- {}:{}",
                b["file"].as_str().unwrap(),
                b["line"],
                b["item"].as_str().unwrap(),
                b["member"].as_str().unwrap_or("-"),
                b["migration"]["file"].as_str().unwrap_or("?"),
                b["migration"]["line"]
            )
        })
        .collect();
    assert_eq!(
        breaks,
        [
            "src/lib.rs:8 User.name <- migrations/2_next.sql:2",
            "src/lib.rs:9 User.karma <- migrations/2_next.sql:3",
            "src/lib.rs:10 User.bio <- migrations/2_next.sql:1",
            "src/lib.rs:15 Status.- <- migrations/2_next.sql:5",
            "src/lib.rs:17 Status.Doing <- migrations/2_next.sql:5",
            "src/lib.rs:23 Task.- <- migrations/2_next.sql:8",
            "src/lib.rs:30 Audit.- <- migrations/2_next.sql:9",
        ],
        "{}",
        out.stdout
    );
    assert_eq!(json["with"]["ref"], "v1");
    // Audit.id (i32 for a BIGSERIAL) was already wrong at v1, but its table is gone now: the
    // one break is the table (the expand-only release shows that mismatch skipped).
    assert_eq!(json["already_mismatched"], 0);
}

#[test]
fn an_expand_only_release_is_compatible() {
    let p = pg_project(PG_EXPAND);
    let out = p.run(&["compat", "--with", "v1"]).expect(0);
    assert_eq!(out.stdout, "");
    stderr_is(
        &p,
        &out,
        str![[r#"
     Skipped 1 mismatch(es) the code of v1 already had with its own migrations (not caused by the new ones; `cargo migrate rows` at that release lists them)
  Compatible 3 row type(s) and 1 enum(s) of v1 ([COMMIT]) against the schema of migrations: the previous release keeps working during the deploy

"#]],
    );
}

const SQLITE_V1: &str = "\
CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('a', 'b')));
";

const SQLITE_CODE_V1: &str = r#"#[derive(migrate_runtime::Table)]
#[migrate(table = "notes")]
struct Note {
    id: i64,
    body: String,
    kind: Kind,
}

#[derive(migrate_runtime::DbEnum)]
#[migrate(check = "notes.kind")]
#[sqlx(rename_all = "lowercase")]
enum Kind {
    A,
    B,
}
"#;

/// SQLite: a table rebuilt with a CHECK list that lost 'b' and gained 'c', and a new
/// NOT NULL column without a default.
const SQLITE_REBUILD: &str = "\
CREATE TABLE notes_new (
    id INTEGER PRIMARY KEY,
    body TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('a', 'c')),
    author TEXT NOT NULL
);
INSERT INTO notes_new (id, body, kind, author) SELECT id, body, kind, '' FROM notes;
DROP TABLE notes;
ALTER TABLE notes_new RENAME TO notes;
";

/// A SQLite project whose release v1 (committed and tagged) has the notes table in `dir`, its
/// row type and enum, and the `extra` migrations.
fn sqlite_v1(metadata: &str, dir: &str, extra: &[(&str, &str)]) -> Project {
    let p = Project::new(metadata);
    git(&p, &["init", "-q"]);
    p.write(&format!("{dir}/1_init.sql"), SQLITE_V1);
    for (file, sql) in extra {
        p.write(&format!("{dir}/{file}"), sql);
    }
    p.write("src/main.rs", SQLITE_CODE_V1);
    release(&p, "v1");
    p
}

#[test]
fn sqlite_check_list_enums_and_a_rebuilt_table() {
    let p = sqlite_v1("dialect = \"sqlite\"", "migrations", &[]);
    p.write("migrations/2_rebuild.sql", SQLITE_REBUILD);
    let out = p.run(&["compat", "--with", "v1"]).expect(1);
    out.stdout_eq(&p, str![[r#"
src/main.rs:3: Note: column `notes.author` is NOT NULL without a default since migrations/2_rebuild.sql:9, and this row type does not map it: INSERTs written from it fail; add the column with a DEFAULT (or nullable) now, and make it NOT NULL in a later release
src/main.rs:12: Kind: `CHECK (kind IN (…))` on `notes.kind` has the label 'c' (migrations/2_rebuild.sql:4) with no variant in `Kind`: reading a row that holds one fails to decode. Add a variant for each (with #[sqlx(rename = "…")] where the name differs), or mark the enum #[migrate(non_exhaustive)] if such rows are never read
src/main.rs:14: Kind.B: written as 'b', which `CHECK (kind IN (…))` on `notes.kind` (CHECK at migrations/2_rebuild.sql:4) does not have: its labels are 'a', 'c'

"#]]);
}

#[test]
fn not_a_git_repository() {
    let p = Project::new("dialect = \"sqlite\"");
    p.write("migrations/1_init.sql", SQLITE_V1);
    let out = p.run(&["compat", "--with", "v1"]).expect(1);
    stderr_is(
        &p,
        &out,
        str![[r#"
error: [ROOT] is not in a git repository: compat reads the previous release's code from git history; run it in the project's clone (or give --manifest-path of a package inside one)

"#]],
    );
}

#[test]
fn unknown_ref_is_a_usage_error() {
    let p = pg_project(PG_EXPAND);
    let out = p.run(&["compat", "--with", "v0.9"]).expect(2);
    stderr_is(
        &p,
        &out,
        str![[r#"
error: --with v0.9: no commit, branch or tag of that name in the git repository at [ROOT]: name the previous release as git knows it (`git tag`, `git log --oneline`); in a shallow CI clone fetch it first (`git fetch --tags`, or `fetch-depth: 0` with actions/checkout)

"#]],
    );
}

#[test]
fn a_release_without_migrations() {
    let p = Project::new("dialect = \"sqlite\"");
    git(&p, &["init", "-q"]);
    p.write("src/main.rs", SQLITE_CODE_V1);
    release(&p, "v0");
    p.write("migrations/1_init.sql", SQLITE_V1);
    let out = p.run(&["compat", "--with", "v0"]).expect(1);
    stderr_is(
        &p,
        &out,
        str![[r#"
error: at v0 there is no migrations folder migrations: that release has no migrations of this package, so there is no previous schema to compare its code with; name an older or newer release that has them

"#]],
    );
}

#[test]
fn a_release_whose_migrations_the_current_folder_lacks() {
    let p = sqlite_v1(
        "dialect = \"sqlite\"",
        "migrations",
        &[(
            "2_gone.sql",
            "CREATE TABLE gone (id INTEGER PRIMARY KEY);\n",
        )],
    );
    std::fs::remove_file(p.path().join("migrations/2_gone.sql")).unwrap();
    let out = p.run(&["compat", "--with", "v1"]).expect(1);
    stderr_is(
        &p,
        &out,
        str![[r#"
error: the current migrations lack a migration of v1: 2_gone; databases deployed from v1 have them applied, so the schema after this release is not what the files replay to: restore them (or compare with a release whose migrations the current folder continues)

"#]],
    );
}

#[test]
fn a_release_with_another_migrations_folder() {
    let p = sqlite_v1("dialect = \"sqlite\"\ndir = \"db\"", "db", &[]);
    // Release 2 moves the folder (and keeps every migration).
    std::fs::rename(p.path().join("db"), p.path().join("migrations")).unwrap();
    p.write(
        "Cargo.toml",
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[package.metadata.migrate]\ndialect = \"sqlite\"\n",
    );
    let out = p.run(&["compat", "--with", "v1"]).expect(0);
    stderr_is(
        &p,
        &out,
        str![[r#"
        Note at v1 the migrations were in db, now in migrations: its code is checked against the current folder
  Compatible 1 row type(s) and 1 enum(s) of v1 ([COMMIT]) against the schema of migrations: the previous release keeps working during the deploy

"#]],
    );
}

#[test]
fn a_workspace_member_in_a_subfolder_with_the_workspace_settings() {
    // The repository is the workspace; the package is `app/`; the dialect comes from the
    // workspace's table, at v1 as now.
    let p = Project::new("");
    p.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"app\"]\n\n[workspace.metadata.migrate]\ndialect = \"postgres\"\n",
    );
    p.write(
        "app/Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    git(&p, &["init", "-q"]);
    p.write("app/migrations/1_init.sql", PG_V1);
    p.write("app/src/lib.rs", PG_CODE_V1);
    p.write("other/src/lib.rs", "this file is not Rust and not read");
    release(&p, "v1");
    p.write(
        "app/migrations/2_drop.sql",
        "ALTER TABLE users DROP COLUMN bio;\n",
    );
    let out = p.run(&["compat", "--with", "v1", "-p", "app"]).expect(1);
    out.stdout_eq(
        &p,
        str![[r#"
src/lib.rs:10: User.bio: table `users` has no column `bio`; it was dropped by migrations/2_drop.sql:1

"#]],
    );
}

#[test]
fn a_new_enum_label_breaks_an_exhaustive_old_enum_only() {
    let p = pg_project("ALTER TYPE task_status ADD VALUE 'blocked';\n");
    let breaks = one_break(&p);
    assert_eq!(breaks[0]["item"], "Status");
    assert_eq!(breaks[0]["migration"]["file"], "migrations/2_next.sql");

    // The same release, when the old enum said it may meet labels it lacks.
    git(&p, &["checkout", "-q", "v1"]);
    p.write(
        "src/lib.rs",
        PG_CODE_V1.replace(
            "pub enum Status",
            "#[migrate(non_exhaustive)]\npub enum Status",
        ),
    );
    git(&p, &["commit", "-qam", "v1.1"]);
    git(&p, &["tag", "v1.1"]);
    p.write(
        "migrations/2_next.sql",
        "ALTER TYPE task_status ADD VALUE 'blocked';\n",
    );
    p.run(&["compat", "--with", "v1.1"]).expect(0);
}

#[test]
fn a_column_made_not_null_later_is_reported_where_it_became_required() {
    // Release 1 adds `status` nullable (expand) but its code does not write it yet; release 2
    // backfills and sets NOT NULL in one step: the INSERTs of release 1 fail from then on.
    let p = Project::new("dialect = \"postgres\"");
    git(&p, &["init", "-q"]);
    p.write(
        "migrations/1_subscriptions.sql",
        "CREATE TABLE subscriptions (id uuid PRIMARY KEY, email TEXT NOT NULL);\n",
    );
    p.write(
        "migrations/2_status.sql",
        "ALTER TABLE subscriptions ADD COLUMN status TEXT;\n",
    );
    p.write(
        "src/lib.rs",
        "#[derive(migrate_runtime::Table)]\n#[migrate(table = \"subscriptions\")]\npub struct Subscription {\n    pub id: uuid::Uuid,\n    pub email: String,\n}\n",
    );
    release(&p, "v1");
    p.write(
        "migrations/3_status_not_null.sql",
        "BEGIN;\n-- backfill\nUPDATE subscriptions SET status = 'confirmed' WHERE status IS NULL;\nALTER TABLE subscriptions ALTER COLUMN status SET NOT NULL;\nCOMMIT;\n",
    );
    let out = p.run(&["compat", "--with", "v1"]).expect(1);
    out.stdout_eq(&p, str![[r#"
src/lib.rs:3: Subscription: column `subscriptions.status` is NOT NULL without a default since migrations/3_status_not_null.sql:4, and this row type does not map it: INSERTs written from it fail; add the column with a DEFAULT (or nullable) now, and make it NOT NULL in a later release

"#]]);
}

#[test]
fn an_edited_migration_of_the_release_is_warned_about() {
    let p = sqlite_v1("dialect = \"sqlite\"", "migrations", &[]);
    p.write(
        "migrations/1_init.sql",
        format!("{SQLITE_V1}CREATE TABLE extra (id INTEGER PRIMARY KEY);\n"),
    );
    let out = p.run(&["compat", "--with", "v1"]).expect(0);
    stderr_is(
        &p,
        &out,
        str![[r#"
warning: a migration of v1 changed since: 1_init; databases deployed from v1 ran the old text (`cargo migrate status` calls it changed), so the schema they have may differ from the replay
  Compatible 1 row type(s) and 1 enum(s) of v1 ([COMMIT]) against the schema of migrations: the previous release keeps working during the deploy

"#]],
    );
}

#[test]
fn an_old_file_that_does_not_parse_is_named_and_the_rest_checked() {
    let p = sqlite_v1("dialect = \"sqlite\"", "migrations", &[]);
    p.write("src/broken.rs", "pub struct {\n");
    release(&p, "v1.1");
    p.write(
        "migrations/2_drop.sql",
        "ALTER TABLE notes DROP COLUMN body;\n",
    );
    let out = p.run(&["compat", "--with", "v1.1"]).expect(1);
    out.stdout_eq(&p, str![[r#"
src/main.rs:5: Note.body: table `notes` has no column `body`; it was dropped by migrations/2_drop.sql:1

"#]]);
    assert!(
        out.stderr
            .contains("src/broken.rs:1: not checked, the file does not parse at v1.1"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_column_made_nullable_cites_the_new_statement_not_where_it_was_defined() {
    let p = pg_project("-- relax\n\nALTER TABLE users ALTER COLUMN email DROP NOT NULL;\n");
    let breaks = one_break(&p);
    assert_eq!(breaks[0]["member"], "email");
    assert_eq!(
        breaks[0]["migration"],
        serde_json::json!({ "file": "migrations/2_next.sql", "line": 3 })
    );
    assert!(
        breaks[0]["problem"]
            .as_str()
            .unwrap()
            .ends_with("(since migrations/2_next.sql:3)"),
        "{}",
        breaks[0]
    );
}

/// The previous release's checked queries (its code is read, not built: the macros' paths need
/// not resolve here).
const PG_QUERIES_V1: &str = r##"pub async fn queries(pool: &sqlx::PgPool) {
    let a = migrate_runtime::query!("SELECT id, bio FROM users WHERE id = $1", 1_i64);
    let b = sqlx::query!("SELECT name FROM users");
    let c = query_scalar!("SELECT karma FROM users");
    let d = query!("SELECT email FROM users");
    let e = query!(r#"SELECT email AS "email!" FROM users"#);
    let f = query_as!(User, "SELECT * FROM users");
    let g = query_scalar!("SELECT count(*) FROM audit");
    let h = query!("SELECT id FROM users WHERE email = $1 AND karma > $2", "a", 1);
    let i = query_file!("queries/notes.sql");
}
"##;

/// Release 2 contracts what the queries above read, one statement per break.
const PG_QUERIES_CONTRACT: &str = "\
ALTER TABLE users DROP COLUMN bio;
ALTER TABLE users RENAME COLUMN name TO display_name;
ALTER TABLE users ALTER COLUMN karma TYPE bigint;
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
DROP TABLE audit;
";

fn pg_queries_project(second: &str) -> Project {
    pg_releases(
        &[
            ("src/lib.rs", PG_QUERIES_V1),
            ("queries/notes.sql", "SELECT note\nFROM audit\n"),
        ],
        second,
    )
}

#[test]
fn old_checked_queries_that_the_new_schema_breaks_are_named_with_the_statement() {
    let p = pg_queries_project(PG_QUERIES_CONTRACT);
    let out = p.run(&["compat", "--with", "v1"]).expect(1);
    out.stdout_eq(&p, str![[r#"
src/lib.rs:2: query!: column users.bio does not exist (table users: migrations/1_init.sql:2): it was dropped by migrations/2_next.sql:1 (at line 1, column 12 of the query)
src/lib.rs:3: query!: column users.name does not exist (table users: migrations/1_init.sql:2): it was renamed to `display_name` by migrations/2_next.sql:2 (at line 1, column 8 of the query)
src/lib.rs:4: query_scalar!.karma: column `karma` was `integer`, it is `bigint`: the Rust type the old build chose for `integer` cannot read it (since migrations/2_next.sql:3)
src/lib.rs:5: query!.email: column `email` was NOT NULL, it can be NULL now: the old code reads it without an Option and fails on a NULL (since migrations/2_next.sql:4)
src/lib.rs:7: query_as!: its result columns were (id, email, name, karma, bio), they are (id, email, display_name, karma): the old code reads them by position (since migrations/2_next.sql:1)
src/lib.rs:8: query_scalar!: relation audit does not exist in the schema the migrations produce (it was dropped at migrations/2_next.sql:5) (at line 1, column 22 of the query)
src/lib.rs:10: query_file!: relation audit does not exist in the schema the migrations produce (it was dropped at migrations/2_next.sql:5) (at line 2, column 6 of the query)

"#]]);
    stderr_is(
        &p,
        &out,
        str![[r#"
     Checked 0 row type(s), 0 enum(s) and 9 checked quer(ies) of v1 ([COMMIT]) against the schema of migrations: 7 break(s)
warning: the code of v1 breaks while it runs against the new schema: expand first (add, backfill, keep the old shape), deploy, and contract in a later release (see the book's chapter "Rolling deploys")

"#]],
    );
}

#[test]
fn old_checked_queries_survive_an_expand_only_release() {
    let p = pg_queries_project(PG_EXPAND);
    let out = p.run(&["compat", "--with", "v1"]).expect(0);
    assert_eq!(out.stdout, "");
    stderr_is(
        &p,
        &out,
        str![[r#"
  Compatible 0 row type(s), 0 enum(s) and 9 checked quer(ies) of v1 ([COMMIT]) against the schema of migrations: the previous release keeps working during the deploy

"#]],
    );
}

#[test]
fn an_old_query_that_is_not_a_literal_is_named_as_not_checked() {
    let p = Project::new("");
    git(&p, &["init", "-q"]);
    p.write("migrations/1_init.sql", SQLITE_V1);
    p.write(
        "src/lib.rs",
        "const Q: &str = \"SELECT 1\";\nfn f() { let _ = query!(Q); let _ = query_file!(\"gone.sql\"); }\n",
    );
    release(&p, "v1");
    let out = p.run(&["compat", "--with", "v1"]).expect(0);
    assert!(
        out.stderr
            .contains("src/lib.rs:2: not checked at v1: `query!`'s query is not a string literal"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("src/lib.rs:2: not checked at v1: `query_file!`'s file gone.sql: "),
        "{}",
        out.stderr
    );
}
