//! Deploys through a real PgBouncer in transaction mode (started by the test on a free port,
//! stopped by PID), and the lease lock directly on PostgreSQL: racing deployers apply each
//! migration exactly once, a deployer killed while holding the lease is taken over after it
//! expires, and status, verify and revert work through the pooler.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use migrate_tests::pgbouncer::PgBouncer;
use snapbox::str;
use sqlx::{Connection, PgConnection};

use crate::support::Run;
use crate::support::pg::{PgProject, finish, kill, wait_for};

/// Five migrations; each records that it ran in `ran` (so a migration run twice shows, even
/// if its history row were written once), one is slow so the racers overlap, one runs
/// without a transaction (its statements each run alone through the pooler).
const RACE: &[(&str, &str)] = &[
    (
        "migrations/1_ran.sql",
        "CREATE TABLE ran (version INTEGER NOT NULL);\nINSERT INTO ran VALUES (1);\n",
    ),
    (
        "migrations/2_slow.sql",
        "INSERT INTO ran VALUES (2);\nSELECT pg_sleep(0.5);\n",
    ),
    (
        "migrations/3_items.sql",
        "CREATE TABLE items (id INTEGER NOT NULL);\nINSERT INTO ran VALUES (3);\n",
    ),
    (
        "migrations/4_index.sql",
        "-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY items_id ON items (id);\nINSERT INTO ran VALUES (4);\n",
    ),
    (
        "migrations/5_more.sql",
        "ALTER TABLE items ADD COLUMN name TEXT;\nINSERT INTO ran VALUES (5);\n",
    ),
];

/// The history rows: version and success, in order.
fn history(pg: &PgProject) -> Vec<(i64, bool)> {
    pg.rt.block_on(async {
        let mut conn = PgConnection::connect(pg.url()).await.unwrap();
        sqlx::query_as("SELECT version, success FROM _migrate_history ORDER BY version")
            .fetch_all(&mut conn)
            .await
            .unwrap()
    })
}

/// Runs `racers` deploys at once against `url` and checks every migration ran and was
/// recorded exactly once; returns their outputs.
fn race(pg: &PgProject, url: &str, extra: &[&str], racers: usize) -> Vec<Run> {
    let children: Vec<Child> = (0..racers)
        .map(|_| {
            let mut args = vec!["deploy", "--database-url", url, "--lock-timeout", "60"];
            args.extend(extra);
            pg.p.command(&args)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn cargo-migrate")
        })
        .collect();
    let runs: Vec<Run> = children
        .into_iter()
        .map(|c| Run::from(c.wait_with_output().unwrap()))
        .collect();
    for run in &runs {
        assert_eq!(run.code, 0, "a racer failed:\n{}", run.stderr);
    }
    let ran: Vec<(i32, i64)> = pg.rt.block_on(async {
        let mut conn = PgConnection::connect(pg.url()).await.unwrap();
        sqlx::query_as("SELECT version, count(*) FROM ran GROUP BY version ORDER BY version")
            .fetch_all(&mut conn)
            .await
            .unwrap()
    });
    assert_eq!(
        ran,
        (1..=5).map(|v| (v, 1)).collect::<Vec<_>>(),
        "runs per migration"
    );
    assert_eq!(
        history(pg),
        (1..=5).map(|v| (v, true)).collect::<Vec<_>>(),
        "history rows"
    );
    let applied: usize = runs
        .iter()
        .map(|r| r.stderr.matches("     Applied ").count())
        .sum();
    assert_eq!(applied, 5, "each migration applied by exactly one racer");
    runs
}

