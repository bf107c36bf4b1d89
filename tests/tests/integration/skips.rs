//! A PostgreSQL test without a server must not pass silently: the runner's output names it
//! and the binary ends with a count. These tests run their own binary again, with the server
//! unreachable and only the probe selected.

use std::process::Command;

use migrate_tests::pg_database;

/// Needs PostgreSQL; the test below runs it (alone) with the server made unreachable.
#[tokio::test]
async fn probe_needs_postgres() {
    let Some(db) = pg_database().await else {
        // A test that asks twice (one database per dialect pass) is still one skipped test.
        assert!(pg_database().await.is_none());
        return;
    };
    assert!(db.url.starts_with("postgres"));
}

const CLOSED: &str = "postgres://postgres:hunter2@127.0.0.1:1/test";
const CLOSED_SHOWN: &str = "postgres://postgres:***@127.0.0.1:1/test";

/// Runs the probe alone in a child process: whether it passed, and its output.
fn run_probe(require_db: bool) -> (bool, String) {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "skips::probe_needs_postgres"])
        .env("MIGRATE_TEST_PG_URL", CLOSED)
        .env_remove("MIGRATE_TEST_REQUIRE_DB");
    if require_db {
        cmd.env("MIGRATE_TEST_REQUIRE_DB", "1");
    }
    let out = cmd.output().unwrap();
    // libtest reports a failing test's panic on stdout: both streams, stderr first.
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    (out.status.success(), text)
}

#[test]
fn a_skipped_postgres_test_is_named_and_counted_in_the_output() {
    let (passed, stderr) = run_probe(false);
    assert!(
        passed,
        "a skip is not a failure without MIGRATE_TEST_REQUIRE_DB: {stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "SKIPPED integration::skips::probe_needs_postgres: PostgreSQL is not reachable at {CLOSED_SHOWN}"
        )),
        "the skipped test is named where the runner shows it: {stderr}"
    );
    let summary = stderr
        .lines()
        .find(|l| l.starts_with("SKIPPED: "))
        .unwrap_or_else(|| panic!("no summary line: {stderr}"));
    assert!(
        summary.starts_with(
            "SKIPPED: 1 database test(s) in integration and 1 so far in this cargo test run, listed in "
        ) && summary.contains("migrate-test-skips"),
        "{summary}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
}

#[test]
fn with_require_db_an_absent_server_fails_the_test() {
    let (passed, stderr) = run_probe(true);
    assert!(!passed, "{stderr}");
    assert!(
        stderr.contains("MIGRATE_TEST_REQUIRE_DB is set, so this is a failure, not a skip"),
        "{stderr}"
    );
    assert!(!stderr.contains("SKIPPED"), "{stderr}");
}
