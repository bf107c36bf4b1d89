//! `cargo migrate hash` and `cargo migrate check`: CI catches edited, unhashed and malformed
//! migrations without a database, and round-trips them on a scratch database with one.

use crate::support::Project;
use migrate_tests::{pg_admin_url, pg_database};
use snapbox::str;

fn project() -> Project {
    let p = Project::new("dialect = \"sqlite\"");
    p.write(
        "migrations/1_users.up.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY);\n",
    );
    p.write("migrations/1_users.down.sql", "DROP TABLE users;\n");
    p.write(
        "migrations/2_posts.sql",
        "CREATE TABLE posts (id INTEGER PRIMARY KEY);\n",
    );
    p
}

#[test]
fn check_catches_edits_unhashed_files_and_bad_files_without_a_database() {
    let p = project();
    let first = p.run(&["check"]).expect(0);
    first.stderr_eq(&p, str![[r#"
     Checked 2 migration(s) in migrations
warning: no migrations/migrate.sum: run `cargo migrate hash` and commit it, so edited or unreviewed migrations fail CI
    Replayed 2 table(s), 0 enum type(s)
      Linted 2 migration(s) (every migration) (sqlite): 0 finding(s), 0 error(s)

"#]]);

    p.run(&["hash"]).expect(0);
    let sum = std::fs::read_to_string(p.path().join("migrations/migrate.sum")).unwrap();
    assert_eq!(
        sum.lines().filter(|l| !l.starts_with('#')).count(),
        4,
        "three files and the total:\n{sum}"
    );
    p.run(&["check"]).expect(0);

    // An edit of a hashed file.
    p.write(
        "migrations/2_posts.sql",
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT);\n",
    );
    let edited = p.run(&["check"]).expect(4);
    edited.stderr_eq(&p, str![[r#"
     Checked 2 migration(s) in migrations
error: migrations/2_posts.sql changed since migrate.sum was written: restore it, or, if the edit is intended (and the migration was never deployed), run `cargo migrate hash`
    Replayed 2 table(s), 0 enum type(s)
      Linted no migration: none new since migrate.sum (sqlite)

"#]]);
    p.run(&["hash"]).expect(0);

    // `new` lists the file at once as not hashed yet: pending until `hash`.
    let created = p.run(&["new", "add_tags"]).expect(0);
    let file = created.stdout.trim().to_owned();
    p.write(&file, "CREATE TABLE tags (id INTEGER PRIMARY KEY);\n");
    let pending = p.run(&["check"]).expect(3);
    pending.stderr_eq(&p, str![[r#"
     Checked 3 migration(s) in migrations
error: migrations/[..]_add_tags.sql is not hashed in migrate.sum yet: once it is reviewed, run `cargo migrate hash` and commit migrate.sum
    Replayed 3 table(s), 0 enum type(s)
      Linted no migration: none new since migrate.sum (sqlite)

"#]]);
    p.run(&["hash"]).expect(0);
    p.run(&["check"]).expect(0);

    // A malformed file fails before anything else.
    p.write("migrations/9_bad.sql", "SELECT 'unterminated;\n");
    let bad = p.run(&["check"]).expect(1);
    bad.stderr_eq(&p, str![[r#"
error: migrations/9_bad.sql:1:8: a string literal ('…') starting here is never closed: close it, or check for a stray quote

"#]]);
}

#[test]
fn check_reports_a_statement_that_does_not_replay_without_a_database() {
    let p = project();
    p.write(
        "migrations/3_bad.sql",
        "SELECT 1;\nALTER TABLE nowhere ADD COLUMN x INTEGER;\n",
    );
    p.run(&["hash"]).expect(0);
    let out = p.run(&["check"]).expect(1);
    out.stderr_eq(&p, str![[r#"
     Checked 3 migration(s) in migrations
     Checked 4 files against migrate.sum
error: migrations/3_bad.sql:2:1: there is no table nowhere at this point
  way out, without editing the migration: in `migrations/.replay/3_bad.sql` write `-- migrate:statement 2` and under it the DDL this statement amounts to, or `-- migrate:statement 2 skip` if it changes no table, column or type (see "Replay overrides" in the cargo-migrate book, docs/src/replay.md); in a file not yet applied, `-- migrate:replay <DDL>` or `-- migrate:replay-skip` on the line above the statement also works
error: the migrations do not replay (1 error(s)): give each statement above a replay override in migrations/.replay/ (its way out), or fix it in a file not yet applied

"#]]);
}

#[test]
fn check_round_trips_on_a_scratch_sqlite_database() {
    // Down files allow reverting 2 only: 1 has none, and nothing older than it can go.
    let p = Project::new("dialect = \"sqlite\"");
    p.write(
        "migrations/1_users.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY);\n",
    );
    p.write(
        "migrations/2_posts.up.sql",
        "CREATE TABLE posts (id INTEGER PRIMARY KEY);\n",
    );
    p.write("migrations/2_posts.down.sql", "DROP TABLE posts;\n");
    let out = p
        .run(&["check", "--database-url", &p.sqlite_url()])
        .expect(0);
    out.stderr_eq(&p, str![[r#"
     Checked 2 migration(s) in migrations
warning: no migrations/migrate.sum: run `cargo migrate hash` and commit it, so edited or unreviewed migrations fail CI
    Replayed 2 table(s), 0 enum type(s)
      Linted 2 migration(s) (every migration) (sqlite): 0 finding(s), 0 error(s)
  Round trip applied 2, reverted 1, applied 1 again on a scratch database (dropped)

"#]]);
    assert!(
        !p.path().join("app.db").exists(),
        "the named database is not touched"
    );
}

#[test]
fn check_round_trip_fails_when_the_database_differs_from_the_replay() {
    // A `-- migrate:replay` directive that lies: the replay expects INTEGER, SQLite gets TEXT.
    let p = Project::new("dialect = \"sqlite\"");
    p.write(
        "migrations/1_users.sql",
        "-- migrate:replay CREATE TABLE users (id INTEGER PRIMARY KEY, name INTEGER)\nCREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);\n",
    );
    p.run(&["hash"]).expect(0);
    let out = p
        .run(&["check", "--database-url", &p.sqlite_url()])
        .expect(1);
    out.stderr_eq(&p, str![[r#"
     Checked 1 migration(s) in migrations
     Checked 1 files against migrate.sum
    Replayed 1 table(s), 0 enum type(s)
      Linted no migration: none new since migrate.sum (sqlite)
error: the scratch database after applying everything differs from the schema the migrations replay to:
  table users: column name has type TEXT, the migrations give INTEGER (migrations/1_users.sql:2)
The replay mis-reads a statement: give what it does in a replay override (`.replay/<migration>.sql` in the migrations folder, see "Replay overrides" in the cargo-migrate book, docs/src/replay.md), or report it

"#]]);
}

#[test]
fn check_round_trips_on_a_scratch_postgres_database_and_drops_it() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(db) = rt.block_on(pg_database()) else {
        return;
    };
    let p = Project::new("dialect = \"postgres\"");
    p.write(
        "migrations/1_users.up.sql",
        "CREATE TABLE users (id BIGINT PRIMARY KEY);\n",
    );
    p.write("migrations/1_users.down.sql", "DROP TABLE users;\n");
    let out = p.run(&["check", "--database-url", &db.url]).expect(0);
    out.stderr_eq(&p, str![[r#"
     Checked 1 migration(s) in migrations
warning: no migrations/migrate.sum: run `cargo migrate hash` and commit it, so edited or unreviewed migrations fail CI
    Replayed 1 table(s), 0 enum type(s)
      Linted 1 migration(s) (every migration) (postgres 15): 0 finding(s), 0 error(s)
  Round trip applied 1, reverted 1, applied 1 again on a scratch database (dropped)

"#]]);
    let leftovers: i64 = rt.block_on(async {
        let pool = sqlx::PgPool::connect(&pg_admin_url()).await.unwrap();
        let n = sqlx::query_scalar(
            "SELECT count(*) FROM pg_database WHERE datname LIKE 'migrate_check_%'",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        pool.close().await;
        n
    });
    assert_eq!(leftovers, 0, "the scratch database is dropped");

    // A down file that does not undo its up file fails the round trip.
    p.write("migrations/1_users.down.sql", "SELECT 1;\n");
    let broken = p.run(&["check", "--database-url", &db.url]).expect(1);
    broken.stderr_eq(&p, str![[r#"
     Checked 1 migration(s) in migrations
warning: no migrations/migrate.sum: run `cargo migrate hash` and commit it, so edited or unreviewed migrations fail CI
    Replayed 1 table(s), 0 enum type(s)
      Linted 1 migration(s) (every migration) (postgres 15): 0 finding(s), 0 error(s)
error: migrations/1_users.up.sql:1:1: migration 1 (users) failed: relation "users" already exists [SQLSTATE 42P07]
  Nothing of it took effect (its transaction was rolled back).
  Fix the SQL and deploy again.

"#]]);
}

#[test]
fn check_errors_on_statements_postgres_refuses_in_a_transaction() {
    let p = Project::new("dialect = \"postgres\"");
    p.write(
        "migrations/1_users.sql",
        "CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT);\n",
    );
    p.write(
        "migrations/2_index.sql",
        "-- index the emails\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n",
    );
    let out = p.run(&["check"]).expect(1);
    out.stderr_eq(&p, str![[r#"
error: migrations/2_index.sql:2:1: PostgreSQL refuses `CREATE INDEX CONCURRENTLY` inside a transaction, and this migration runs in one: put `-- migrate:no-transaction` in the comments before its first statement (its statements then run one by one, each committed on its own). If this migration is already applied, leave its file as it is and put the line `-- migrate:no-transaction` in migrations/.replay/2_index.sql instead

"#]]);
    p.write(
        "migrations/2_index.sql",
        "-- index the emails\n-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n",
    );
    p.run(&["check"]).expect(0);
}

#[test]
fn check_errors_on_a_directive_after_the_first_statement() {
    let p = Project::new("dialect = \"postgres\"");
    p.write(
        "migrations/1_users.sql",
        "CREATE TABLE users (id BIGINT PRIMARY KEY);\n-- migrate:no-transaction\nCREATE TABLE posts (id BIGINT);\n",
    );
    let out = p.run(&["check"]).expect(1);
    out.stderr_eq(&p, str![[r#"
error: migrations/1_users.sql:2: `-- migrate:no-transaction` after the first statement has no effect: move it into the comments before the first statement. If this migration is already applied, leave its file as it is and put the line `-- migrate:ignore-late-directives` in migrations/.replay/1_users.sql: the directive then stays without effect, as when the migration was applied

"#]]);
}

#[test]
fn new_writes_directives_where_they_take_effect() {
    let p = Project::new("dialect = \"postgres\"");
    p.run(&["new", "add_index"]).expect(0);
    let file = std::fs::read_dir(p.path().join("migrations"))
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().ends_with("_add_index.sql"))
        .unwrap();
    let template = std::fs::read_to_string(file.path()).unwrap();
    assert!(
        template.contains("before the first statement"),
        "{template}"
    );
    // Following the template's advice: the directive appended to its comments takes effect.
    std::fs::write(
        file.path(),
        format!("{template}-- migrate:no-transaction\nCREATE TABLE t (x INT);\nCREATE INDEX CONCURRENTLY i ON t (x);\n"),
    )
    .unwrap();
    p.run(&["check"]).expect(0);
}

#[test]
fn check_and_schema_say_which_dialect_they_assumed() {
    let p = Project::new("");
    p.write(
        "migrations/1_users.sql",
        "CREATE TABLE users (id INTEGER);\n",
    );
    for verb in ["check", "schema"] {
        let out = p.run(&[verb]).expect(0);
        let said: Vec<&str> = out
            .stderr
            .lines()
            .filter(|l| l.contains("Assuming"))
            .collect();
        assert_eq!(
            said,
            [
                "    Assuming sqlite migrations: no `dialect` in [package.metadata.migrate] and no database URL (set `dialect = \"postgres\"` or `\"mysql\"` if they are not)"
            ],
            "{verb}: {}",
            out.stderr
        );
        // A URL or a configured dialect says it: nothing is assumed.
        let out = p
            .run(&[verb, "--database-url", "sqlite::memory:"])
            .expect(0);
        assert!(!out.stderr.contains("Assuming"), "{verb}: {}", out.stderr);
    }
    let configured = Project::new("dialect = \"sqlite\"");
    configured.write(
        "migrations/1_users.sql",
        "CREATE TABLE users (id INTEGER);\n",
    );
    assert!(
        !configured
            .run(&["check"])
            .expect(0)
            .stderr
            .contains("Assuming")
    );
}

#[test]
fn a_down_file_that_does_not_parse_blocks_neither_schema_nor_deploy_but_check_and_revert() {
    let Some(db) = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(pg_database())
    else {
        return;
    };
    let p = Project::new("dialect = \"postgres\"");
    p.write(
        "migrations/1_users.up.sql",
        "CREATE TABLE users (id int);\n",
    );
    p.write(
        "migrations/1_users.down.sql",
        "DROP TABLE users;\nDO $$ BEGIN\n  RAISE NOTICE 'never closed';\n",
    );
    p.write(
        "migrations/2_posts.up.sql",
        "CREATE TABLE posts (id int);\n",
    );
    p.write("migrations/2_posts.down.sql", "DROP TABLE posts;\n");
    p.run(&["schema"]).expect(0);
    p.run(&["deploy", "--database-url", &db.url]).expect(0);
    let check = p.run(&["check"]).expect(1);
    check.stderr_eq(&p, str![[r#"
     Checked 2 migration(s) in migrations
warning: no migrations/migrate.sum: run `cargo migrate hash` and commit it, so edited or unreviewed migrations fail CI
error: migrations/1_users.down.sql:2:4: a dollar-quoted body ($tag$ … $tag$) starting here is never closed: close it, or check for a stray quote
error: 1 problem(s) in down files: `revert` would refuse them; fix them, then run `cargo migrate hash`

"#]]);
    // Reverting both stops before reverting anything, 2 included.
    let revert = p
        .run(&["revert", "--to", "0", "--database-url", &db.url])
        .expect(1);
    revert.stderr_eq(&p, str![[r#"
error: migrations/1_users.down.sql:2:4: a dollar-quoted body ($tag$ … $tag$) starting here is never closed: close it, or check for a stray quote

"#]]);
    let status = p
        .run(&["status", "--format", "json", "--database-url", &db.url])
        .expect(0);
    assert_eq!(
        status.stdout.matches("\"state\": \"applied\"").count(),
        2,
        "nothing reverted: {}",
        status.stdout
    );
}
