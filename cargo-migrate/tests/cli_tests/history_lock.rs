//! Every verb that writes history takes the deploy lock, and baseline checks the schema.

use crate::support::pg::PgProject;
use crate::support::{Project, Run};
use snapbox::str;
use sqlx::{Connection, PgConnection};

const ACCOUNTS: &str =
    "CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);\n";

#[test]
fn a_slow_deploy_and_a_baseline_at_the_same_time_keep_the_history_true() {
    let Some(pg) = PgProject::new(&[
        ("migrations/1_accounts.sql", ACCOUNTS),
        (
            "migrations/2_slow.sql",
            "CREATE TABLE slow (x INTEGER);\nSELECT pg_sleep(3);\n",
        ),
    ]) else {
        return;
    };
    let (rt, p, url) = (&pg.rt, &pg.p, pg.url());
    let deploy = pg.deploy_until(&[], "SELECT pg_sleep(3)");
    let baseline = p
        .run(&[
            "baseline",
            "2",
            "--database-url",
            url,
            "--lock-timeout",
            "30",
        ])
        .expect(0);
    assert!(
        baseline
            .stderr
            .contains("Waiting for the migration lock held by pid "),
        "{}",
        baseline.stderr
    );
    assert!(
        baseline.stderr.contains("0 migration(s) up to 2 recorded"),
        "{}",
        baseline.stderr
    );
    let deployed = Run::from(deploy.wait_with_output().unwrap()).expect(0);
    assert!(
        deployed.stderr.contains("2 migrations applied"),
        "{}",
        deployed.stderr
    );
    let rows: Vec<(i64, bool, String)> = rt.block_on(async {
        let mut conn = PgConnection::connect(url).await.unwrap();
        sqlx::query_as("SELECT version, success, applied_by FROM _migrate_history ORDER BY version")
            .fetch_all(&mut conn)
            .await
            .unwrap()
    });
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter()
            .all(|(_, ok, by)| *ok && by.contains("(deploy)")),
        "{rows:?}"
    );
    p.run(&["verify", "--database-url", url]).expect(0);
}

#[test]
fn every_verb_that_writes_history_waits_for_the_deploy_lock() {
    let Some(pg) = PgProject::new(&[
        ("migrations/1_accounts.up.sql", ACCOUNTS),
        ("migrations/1_accounts.down.sql", "DROP TABLE accounts;\n"),
        (
            "migrations/2_slow.sql",
            "CREATE TABLE slow (x INTEGER);\nSELECT pg_sleep(12);\n",
        ),
    ]) else {
        return;
    };
    let (p, url) = (&pg.p, pg.url());
    pg.run(&["deploy", "--to", "1"]).expect(0);
    let mut deploy = pg.deploy_until(&[], "SELECT pg_sleep(12)");
    for verb in [
        &["baseline", "1"][..],
        &["resolve", "--rolled-back", "1"],
        &["adopt", "sqlx"],
        &["revert"],
        &["reset", "--force"],
    ] {
        let mut args = verb.to_vec();
        args.extend(["--database-url", url, "--lock-timeout", "1"]);
        let out = p.run(&args).expect(1);
        assert!(
            out.stderr.contains("Waiting for the migration lock"),
            "{verb:?}: {}",
            out.stderr
        );
        assert!(
            out.stderr
                .contains("timed out after 1s waiting for the migration lock"),
            "{verb:?}: {}",
            out.stderr
        );
    }
    let _ = deploy.kill();
    let _ = deploy.wait();
}

