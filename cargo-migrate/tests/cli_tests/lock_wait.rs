//! A migration statement that waits for a table lock: who holds it is reported, the wait is
//! bounded by `--statement-lock-timeout`, and `--lock-retries` retries the migration.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use crate::support::Project;
use crate::support::pg::PgProject;
use sqlx::{Connection, PgConnection, SqliteConnection};

const ACCOUNTS: &str = "CREATE TABLE accounts (id INTEGER PRIMARY KEY);\n";
const ALTER: &str = "ALTER TABLE accounts ADD COLUMN x INTEGER;\n";

/// Spawns the deploy; its stderr lines arrive on the channel with the time they were read.
fn spawn(p: &Project, args: &[&str]) -> (Child, Receiver<(Instant, String)>) {
    let mut child = p
        .command(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn cargo-migrate");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send((Instant::now(), line));
        }
    });
    (child, rx)
}

/// The first line containing `needle` within `within`, with every line read on the way.
fn line_with(
    rx: &Receiver<(Instant, String)>,
    needle: &str,
    within: Duration,
    seen: &mut Vec<String>,
) -> Option<(Instant, String)> {
    let deadline = Instant::now() + within;
    while let Ok((at, line)) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        seen.push(line.clone());
        if line.contains(needle) {
            return Some((at, line));
        }
    }
    None
}

/// A session that holds ACCESS SHARE on `accounts` in an open transaction; returns its pid.
async fn block(url: &str) -> (PgConnection, i32) {
    let mut conn = PgConnection::connect(url).await.unwrap();
    let pid = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    for sql in [
        "SET application_name = 'report-job'",
        "BEGIN",
        "LOCK TABLE accounts IN ACCESS SHARE MODE",
    ] {
        sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
    }
    (conn, pid)
}

async fn alter_waiting(url: &str) -> bool {
    let mut conn = PgConnection::connect(url).await.unwrap();
    sqlx::query_scalar::<_, i64>(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'ALTER TABLE accounts%'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap()
        > 0
}

fn setup() -> Option<(tokio::runtime::Runtime, migrate_tests::PgTestDb, Project)> {
    let pg = PgProject::new(&[("migrations/1_accounts.sql", ACCOUNTS)])?;
    pg.run(&["deploy"]).expect(0);
    pg.p.write("migrations/2_alter.sql", ALTER);
    Some((pg.rt, pg.db, pg.p))
}

#[test]
fn a_statement_waiting_for_a_lock_names_who_holds_it_after_2s_and_every_10s() {
    let Some((rt, db, p)) = setup() else {
        return;
    };
    let url = db.url.as_str();
    let (mut blocker, pid) = rt.block_on(block(url));
    let (mut child, rx) = spawn(
        &p,
        &[
            "deploy",
            "--database-url",
            url,
            "--statement-lock-timeout",
            "60",
        ],
    );
    let started = Instant::now();
    while !rt.block_on(alter_waiting(url)) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the ALTER never waited"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let blocked_at = Instant::now();
    let mut seen = Vec::new();
    let (first_at, first) = line_with(&rx, "Blocked", Duration::from_secs(10), &mut seen)
        .unwrap_or_else(|| panic!("no lock-wait message: {seen:?}"));
    let latency = first_at - blocked_at;
    eprintln!("lock-wait message latency: {} ms", latency.as_millis());
    assert!(latency < Duration::from_secs(4), "{latency:?}");
    assert!(first.contains("migration 2 has waited"), "{first}");
    assert!(
        first.contains(&format!("pid {pid}, application report-job,")),
        "{first}"
    );
    assert!(first.contains("idle in transaction"), "{first}");
    assert!(
        first.contains("LOCK TABLE accounts IN ACCESS SHARE MODE"),
        "{first}"
    );
    let (second_at, _) = line_with(&rx, "Blocked", Duration::from_secs(13), &mut seen)
        .unwrap_or_else(|| panic!("no repeated message: {seen:?}"));
    let gap = second_at - first_at;
    assert!(
        gap >= Duration::from_millis(9500) && gap < Duration::from_secs(12),
        "{gap:?}"
    );
    rt.block_on(sqlx::raw_sql("COMMIT").execute(&mut blocker))
        .unwrap();
    assert!(child.wait().unwrap().success());
}

#[test]
fn lock_retries_retry_a_migration_that_hit_the_statement_lock_timeout() {
    let Some((rt, db, p)) = setup() else {
        return;
    };
    let url = db.url.as_str();
    let (mut blocker, _) = rt.block_on(block(url));
    let (mut child, rx) = spawn(
        &p,
        &[
            "deploy",
            "--database-url",
            url,
            "--statement-lock-timeout",
            "1",
            "--lock-retries",
            "3",
        ],
    );
    let mut seen = Vec::new();
    let (_, retry) = line_with(&rx, "Retrying", Duration::from_secs(20), &mut seen)
        .unwrap_or_else(|| panic!("no retry: {seen:?}"));
    assert!(retry.contains("retry 1 of 3 in 1s"), "{retry}");
    // The lock is free before the retry runs: the migration goes through.
    rt.block_on(sqlx::raw_sql("COMMIT").execute(&mut blocker))
        .unwrap();
    assert!(child.wait().unwrap().success(), "{seen:?}");
    let has_x: bool = rt
        .block_on(
            sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'x')",
            )
            .fetch_one(&mut blocker),
        )
        .unwrap();
    assert!(has_x);
}

