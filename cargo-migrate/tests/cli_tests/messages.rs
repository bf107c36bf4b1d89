//! What a failure says: the CLI adds the advice that names its verbs and flags, and says only
//! what is true (no "deploy again" for a revert or a read-only database); driver messages come
//! without PostgreSQL's server source line.

use crate::support::Project;
use migrate_tests::pg_database;

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
    assert!(
        out.stderr.contains("migrations/2_bad.sql:2:1: migration 2 (bad) failed: no such table: nope\n  Nothing of it took effect (its transaction was rolled back).\n  Fix the SQL and deploy again."),
        "{}",
        out.stderr
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
    assert!(
        out.stderr.contains("Nothing was reverted. Fix migrations/2_t.down.sql and run `cargo migrate revert` again."),
        "{}",
        out.stderr
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
    assert!(
        out.stderr.contains("The database is read-only"),
        "{}",
        out.stderr
    );
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
    assert!(
        out.stderr.contains(
            "run `cargo migrate resolve --applied 2` or `cargo migrate resolve --rolled-back 2`"
        ),
        "{}",
        out.stderr
    );
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
    assert!(
        out.stderr
            .contains("relation \"no_such_table\" does not exist [SQLSTATE 42P01]"),
        "{}",
        out.stderr
    );
    // A connection error goes through sqlx's Display, which appends "at line N".
    let missing = migrate_tests::with_database(&db.url, "cm_no_such_database");
    let out = p.run(&["status", "--database-url", &missing]).expect(1);
    assert!(out.stderr.contains("does not exist"), "{}", out.stderr);
    assert!(!out.stderr.contains(" at line "), "{}", out.stderr);
}
