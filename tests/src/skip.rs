//! Skips made visible. A test whose server is absent returns early and libtest counts it as
//! passed, so each skip also (1) prints `SKIPPED <binary>::<test>: …` straight to the
//! process's stderr, which the runner shows even for a passing test, (2) appends the test to
//! `target/migrate-test-skips/<run>.txt`, one file per `cargo test` run, and (3) when the test
//! binary exits, prints one line counting the database tests it skipped and those skipped
//! so far in the whole run: the last such line of `cargo test --workspace` is the run's total.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

/// `binary::test` of every test this process skipped.
static SKIPPED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Records that the running test skips because its server is absent (`why` says which and how).
pub(crate) fn record(why: &str) {
    let name = format!("{}::{}", binary(), test_name());
    let mut skipped = SKIPPED.lock().unwrap_or_else(|e| e.into_inner());
    if skipped.contains(&name) {
        return; // one test asking twice is one skipped test
    }
    if skipped.is_empty() {
        at_exit();
    }
    skipped.push(name.clone());
    drop(skipped);
    // Not `eprintln!`: libtest captures that and shows it only for a failing test.
    let _ = writeln!(
        std::io::stderr().lock(),
        "SKIPPED {name}: {why}; it ran nothing and is counted as passed (MIGRATE_TEST_REQUIRE_DB=1 makes this a failure)"
    );
    if let Some(path) = run_file() {
        let _ = std::fs::create_dir_all(path.parent().expect("run file has a folder"));
        if let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
        {
            let _ = writeln!(file, "{name}");
        }
    }
}

/// The line printed when the test binary exits, or `None` when it skipped nothing.
pub fn summary() -> Option<String> {
    let here = SKIPPED.lock().unwrap_or_else(|e| e.into_inner()).len();
    if here == 0 {
        return None;
    }
    let (run, listed) = match run_file() {
        Some(path) => (
            std::fs::read_to_string(&path).map_or(here, |t| t.lines().count()),
            format!(", listed in {}", path.display()),
        ),
        None => (here, String::new()),
    };
    Some(format!(
        "SKIPPED: {here} database test(s) in {} and {run} so far in this cargo test run{listed}: \
         they ran nothing because their server is not reachable (each `SKIPPED <test>` line \
         names it). Start the server or set MIGRATE_TEST_PG_URL (now {}) or \
         MIGRATE_TEST_MYSQL_URL (now {}); MIGRATE_TEST_REQUIRE_DB=1 turns skips into failures",
        binary(),
        migrate_runtime::__private::url::redact_url(&crate::pg_admin_url()),
        migrate_runtime::__private::url::redact_url(&crate::mysql_admin_url())
    ))
}

fn binary() -> String {
    let exe = std::env::current_exe().ok();
    let stem = exe
        .as_deref()
        .and_then(|p| p.file_stem())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    // `adopt-6d3a7f4ca105e768` -> `adopt`
    match stem.rsplit_once('-') {
        Some((name, hash)) if hash.chars().all(|c| c.is_ascii_hexdigit()) => name.to_owned(),
        _ => stem,
    }
}

/// libtest names each test's thread after the test.
fn test_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("(unnamed thread)")
        .to_owned()
}

/// `target/migrate-test-skips/<cargo's pid>-<its start time>.txt`: the binaries of one
/// `cargo test` run share their parent, a later run (even with a reused pid) does not.
fn run_file() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    // target/<profile>/deps/<binary>
    let target = exe.parent()?.parent()?.parent()?;
    let parent = parent_id()?;
    Some(
        target
            .join("migrate-test-skips")
            .join(format!("{parent}.txt")),
    )
}

#[cfg(unix)]
fn parent_id() -> Option<String> {
    let pid = std::os::unix::process::parent_id();
    // Field 22 of /proc/<pid>/stat is the start time (Linux); elsewhere the pid alone.
    let started = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            let after = s.rsplit_once(')')?.1.to_owned();
            after.split_whitespace().nth(19).map(str::to_owned)
        })
        .unwrap_or_default();
    Some(format!("{pid}-{started}"))
}

#[cfg(not(unix))]
fn parent_id() -> Option<String> {
    None
}

#[cfg(unix)]
fn at_exit() {
    extern "C" fn print_summary() {
        if let Some(line) = summary() {
            let _ = writeln!(std::io::stderr().lock(), "{line}");
        }
    }
    // SAFETY: registers a plain `extern "C" fn` taking no arguments, as atexit requires; it
    // is called once, at process exit, when the statics it reads are still alive.
    unsafe {
        libc::atexit(print_summary);
    }
}

#[cfg(not(unix))]
fn at_exit() {}
