//! Compile-fail cases (with `.stderr` snapshots) for the derives' and the checked queries'
//! MySQL errors, and compile-pass cases. No database: the derives read `ui-tests/mysql/migrations`.
//!
//! The snapshots were made with the toolchain pinned in `rust-toolchain.toml`; regenerate
//! them with `TRYBUILD=overwrite cargo test -p migrate-ui-tests-mysql`.

#[test]
fn ui() {
    // trybuild builds the cases in its own folder under target/; point the macros at ours.
    // SAFETY: set before trybuild spawns its build, and no other thread reads the environment.
    unsafe { std::env::set_var("MIGRATE_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR")) };
    let cases = trybuild::TestCases::new();
    cases.pass("tests/pass/*.rs");
    cases.compile_fail("tests/fail/*.rs");
}