#[test]
fn the_statement_lock_timeout_fails_the_migration_and_rolls_it_back() {
    let Some((rt, db, p)) = setup() else {
        return;
    };
    let url = db.url.as_str();
    let (_blocker, _) = rt.block_on(block(url));
    let (mut child, rx) = spawn(
        &p,
        &[
            "deploy",
            "--database-url",
            url,
            "--statement-lock-timeout",
            "1",
            "--lock-retries",
            "0",
        ],
    );
    let started = Instant::now();
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("the statement was not stopped by the lock timeout");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(code, Some(1));
    std::thread::sleep(Duration::from_millis(200));
    let stderr: Vec<String> = rx.try_iter().map(|(_, line)| line).collect();
    assert!(
        stderr.iter().any(|l| l.contains("lock timeout")),
        "{stderr:?}"
    );
    let status = p.run(&["status", "--database-url", url]).expect(3);
    assert!(
        status.stderr.contains("1 applied, 1 pending"),
        "{}",
        status.stderr
    );
}

/// SQLite: a no-transaction migration's statement waits for another connection's write
/// lock at most `--statement-lock-timeout` (its busy timeout), not the deploy lock's wait.
#[test]
fn a_sqlite_no_transaction_statement_waits_for_a_write_lock_at_most_the_statement_lock_timeout() {
    let p = Project::new("dialect = \"sqlite\"");
    let url = p.sqlite_url();
    let other = p.path().join("other.db");
    // The statement writes another database file, whose write lock the test holds; the
    // history table stays free, so only the statement waits.
    p.write(
        "migrations/1_copy.sql",
        format!(
            "-- migrate:no-transaction\nATTACH DATABASE '{}' AS other;\nINSERT INTO other.t VALUES (1);\n",
            other.display()
        ),
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut holder = rt.block_on(async {
        let mut conn = SqliteConnection::connect(&format!("sqlite:{}?mode=rwc", other.display()))
            .await
            .unwrap();
        for sql in [
            "CREATE TABLE t (x INTEGER)",
            "BEGIN IMMEDIATE",
            "INSERT INTO t VALUES (0)",
        ] {
            sqlx::query(sql).execute(&mut conn).await.unwrap();
        }
        conn
    });
    let started = Instant::now();
    let out = p
        .run(&[
            "deploy",
            "--database-url",
            &url,
            "--lock-timeout",
            "30",
            "--statement-lock-timeout",
            "1",
        ])
        .expect(1);
    let waited = started.elapsed();
    assert!(
        waited < Duration::from_secs(10),
        "waited {waited:?}: the deploy lock's 30 s, not the statement's 1 s"
    );
    assert!(out.stderr.contains("database is locked"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("statement 1 (line 2) is done, statement 2 (line 3) is not"),
        "{}",
        out.stderr
    );
    rt.block_on(sqlx::query("ROLLBACK").execute(&mut holder))
        .unwrap();
}