#[test]
fn baseline_refuses_when_the_live_schema_differs_unless_forced() {
    let p = Project::new("dialect = \"sqlite\"");
    let url = p.sqlite_url();
    p.write("migrations/1_accounts.sql", ACCOUNTS);
    p.write("migrations/2_more.sql", "CREATE TABLE more (x INTEGER);\n");
    // The database has nothing: baselining at 1 would record a table that is not there.
    let refused = p.run(&["baseline", "1", "--database-url", &url]).expect(4);
    refused.stderr_eq(&p, str![[r#"
error: baseline refused (pass --force to record anyway): refusing to baseline at 1: the database's schema differs from the schema the migrations up to 1 produce:
  - table accounts is missing
  Nothing was recorded. Baseline at the version the database really has, or apply the missing changes first

"#]]);
    let status = p.run(&["status", "--database-url", &url]).expect(3);
    assert!(
        status.stderr.contains("0 applied, 2 pending"),
        "{}",
        status.stderr
    );

    p.run(&["baseline", "1", "--database-url", &url, "--force"])
        .expect(0);
    let status = p.run(&["status", "--database-url", &url]).expect(3);
    assert!(
        status.stderr.contains("1 applied, 1 pending"),
        "{}",
        status.stderr
    );

    // A database that has the schema of 1 is baselined without --force.
    let q = Project::new("dialect = \"sqlite\"");
    let url = q.sqlite_url();
    q.write("migrations/1_accounts.sql", ACCOUNTS);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let mut conn = sqlx::SqliteConnection::connect(&format!("{url}?mode=rwc"))
            .await
            .unwrap();
        sqlx::raw_sql(ACCOUNTS).execute(&mut conn).await.unwrap();
    });
    q.run(&["baseline", "1", "--database-url", &url]).expect(0);
    q.run(&["status", "--database-url", &url]).expect(0);
}

#[test]
fn resolve_applied_and_checksum_on_a_matching_row_say_nothing_to_change() {
    let p = Project::new("dialect = \"sqlite\"");
    let url = p.sqlite_url();
    p.write("migrations/1_accounts.sql", ACCOUNTS);
    p.run(&["deploy", "--database-url", &url]).expect(0);
    for flag in ["--applied", "--checksum"] {
        let out = p
            .run(&["resolve", flag, "1", "--database-url", &url])
            .expect(0);
        assert!(
            out.stderr.contains("nothing to change"),
            "{flag}: {}",
            out.stderr
        );
    }
    p.run(&["status", "--database-url", &url]).expect(0);
}

#[test]
fn deploy_to_a_version_no_migration_has_is_a_usage_error() {
    let p = Project::new("dialect = \"sqlite\"");
    let url = p.sqlite_url();
    p.write("migrations/1_accounts.sql", ACCOUNTS);
    let out = p
        .run(&["deploy", "--to", "7", "--database-url", &url])
        .expect(2);
    out.stderr_eq(
        &p,
        str![[r#"
error: --to 7: no migration has version 7 (`cargo migrate status` lists them)

"#]],
    );
    p.run(&["deploy", "--to", "7", "--dry-run", "--database-url", &url])
        .expect(2);
    p.run(&["status", "--database-url", &url]).expect(3);
}

#[test]
fn the_status_summary_counts_every_state() {
    let p = Project::new("dialect = \"sqlite\"");
    let url = p.sqlite_url();
    p.write("migrations/1_a.sql", "CREATE TABLE a (x INTEGER);\n");
    p.write("migrations/2_b.sql", "CREATE TABLE b (x INTEGER);\n");
    p.write("migrations/3_c.sql", "CREATE TABLE c (x INTEGER);\n");
    p.write(
        "migrations/4_d.sql",
        "-- migrate:no-transaction\nCREATE TABLE d (x INTEGER);\nINSERT INTO nope VALUES (1);\n",
    );
    p.run(&["deploy", "--database-url", &url]).expect(1);
    p.write("migrations/2_b.sql", "CREATE TABLE b (y INTEGER);\n");
    std::fs::remove_file(p.path().join("migrations/3_c.sql")).unwrap();
    p.write("migrations/5_e.sql", "CREATE TABLE e (x INTEGER);\n");
    let out = p.run(&["status", "--database-url", &url]).expect(4);
    out.stderr_eq(&p, str![[r#"
warning: migration 2 (b) was changed after it was applied: migrations/2_b.sql has checksum 5d9931a9b22de19a4e9a7d380e25cc89dfc501d3c04ff1ddea595a7232422f6f, the database recorded 18832622b08f9f1dbdea70f87f8208d6d8985ab375c32e2eaf0f0fac5996e96e.
  Restore the file (see `git log -p -- migrations/2_b.sql`), or, if the edit was reviewed and the database already matches it, accept it with `cargo migrate resolve --checksum 2`
migration 3 (c) is recorded as applied but its file is gone.
  Restore the file from version control, or, if it was removed on purpose, forget it with `cargo migrate resolve --rolled-back 3` (this runs no SQL)
migration 4 (d, migrations/4_d.sql) stopped part-way with 1 of 2 statements done: statement 1 is done, statement 2 is not (no such table: nope; statement 1 (line 2) is done, statement 2 (line 3) is not).
  Either finish the remaining statements by hand and record it with `cargo migrate resolve --applied 4`, or undo the done ones by hand and record that with `cargo migrate resolve --rolled-back 4`; `cargo migrate deploy --resume 4` runs the remaining statements
      Status 1 applied, 1 pending, 1 failed, 1 changed, 1 missing on sqlite:[ROOT]/app.db

"#]]);
}
