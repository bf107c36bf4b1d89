//! Real signals sent to the real binary at a chosen slow statement, on PostgreSQL and SQLite:
//! what is applied, what the history row says, and what the next verbs do with it.

use std::time::{Duration, Instant};

use crate::support::Project;
use crate::support::pg::{PgProject, finish, kill, spawn, wait_for};
use snapbox::str;
use sqlx::{Connection, PgConnection, SqliteConnection};

const ACCOUNTS: &str = "CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);\nINSERT INTO accounts VALUES (1, 100);\n";

/// The issue's migration: an UPDATE, a slow statement, an index built concurrently.
const BUMP_PG: &str = "-- migrate:no-transaction\nUPDATE accounts SET balance = balance + 50;\nSELECT pg_sleep(20);\nCREATE INDEX CONCURRENTLY accounts_bal ON accounts (balance);\n";

const SLOW_SQLITE: &str = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 500000000) SELECT count(*) FROM c";

/// `success, state, statements_done, statements_total` of a history row.
type RowColumns = (bool, Option<String>, Option<i64>, Option<i64>);

struct HistoryRow {
    success: bool,
    state: Option<String>,
    done: Option<i64>,
    total: Option<i64>,
}

async fn pg_row(url: &str, version: i64) -> Option<HistoryRow> {
    let mut conn = PgConnection::connect(url).await.unwrap();
    let row: Option<RowColumns> = sqlx::query_as(
        "SELECT success, state, statements_done, statements_total FROM _migrate_history WHERE version = $1",
    )
    .bind(version)
    .fetch_optional(&mut conn)
    .await
    .unwrap();
    row.map(|(success, state, done, total)| HistoryRow {
        success,
        state,
        done,
        total,
    })
}

async fn sqlite_row(url: &str, version: i64) -> Option<HistoryRow> {
    // Before the deployer creates the file, there is no row.
    let mut conn = SqliteConnection::connect(url).await.ok()?;
    let row: Option<RowColumns> = sqlx::query_as(
        "SELECT success, state, statements_done, statements_total FROM _migrate_history WHERE version = ?1",
    )
    .bind(version)
    .fetch_optional(&mut conn)
    .await
    .ok()
    .flatten();
    row.map(|(success, state, done, total)| HistoryRow {
        success,
        state,
        done,
        total,
    })
}

async fn pg_balance(url: &str) -> i64 {
    let mut conn = PgConnection::connect(url).await.unwrap();
    sqlx::query_scalar::<_, i32>("SELECT balance FROM accounts WHERE id = 1")
        .fetch_one(&mut conn)
        .await
        .map(i64::from)
        .unwrap()
}

async fn sqlite_balance(url: &str) -> i64 {
    let mut conn = SqliteConnection::connect(url).await.unwrap();
    sqlx::query_scalar("SELECT balance FROM accounts WHERE id = 1")
        .fetch_one(&mut conn)
        .await
        .unwrap()
}