#[test]
fn eight_deployers_through_pgbouncer_apply_each_migration_exactly_once() {
    let Some(pg) = PgProject::new(RACE) else {
        return;
    };
    let Some(bouncer) = PgBouncer::start() else {
        return;
    };
    let url = bouncer.url(pg.url());
    let started = Instant::now();
    let runs = race(&pg, &url, &[], 8);
    eprintln!(
        "8 racers through PgBouncer: {} ms",
        started.elapsed().as_millis()
    );
    // The pooler was detected: the lease lock was used, and the others waited on it.
    let waited = runs
        .iter()
        .filter(|r| r.stderr.contains("Waiting for the lease lock held by"))
        .count();
    assert!(waited >= 1, "{}", runs[0].stderr);
    let status = pg.p.run(&["status", "--database-url", &url]).expect(0);
    assert!(
        status
            .stderr
            .contains("Lock lease lock (free): the server listens on port"),
        "{}\n{}",
        status.stderr,
        bouncer.log()
    );
}

#[test]
fn eight_deployers_with_the_lease_lock_directly_on_postgres_apply_each_migration_once() {
    let Some(pg) = PgProject::new(RACE) else {
        return;
    };
    let url = pg.url().to_owned();
    let runs = race(&pg, &url, &["--lock", "lease"], 8);
    assert!(
        runs.iter()
            .any(|r| r.stderr.contains("Waiting for the lease lock held by")),
        "{}",
        runs[0].stderr
    );
}

