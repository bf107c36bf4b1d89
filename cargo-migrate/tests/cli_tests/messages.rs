//! What a failure says: the CLI adds the advice that names its verbs and flags, and says only
//! what is true (no "deploy again" for a revert or a read-only database); driver messages come
//! without PostgreSQL's server source line.

use crate::support::Project;
use migrate_tests::pg_database;
use snapbox::str;

fn sqlite_project() -> Project {
    let p = Project::new("dialect = \"sqlite\"");
    p.write(
        "migrations/1_users.sql",
        "CREATE TABLE users (id INTEGER);\n",
    );
    p
}

#[test]
fn a_failed_migration_says_fix_the_sql_and_deploy_again() {
    let p = sqlite_project();
    p.write(
        "migrations/2_bad.sql",
        "CREATE TABLE t (x INT);\nSELECT * FROM nope;\n",
    );
    let out = p
        .run(&["deploy", "--database-url", &p.sqlite_url()])
        .expect(1);
    out.stderr_eq(
        &p,
        str![[r#"
    Applying 1 users (migrations/1_users.sql)
     Applied 1 users in [ELAPSED]
    Applying 2 bad (migrations/2_bad.sql)
error: migrations/2_bad.sql:2:1: migration 2 (bad) failed: no such table: nope
  Nothing of it took effect (its transaction was rolled back).
  Fix the SQL and deploy again.

"#]],
    );
}

#[test]
fn a_failed_revert_does_not_say_deploy_again() {
    let p = sqlite_project();
    p.write("migrations/2_t.up.sql", "CREATE TABLE t (x INT);\n");
    p.write("migrations/2_t.down.sql", "DROP TABLE nope;\n");
    let url = p.sqlite_url();
    p.run(&["deploy", "--database-url", &url]).expect(0);
    let out = p.run(&["revert", "--database-url", &url]).expect(1);
    out.stderr_eq(
        &p,
        str![[r#"
   Reverting 2 t (migrations/2_t.down.sql)
error: migrations/2_t.down.sql:1:1: migration 2 (t) failed: no such table: nope
  Nothing of it took effect (its transaction was rolled back).
  Nothing was reverted. Fix migrations/2_t.down.sql and run `cargo migrate revert` again.

"#]],
    );
    assert!(!out.stderr.contains("deploy again"), "{}", out.stderr);
}

#[test]
fn a_read_only_database_does_not_say_fix_the_sql() {
    let p = sqlite_project();
    let url = p.sqlite_url();
    p.run(&["deploy", "--database-url", &url]).expect(0);
    p.write("migrations/2_t.sql", "CREATE TABLE t (x INT);\n");
    let out = p
        .run(&["deploy", "--database-url", &format!("{url}?mode=ro")])
        .expect(1);
    out.stderr_eq(&p, str![[r#"
    Applying 2 t (migrations/2_t.sql)
error: migrations/2_t.sql:1:1: migration 2 (t) failed: attempt to write a readonly database
  Nothing of it took effect (its transaction was rolled back).
  The database is read-only: check the permissions of the database file and its folder (or the database user's privileges), then run the command again.

"#]]);
    assert!(!out.stderr.contains("Fix the SQL"), "{}", out.stderr);
}

#[test]
fn a_failed_no_transaction_migration_names_the_resolve_commands() {
    let p = sqlite_project();
    p.write(
        "migrations/2_half.sql",
        "-- migrate:no-transaction\nCREATE TABLE t (x INT);\nSELECT * FROM nope;\n",
    );
    let out = p
        .run(&["deploy", "--database-url", &p.sqlite_url()])
        .expect(1);
    out.stderr_eq(&p, str![[r#"
    Applying 1 users (migrations/1_users.sql)
     Applied 1 users in [ELAPSED]
    Applying 2 half (migrations/2_half.sql)
error: migrations/2_half.sql:3:1: migration 2 (half) failed: no such table: nope; statement 1 (line 2) is done, statement 2 (line 3) is not
  It ran without a transaction, so the statements before this one stay applied; it is recorded as failed.
  Fix the failed statement and run `cargo migrate deploy --resume 2`: it starts at that statement when the done ones are unchanged. Or finish or undo it by hand, then run `cargo migrate resolve --applied 2` or `cargo migrate resolve --rolled-back 2`.

"#]]);
    assert!(
        !out.stderr.contains("Fix the SQL and deploy again"),
        "{}",
        out.stderr
    );
}

#[tokio::test]
async fn postgres_messages_carry_no_server_source_line() {
    let Some(db) = pg_database().await else {
        return;
    };
    let p = Project::new("dialect = \"postgres\"");
    p.write("migrations/1_bad.sql", "SELECT * FROM no_such_table;\n");
    let out = p.run(&["deploy", "--database-url", &db.url]).expect(1);
    let name = db.url.rsplit('/').next().unwrap();
    out.stderr_eq_with(&p, &[("[DATABASE]", name)], str![[r#"
    Applying 1 bad (migrations/1_bad.sql)
error: migrations/1_bad.sql:1:15: migration 1 (bad) failed: relation "no_such_table" does not exist [SQLSTATE 42P01]
  Nothing of it took effect (its transaction was rolled back).
  Fix the SQL and deploy again.

"#]]);
    // A connection error goes through sqlx's Display, which appends "at line N".
    let missing = migrate_tests::with_database(&db.url, "cm_no_such_database");
    let out = p.run(&["status", "--database-url", &missing]).expect(1);
    // The server the tests use (the machine's, or CI's PostgreSQL 18 on another port).
    let server = db.url.rsplit_once('/').unwrap().0;
    out.stderr_eq_with(&p, &[("[SERVER]", server)], str![[r#"
error: cannot connect to [SERVER]/cm_no_such_database: database "cm_no_such_database" does not exist [SQLSTATE 3D000]
  check the URL, the credentials and that the database exists

"#]]);
    assert!(!out.stderr.contains(" at line "), "{}", out.stderr);
    // A query of cargo-migrate's own: the driver's error ends the chain (its own source is
    // PostgreSQL's error again, with the source line).
    {
        use sqlx::{Connection, Executor};
        let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
        conn.execute(sqlx::raw_sql(
            "DROP TABLE _migrate_history; CREATE TABLE _migrate_history (x int)",
        ))
        .await
        .unwrap();
        conn.close().await.unwrap();
    }
    let out = p.run(&["status", "--database-url", &db.url]).expect(1);
    out.stderr_eq_with(
        &p,
        &[("[URL]", &db.url)],
        str![[r#"
error: reading the history table: column "version" does not exist [SQLSTATE 42703]

"#]],
    );
    assert!(!out.stderr.contains(" at line "), "{}", out.stderr);
}

/// migrate-core states each history problem; the CLI puts its remedy, in its own verbs,
/// under each one.
#[test]
fn history_problems_each_get_the_cli_remedy_under_them() {
    let p = sqlite_project();
    p.write("migrations/3_c.sql", "CREATE TABLE c (x INT);\n");
    p.write("migrations/4_d.sql", "CREATE TABLE d (x INT);\n");
    let url = p.sqlite_url();
    p.run(&["deploy", "--database-url", &url]).expect(0);
    p.write("migrations/2_b.sql", "CREATE TABLE b (x INT);\n");
    p.write("migrations/3_c.sql", "CREATE TABLE c (y INT);\n");
    std::fs::remove_file(p.path().join("migrations/4_d.sql")).unwrap();
    let out = p.run(&["deploy", "--database-url", &url]).expect(4);
    out.stderr_eq(&p, str![[r#"
error: migration 2 (b, migrations/2_b.sql) is older than migrations already applied.
  Give it a newer version (rename the file), or apply it anyway with `--allow-out-of-order`
migration 3 (c) was changed after it was applied: migrations/3_c.sql has checksum acacb5e3d17c447bc2d168b9076f8c52726f2095186cd4cd2a1696efd8f98306, the database recorded 81538159e647dc571ff4320a3585d1f8b8ebcdecb8429076d39b07441577467e.
  Restore the file (see `git log -p -- migrations/3_c.sql`), or, if the edit was reviewed and the database already matches it, accept it with `cargo migrate resolve --checksum 3`
migration 4 (d) is recorded as applied but its file is gone.
  Restore the file from version control, or, if it was removed on purpose, forget it with `cargo migrate resolve --rolled-back 4` (this runs no SQL)

"#]]);

    let out = p
        .run(&["resolve", "--applied", "99", "--database-url", &url])
        .expect(1);
    out.stderr_eq(
        &p,
        str![[r#"
error: no migration has version 99
  Run `cargo migrate status` to list the migrations.

"#]],
    );
}