#[test]
fn sigint_during_a_no_transaction_migration_records_the_statements_done_and_exits_130() {
    let Some(pg) = PgProject::new(&[
        ("migrations/1_accounts.sql", ACCOUNTS),
        ("migrations/2_bump.sql", BUMP_PG),
    ]) else {
        return;
    };
    let (rt, p, url) = (&pg.rt, &pg.p, pg.url());
    let child = pg.deploy_until(&[], "SELECT pg_sleep(20)");
    let signalled = Instant::now();
    kill(&child, "INT");
    let out = finish(child).expect(130);
    assert!(
        signalled.elapsed() < Duration::from_secs(10),
        "the sleep was not cancelled"
    );
    out.stderr_eq_with(p, &[("[URL]", url)], str![[r#"
    Applying 1 accounts (migrations/1_accounts.sql)
     Applied 1 accounts in [ELAPSED]
    Applying 2 bump (migrations/2_bump.sql)
    Stopping on SIGINT: cancelling the running statement (send it again to quit at once)
error: migrations/2_bump.sql: migration 2 (bump), run without a transaction, was interrupted by SIGINT during statement 2 (line 3): statement 1 (line 2) is done, statements 2-3 (lines 3-4) are not. Its history row records 1 of 3 statements done.
  Continue it with `cargo migrate deploy --resume 2`, or finish its remaining statements by hand and run `cargo migrate resolve --applied 2`, or undo its done statements by hand and run `cargo migrate resolve --rolled-back 2`

"#]]);
    // The statement was cancelled on the server, not left running.
    assert_eq!(pg.running("SELECT pg_sleep(20)"), 0);
    assert_eq!(rt.block_on(pg_balance(url)), 150);
    let row = rt.block_on(pg_row(url, 2)).expect("a history row for 2");
    assert!(!row.success);
    assert_eq!(row.state.as_deref(), Some("failed"));
    assert_eq!((row.done, row.total), (Some(1), Some(3)));

    // The next deploy refuses instead of running the UPDATE again.
    let again = p.run(&["deploy", "--database-url", url]).expect(4);
    again.stderr_eq_with(p, &[("[URL]", url)], str![[r#"
error: migration 2 (bump, migrations/2_bump.sql) stopped part-way with 1 of 3 statements done: statement 1 is done, statements 2-3 are not (interrupted by SIGINT during statement 2 (line 3): statement 1 (line 2) is done, statements 2-3 (lines 3-4) are not).
  Either finish the remaining statements by hand and record it with `cargo migrate resolve --applied 2`, or undo the done ones by hand and record that with `cargo migrate resolve --rolled-back 2`; `cargo migrate deploy --resume 2` runs the remaining statements

"#]]);
    assert_eq!(rt.block_on(pg_balance(url)), 150, "not 200");
    let status = p.run(&["status", "--database-url", url]).expect(4);
    status.stdout_eq(
        p,
        str![[r#"
VERSION          NAME     STATE        APPLIED AT                DURATION
1                accounts applied      [..]
2                bump     failed       [..] 1 of 3 statements done

"#]],
    );
}

#[test]
fn sigterm_during_a_transactional_migration_rolls_back_records_nothing_and_exits_143() {
    let Some(pg) = PgProject::new(&[
        ("migrations/1_accounts.sql", ACCOUNTS),
        (
            "migrations/2_bump.sql",
            "UPDATE accounts SET balance = balance + 50;\nSELECT pg_sleep(21);\n",
        ),
    ]) else {
        return;
    };
    let (rt, p, url) = (&pg.rt, &pg.p, pg.url());
    let child = pg.deploy_until(&[], "SELECT pg_sleep(21)");
    kill(&child, "TERM");
    let out = finish(child).expect(143);
    out.stderr_eq_with(p, &[("[URL]", url)], str![[r#"
    Applying 1 accounts (migrations/1_accounts.sql)
     Applied 1 accounts in [ELAPSED]
    Applying 2 bump (migrations/2_bump.sql)
    Stopping on SIGTERM: cancelling the running statement (send it again to quit at once)
error: migrations/2_bump.sql: migration 2 (bump) was interrupted by SIGTERM and rolled back: nothing of it was applied or recorded
  Deploy again to apply what is pending

"#]]);
    assert_eq!(rt.block_on(pg_balance(url)), 100);
    assert!(rt.block_on(pg_row(url, 2)).is_none(), "recorded nowhere");
    let status = p.run(&["status", "--database-url", url]).expect(3);
    status.stderr_eq_with(
        p,
        &[("[URL]", url)],
        str![[r#"
      Status 1 applied, 1 pending on [URL]

"#]],
    );
}

#[test]
fn sigkill_leaves_a_running_row_reported_as_interrupted_and_resume_finishes_it() {
    // Statement 2 waits for a lock the test holds: a slow statement the test can end.
    let Some(pg) = PgProject::new(&[
        ("migrations/1_accounts.sql", ACCOUNTS),
        (
            "migrations/2_bump.sql",
            "-- migrate:no-transaction\nUPDATE accounts SET balance = balance + 50;\nSELECT pg_advisory_xact_lock(4242);\nCREATE INDEX CONCURRENTLY accounts_bal ON accounts (balance);\n",
        ),
    ]) else {
        return;
    };
    let (rt, p, url) = (&pg.rt, &pg.p, pg.url());
    let mut gate = rt.block_on(PgConnection::connect(url)).unwrap();
    rt.block_on(sqlx::query("SELECT pg_advisory_lock(4242)").execute(&mut gate))
        .unwrap();
    let child = pg.deploy_until(&[], "SELECT pg_advisory_xact_lock(4242)");
    kill(&child, "KILL");
    finish(child);
    // The server notices the dead client (client_connection_check_interval) and ends its session.
    wait_for("the killed deployer's session to end", || {
        pg.running("SELECT pg_advisory_xact_lock(4242)") == 0
    });
    let row = rt.block_on(pg_row(url, 2)).expect("a history row for 2");
    assert_eq!(row.state.as_deref(), Some("running"));
    assert_eq!((row.done, row.total), (Some(1), Some(3)));

    let status = p.run(&["status", "--database-url", url]).expect(4);
    status.stdout_eq(
        p,
        str![[r#"
VERSION          NAME     STATE        APPLIED AT                DURATION
1                accounts applied      [..]
2                bump     failed       [..] 1 of 3 statements done

"#]],
    );
    status.stderr_eq_with(p, &[("[URL]", url)], str![[r#"
warning: migration 2 (bump, migrations/2_bump.sql) was interrupted (its deployer was killed or lost its connection) with 1 of 3 statements done: statement 1 is done, statements 2-3 are not.
  Either finish the remaining statements by hand and record it with `cargo migrate resolve --applied 2`, or undo the done ones by hand and record that with `cargo migrate resolve --rolled-back 2`; `cargo migrate deploy --resume 2` runs the remaining statements
      Status 1 applied, 0 pending, 1 failed on [URL]

"#]]);
    let json = p
        .run(&["status", "--database-url", url, "--format", "json"])
        .expect(4);
    assert!(
        json.stdout.contains("\"interrupted\": true"),
        "{}",
        json.stdout
    );

    let refused = p.run(&["deploy", "--database-url", url]).expect(4);
    refused.stderr_eq_with(p, &[("[URL]", url)], str![[r#"
error: migration 2 (bump, migrations/2_bump.sql) was interrupted (its deployer was killed or lost its connection) with 1 of 3 statements done: statement 1 is done, statements 2-3 are not.
  Either finish the remaining statements by hand and record it with `cargo migrate resolve --applied 2`, or undo the done ones by hand and record that with `cargo migrate resolve --rolled-back 2`; `cargo migrate deploy --resume 2` runs the remaining statements

"#]]);
    assert_eq!(rt.block_on(pg_balance(url)), 150);

    rt.block_on(sqlx::query("SELECT pg_advisory_unlock(4242)").execute(&mut gate))
        .unwrap();
    let resumed = p
        .run(&["deploy", "--database-url", url, "--resume", "2"])
        .expect(0);
    resumed.stderr_eq_with(
        p,
        &[("[URL]", url)],
        str![[r#"
    Applying 2 bump (migrations/2_bump.sql)
     Applied 2 bump in [ELAPSED]
    Finished 1 migration applied to [URL] in [ELAPSED]

"#]],
    );
    assert_eq!(rt.block_on(pg_balance(url)), 150, "the UPDATE ran once");
    let row = rt.block_on(pg_row(url, 2)).unwrap();
    assert!(row.success);
    assert_eq!(row.done, Some(3));
    let index: i64 = rt
        .block_on(
            sqlx::query_scalar("SELECT count(*) FROM pg_indexes WHERE indexname = 'accounts_bal'")
                .fetch_one(&mut gate),
        )
        .unwrap();
    assert_eq!(index, 1);
    p.run(&["status", "--database-url", url]).expect(0);
}

#[test]
fn a_running_row_is_reported_running_while_its_deployer_holds_the_lock() {
    let Some(pg) = PgProject::new(&[
        ("migrations/1_accounts.sql", ACCOUNTS),
        (
            "migrations/2_bump.sql",
            &BUMP_PG.replace("pg_sleep(20)", "pg_sleep(22)"),
        ),
    ]) else {
        return;
    };
    let (p, url) = (&pg.p, pg.url());
    let child = pg.deploy_until(&[], "SELECT pg_sleep(22)");
    let status = p.run(&["status", "--database-url", url]).expect(4);
    status.stdout_eq(
        p,
        str![[r#"
VERSION          NAME     STATE        APPLIED AT                DURATION
1                accounts applied      [..]
2                bump     running      [..] 1 of 3 statements done

"#]],
    );
    status.stderr_eq_with(p, &[("[URL]", url)], str![[r#"
     Running migration 2 (bump) is being applied by a deploy that holds the lock now: 1 of 3 statements done so far
      Status 1 applied, 0 pending, 1 failed on [URL]
        Lock advisory lock (held by pid [..], no application_name, since [..])

"#]]);
    assert!(
        !status.stderr.contains("was interrupted"),
        "{}",
        status.stderr
    );
    kill(&child, "INT");
    finish(child).expect(130);
}

#[test]
fn resume_continues_at_the_first_statement_not_done_and_refuses_an_edited_done_prefix() {
    let p = Project::new("dialect = \"sqlite\"");
    let url = p.sqlite_url();
    p.write("migrations/1_accounts.sql", ACCOUNTS);
    let broken = "-- migrate:no-transaction\nCREATE TABLE a (x INTEGER);\nINSERT INTO nope VALUES (1);\nCREATE TABLE b (x INTEGER);\n";
    p.write("migrations/2_tables.sql", broken);
    let failed = p.run(&["deploy", "--database-url", &url]).expect(1);
    failed.stderr_eq_with(&p, &[("[URL]", &url)], str![[r#"
    Applying 1 accounts (migrations/1_accounts.sql)
     Applied 1 accounts in [ELAPSED]
    Applying 2 tables (migrations/2_tables.sql)
error: migrations/2_tables.sql:3:1: migration 2 (tables) failed: no such table: nope; statement 1 (line 2) is done, statements 2-3 (lines 3-4) are not
  It ran without a transaction, so the statements before this one stay applied; it is recorded as failed.
  Fix the failed statement and run `cargo migrate deploy --resume 2`: it starts at that statement when the done ones are unchanged. Or finish or undo it by hand, then run `cargo migrate resolve --applied 2` or `cargo migrate resolve --rolled-back 2`.

"#]]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let row = rt.block_on(sqlite_row(&url, 2)).unwrap();
    assert_eq!((row.done, row.total), (Some(1), Some(3)));
    assert_eq!(row.state.as_deref(), Some("failed"));

    // The done statement was edited: its text no longer matches what ran.
    p.write(
        "migrations/2_tables.sql",
        broken.replace("a (x", "a (y").replace("nope", "a"),
    );
    let refused = p
        .run(&["deploy", "--database-url", &url, "--resume", "2"])
        .expect(4);
    refused.stderr_eq_with(&p, &[("[URL]", &url)], str![[r#"
error: cannot resume migration 2: the text of its 1 done statement(s) in migrations/2_tables.sql changed since they ran; restore them (see `git log -p -- migrations/2_tables.sql`) so the resume starts at the right statement

"#]]);

    // Only the failed statement fixed: the resume skips CREATE TABLE a (which would fail).
    p.write("migrations/2_tables.sql", broken.replace("nope", "a"));
    p.run(&["deploy", "--database-url", &url, "--resume", "2"])
        .expect(0);
    let row = rt.block_on(sqlite_row(&url, 2)).unwrap();
    assert!(row.success);
    assert_eq!(row.done, Some(3));
    p.run(&["status", "--database-url", &url]).expect(0);
    // Nothing to resume now.
    p.run(&["deploy", "--database-url", &url, "--resume", "2"])
        .expect(4);
}

#[test]
fn sigint_during_a_no_transaction_migration_on_sqlite_records_the_statements_done() {
    let p = Project::new("dialect = \"sqlite\"");
    let url = p.sqlite_url();
    p.write("migrations/1_accounts.sql", ACCOUNTS);
    p.write(
        "migrations/2_bump.sql",
        format!("-- migrate:no-transaction\nUPDATE accounts SET balance = balance + 50;\n{SLOW_SQLITE};\nCREATE TABLE after_slow (x INTEGER);\n"),
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let child = spawn(&p, &["deploy", "--database-url", &url]);
    wait_for("statement 1 recorded done", || {
        rt.block_on(sqlite_row(&url, 2))
            .is_some_and(|r| r.done == Some(1))
    });
    std::thread::sleep(Duration::from_millis(300));
    let signalled = Instant::now();
    kill(&child, "INT");
    let out = finish(child).expect(130);
    assert!(
        signalled.elapsed() < Duration::from_secs(5),
        "the statement was not interrupted"
    );
    out.stderr_eq_with(&p, &[("[URL]", &url)], str![[r#"
    Applying 1 accounts (migrations/1_accounts.sql)
     Applied 1 accounts in [ELAPSED]
    Applying 2 bump (migrations/2_bump.sql)
    Stopping on SIGINT: cancelling the running statement (send it again to quit at once)
error: migrations/2_bump.sql: migration 2 (bump), run without a transaction, was interrupted by SIGINT during statement 2 (line 3): statement 1 (line 2) is done, statements 2-3 (lines 3-4) are not. Its history row records 1 of 3 statements done.
  Continue it with `cargo migrate deploy --resume 2`, or finish its remaining statements by hand and run `cargo migrate resolve --applied 2`, or undo its done statements by hand and run `cargo migrate resolve --rolled-back 2`

"#]]);
    assert_eq!(rt.block_on(sqlite_balance(&url)), 150);
    let row = rt.block_on(sqlite_row(&url, 2)).unwrap();
    assert!(!row.success);
    assert_eq!(row.state.as_deref(), Some("failed"));
    assert_eq!((row.done, row.total), (Some(1), Some(3)));
    let again = p.run(&["deploy", "--database-url", &url]).expect(4);
    again.stderr_eq_with(&p, &[("[URL]", &url)], str![[r#"
error: migration 2 (bump, migrations/2_bump.sql) stopped part-way with 1 of 3 statements done: statement 1 is done, statements 2-3 are not (interrupted by SIGINT during statement 2 (line 3): statement 1 (line 2) is done, statements 2-3 (lines 3-4) are not).
  Either finish the remaining statements by hand and record it with `cargo migrate resolve --applied 2`, or undo the done ones by hand and record that with `cargo migrate resolve --rolled-back 2`; `cargo migrate deploy --resume 2` runs the remaining statements

"#]]);
    assert_eq!(rt.block_on(sqlite_balance(&url)), 150, "not 200");
}

#[test]
fn sigkill_on_sqlite_leaves_a_running_row_reported_as_interrupted_and_resume_finishes_it() {
    let p = Project::new("dialect = \"sqlite\"");
    let url = p.sqlite_url();
    // The slow statement counts up to `gate.n`: the test lowers it for the resume.
    p.write(
        "migrations/1_accounts.sql",
        format!("{ACCOUNTS}CREATE TABLE gate (n INTEGER NOT NULL);\nINSERT INTO gate VALUES (500000000);\n"),
    );
    p.write(
        "migrations/2_bump.sql",
        "-- migrate:no-transaction\nUPDATE accounts SET balance = balance + 50;\n\
         WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < (SELECT n FROM gate)) SELECT count(*) FROM c;\n\
         CREATE TABLE after_slow (x INTEGER);\n",
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let child = spawn(&p, &["deploy", "--database-url", &url]);
    wait_for("statement 1 recorded done", || {
        rt.block_on(sqlite_row(&url, 2))
            .is_some_and(|r| r.done == Some(1))
    });
    std::thread::sleep(Duration::from_millis(300));
    kill(&child, "KILL");
    finish(child);
    let row = rt
        .block_on(sqlite_row(&url, 2))
        .expect("a history row for 2");
    assert!(!row.success);
    assert_eq!(row.state.as_deref(), Some("running"));
    assert_eq!((row.done, row.total), (Some(1), Some(3)));

    let status = p.run(&["status", "--database-url", &url]).expect(4);
    status.stdout_eq(
        &p,
        str![[r#"
VERSION          NAME     STATE        APPLIED AT                DURATION
1                accounts applied      [..]
2                bump     failed       [..] 1 of 3 statements done

"#]],
    );
    status.stderr_eq_with(&p, &[("[URL]", &url)], str![[r#"
warning: migration 2 (bump, migrations/2_bump.sql) was interrupted (its deployer was killed or lost its connection) with 1 of 3 statements done: statement 1 is done, statements 2-3 are not.
  Either finish the remaining statements by hand and record it with `cargo migrate resolve --applied 2`, or undo the done ones by hand and record that with `cargo migrate resolve --rolled-back 2`; `cargo migrate deploy --resume 2` runs the remaining statements
      Status 1 applied, 0 pending, 1 failed on [URL]

"#]]);
    let refused = p.run(&["deploy", "--database-url", &url]).expect(4);
    refused.stderr_eq_with(&p, &[("[URL]", &url)], str![[r#"
error: migration 2 (bump, migrations/2_bump.sql) was interrupted (its deployer was killed or lost its connection) with 1 of 3 statements done: statement 1 is done, statements 2-3 are not.
  Either finish the remaining statements by hand and record it with `cargo migrate resolve --applied 2`, or undo the done ones by hand and record that with `cargo migrate resolve --rolled-back 2`; `cargo migrate deploy --resume 2` runs the remaining statements

"#]]);
    assert_eq!(rt.block_on(sqlite_balance(&url)), 150);

    rt.block_on(async {
        let mut conn = SqliteConnection::connect(&url).await.unwrap();
        sqlx::query("UPDATE gate SET n = 1")
            .execute(&mut conn)
            .await
            .unwrap();
    });
    let resumed = p
        .run(&["deploy", "--database-url", &url, "--resume", "2"])
        .expect(0);
    resumed.stderr_eq_with(
        &p,
        &[("[URL]", &url)],
        str![[r#"
    Applying 2 bump (migrations/2_bump.sql)
     Applied 2 bump in [ELAPSED]
    Finished 1 migration applied to [URL] in [ELAPSED]

"#]],
    );
    assert_eq!(
        rt.block_on(sqlite_balance(&url)),
        150,
        "the UPDATE ran once"
    );
    let row = rt.block_on(sqlite_row(&url, 2)).unwrap();
    assert!(row.success);
    assert_eq!(row.done, Some(3));
    p.run(&["status", "--database-url", &url]).expect(0);
}

#[test]
fn sigterm_during_a_transactional_migration_on_sqlite_rolls_back_and_exits_143() {
    let p = Project::new("dialect = \"sqlite\"");
    let url = p.sqlite_url();
    p.write("migrations/1_accounts.sql", ACCOUNTS);
    p.write(
        "migrations/2_bump.sql",
        format!("UPDATE accounts SET balance = balance + 50;\n{SLOW_SQLITE};\n"),
    );
    let journal = p.path().join("app.db-journal");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let child = spawn(&p, &["deploy", "--database-url", &url]);
    wait_for("migration 2's transaction", || {
        journal.exists() && rt.block_on(sqlite_row(&url, 1)).is_some()
    });
    std::thread::sleep(Duration::from_millis(300));
    kill(&child, "TERM");
    let out = finish(child).expect(143);
    out.stderr_eq_with(&p, &[("[URL]", &url)], str![[r#"
    Applying 1 accounts (migrations/1_accounts.sql)
     Applied 1 accounts in [ELAPSED]
    Applying 2 bump (migrations/2_bump.sql)
    Stopping on SIGTERM: cancelling the running statement (send it again to quit at once)
error: migrations/2_bump.sql: migration 2 (bump) was interrupted by SIGTERM and rolled back: nothing of it was applied or recorded
  Deploy again to apply what is pending

"#]]);
    assert_eq!(rt.block_on(sqlite_balance(&url)), 100);
    assert!(rt.block_on(sqlite_row(&url, 2)).is_none());
}

#[test]
fn a_history_table_of_an_earlier_version_keeps_working_and_gains_the_progress_columns() {
    let p = Project::new("dialect = \"sqlite\"");
    let url = p.sqlite_url();
    p.write("migrations/1_accounts.sql", ACCOUNTS);
    p.run(&["deploy", "--database-url", &url]).expect(0);
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Rebuild the table as version 0.1 made it (no progress columns), keeping the row.
    rt.block_on(async {
        let mut conn = SqliteConnection::connect(&url).await.unwrap();
        for sql in [
            "CREATE TABLE old AS SELECT version, name, checksum, applied_at, execution_ms, success, error, applied_by, backup FROM _migrate_history",
            "DROP TABLE _migrate_history",
            "ALTER TABLE old RENAME TO _migrate_history",
        ] {
            sqlx::query(sql).execute(&mut conn).await.unwrap();
        }
    });
    p.write(
        "migrations/2_more.sql",
        "-- migrate:no-transaction\nCREATE TABLE more (x INTEGER);\n",
    );
    let status = p.run(&["status", "--database-url", &url]).expect(3);
    status.stderr_eq_with(
        &p,
        &[("[URL]", &url)],
        str![[r#"
      Status 1 applied, 1 pending on [URL]

"#]],
    );
    p.run(&["deploy", "--database-url", &url]).expect(0);
    let row = rt.block_on(sqlite_row(&url, 2)).unwrap();
    assert!(row.success);
    assert_eq!((row.done, row.total), (Some(1), Some(1)));
    p.run(&["status", "--database-url", &url]).expect(0);
}