#[test]
fn status_verify_and_revert_work_through_pgbouncer() {
    let Some(pg) = PgProject::new(&[
        (
            "migrations/1_accounts.up.sql",
            "CREATE TABLE accounts (id INTEGER PRIMARY KEY);\n",
        ),
        ("migrations/1_accounts.down.sql", "DROP TABLE accounts;\n"),
        (
            "migrations/2_index.up.sql",
            "-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY accounts_id ON accounts (id);\n",
        ),
        (
            "migrations/2_index.down.sql",
            "-- migrate:no-transaction\nDROP INDEX CONCURRENTLY accounts_id;\n",
        ),
    ]) else {
        return;
    };
    let Some(bouncer) = PgBouncer::start() else {
        return;
    };
    let url = bouncer.url(pg.url());
    let run = |args: &[&str], code: i32| {
        let mut all = args.to_vec();
        all.extend(["--database-url", &url]);
        pg.p.run(&all).expect(code)
    };
    let pending = run(&["status"], 3);
    assert!(pending.stdout.contains("pending"), "{}", pending.stdout);
    run(&["deploy"], 0);
    run(&["status"], 0).stderr_eq_with(
        &pg.p,
        &[("[URL]", &url)],
        str![[r#"
      Status 2 applied, 0 pending on [URL]
        Lock lease lock (free): the server listens on port [..] but the URL connects to port [..]: a connection pooler (or a port forward) is in between, and a session advisory lock would not lock through a transaction pooler

"#]],
    );
    let applied = run(&["status", "--format", "json"], 0);
    assert!(
        applied.stdout.contains("\"kind\": \"lease\""),
        "{}",
        applied.stdout
    );
    let verified = run(&["verify"], 0);
    assert!(verified.stderr.contains("no drift"), "{}", verified.stderr);
    let reverted = run(&["revert"], 0);
    assert!(
        reverted.stderr.contains("Reverted 2 index"),
        "{}",
        reverted.stderr
    );
    run(&["status"], 3);
    run(&["verify"], 0);
    // The lease table is ours: the index is gone, nothing else differs.
    let exists: bool = pg.rt.block_on(async {
        let mut conn = PgConnection::connect(pg.url()).await.unwrap();
        sqlx::query_scalar("SELECT to_regclass('accounts_id') IS NOT NULL")
            .fetch_one(&mut conn)
            .await
            .unwrap()
    });
    assert!(!exists);
}

#[test]
fn a_deployer_killed_while_holding_the_lease_is_taken_over_after_it_expires() {
    let Some(pg) = PgProject::new(&[
        (
            "migrations/1_accounts.sql",
            "CREATE TABLE accounts (id INTEGER);\n",
        ),
        ("migrations/2_slow.sql", "SELECT pg_sleep(4);\n"),
    ]) else {
        return;
    };
    let Some(bouncer) = PgBouncer::start() else {
        return;
    };
    // A short lease, from the configuration.
    pg.p.write(
        "Cargo.toml",
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [package.metadata.migrate]\ndialect = \"postgres\"\nlease-duration = 4\n",
    );
    let url = bouncer.url(pg.url());
    let first =
        pg.p.command(&["deploy", "--database-url", &url])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
    wait_for("the slow migration", || {
        pg.running("SELECT pg_sleep(4)") > 0
    });
    kill(&first, "KILL");
    let killed = Instant::now();
    let _ = finish(first);
    let mut second =
        pg.p.command(&["deploy", "--database-url", &url])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
    let stderr = second.stderr.take().unwrap();
    let mut lines = Vec::new();
    let mut took_over = None;
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        if took_over.is_none() && line.contains("Took over the lease lock of") {
            took_over = Some(killed.elapsed());
        }
        lines.push(line);
    }
    let status = second.wait().unwrap();
    let stderr = lines.join("\n");
    assert!(status.success(), "{stderr}\n{}", bouncer.log());
    let second = Run {
        code: 0,
        stdout: String::new(),
        stderr: format!("{stderr}\n"),
    };
    second.stderr_eq_with(
        &pg.p,
        &[("[URL]", &url)],
        str![[r#"
     Waiting for the lease lock held by [..]: another deploy is running on this database (its lease expires in [ELAPSED] unless renewed)
   Took over the lease lock of [..], expired [..]s ago: that deployer stopped renewing it (crashed or cut off); check `status` for a migration it left running
    Applying 2 slow (migrations/2_slow.sql)
     Applied 2 slow in [ELAPSED]
    Finished 1 migration applied to [URL] in [ELAPSED]

"#]],
    );
    let took_over = took_over.unwrap_or_else(|| panic!("no takeover reported:\n{stderr}"));
    eprintln!(
        "lease takeover {} ms after SIGKILL (lease 4 s)",
        took_over.as_millis()
    );
    // It waited for the lease to expire (renewed every 4/3 s until the kill, so at least
    // 2.7 s were left: the second deployer starts well within them), no longer than the
    // lease and a poll.
    assert!(
        stderr.contains("Waiting for the lease lock held by"),
        "{stderr}"
    );
    assert!(
        took_over <= Duration::from_secs(6),
        "{took_over:?}\n{stderr}"
    );
    assert!(stderr.contains("Applied 2 slow"), "{stderr}");
    let rows = history(&pg);
    assert_eq!(rows, vec![(1, true), (2, true)]);
}

#[test]
fn a_deployer_whose_lease_was_taken_over_stops_before_the_next_migration() {
    let Some(pg) = PgProject::new(&[
        (
            "migrations/1_accounts.sql",
            "CREATE TABLE accounts (id INTEGER);\n",
        ),
        ("migrations/2_slow.sql", "SELECT pg_sleep(3);\n"),
        (
            "migrations/3_after.sql",
            "CREATE TABLE after_it (id INTEGER);\n",
        ),
    ]) else {
        return;
    };
    pg.p.write(
        "Cargo.toml",
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [package.metadata.migrate]\ndialect = \"postgres\"\nlock = \"lease\"\nlease-duration = 2\n",
    );
    let deploy = pg.deploy_until(&[], "SELECT pg_sleep(3)");
    // Another deployer took the lease (as if ours had expired while we were cut off).
    pg.sql(
        "UPDATE _migrate_history_lock SET owner = 'intruder:1:0', \
         expires_at = now() + interval '1 hour'",
    );
    let run = finish(deploy).expect(1);
    assert!(
        run.stderr
            .contains("the lease lock was taken over by another deployer"),
        "{}",
        run.stderr
    );
    let rows = history(&pg);
    assert_eq!(rows, vec![(1, true), (2, true)], "{}", run.stderr);
}
