//! Compile-fail cases (with `.stderr` snapshots) for every error of the derives, and
//! compile-pass cases. No database: the derives read `ui-tests/migrations`.
//!
//! The snapshots were made with the toolchain pinned in `rust-toolchain.toml`; regenerate
//! them with `TRYBUILD=overwrite cargo test -p migrate-ui-tests`.

#[test]
fn ui() {
    // trybuild builds the cases in its own folder under target/; point the macros at ours.
    // SAFETY: set before trybuild spawns its build, and no other thread reads the environment.
    unsafe { std::env::set_var("MIGRATE_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR")) };
    let cases = trybuild::TestCases::new();
    cases.pass("tests/pass/*.rs");
    cases.compile_fail("tests/fail/*.rs");
    // Builds the cases above (trybuild runs on drop) before the manifest changes below.
    drop(cases);

    // Migrations that do not replay: their errors come once, then a pointer per derive.
    let broken = concat!(env!("CARGO_MANIFEST_DIR"), "/replay-errors");
    // SAFETY: as above; the cases above are built and done.
    unsafe { std::env::set_var("MIGRATE_MANIFEST_DIR", broken) };
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/replay_errors/*.rs");
}
