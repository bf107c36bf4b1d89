//! Snapshot assertions of what the CLI prints, so a change of wording shows as a reviewed
//! diff. `SNAPSHOTS=overwrite cargo test -p cargo-migrate --test cli_tests <filter>` rewrites
//! the inline `str![[...]]` snapshots (see docs/src/contributing-snapshots.md).
//!
//! The output is normalised first: the project's temp folder reads `[ROOT]`, durations read
//! `[ELAPSED]` (`in 12 ms` -> `in [ELAPSED]`), and the caller may name more values to hide
//! (a random database name). In an expected snapshot, `[..]` matches any text in a line and a
//! line `...` any number of lines.

use snapbox::{Assert, IntoData, Redactions};

use super::{Project, Run};

impl Run {
    /// Asserts stderr equals `expected` after normalisation.
    #[track_caller]
    pub fn stderr_eq(&self, p: &Project, expected: impl IntoData) {
        assert_snapshot(p, &[], &self.stderr, expected);
    }

    /// Asserts stdout equals `expected` after normalisation.
    #[track_caller]
    pub fn stdout_eq(&self, p: &Project, expected: impl IntoData) {
        assert_snapshot(p, &[], &self.stdout, expected);
    }

    /// [`Run::stderr_eq`], also replacing each `(placeholder, value)`.
    #[track_caller]
    pub fn stderr_eq_with(
        &self,
        p: &Project,
        hide: &[(&'static str, &str)],
        expected: impl IntoData,
    ) {
        assert_snapshot(p, hide, &self.stderr, expected);
    }
}

#[track_caller]
fn assert_snapshot(
    p: &Project,
    hide: &[(&'static str, &str)],
    actual: &str,
    expected: impl IntoData,
) {
    let mut redactions = Redactions::new();
    let root = p.path();
    if let Ok(canonical) = root.canonicalize() {
        redactions.insert("[ROOT]", canonical).unwrap();
    }
    redactions.insert("[ROOT]", root.to_path_buf()).unwrap();
    for (placeholder, value) in hide {
        redactions.insert(placeholder, value.to_string()).unwrap();
    }
    Assert::new()
        .action_env("SNAPSHOTS")
        .redact_with(redactions)
        .eq(elapsed(actual), expected);
}

/// `in 12 ms` / `in 3s` -> `in [ELAPSED]`: timings differ from run to run.
fn elapsed(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(" in ") {
        out.push_str(&rest[..at + 4]);
        rest = &rest[at + 4..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let unit = [" ms", "ms", "s"]
            .into_iter()
            .find(|u| digits > 0 && rest[digits..].starts_with(u));
        if let Some(unit) = unit {
            out.push_str("[ELAPSED]");
            rest = &rest[digits + unit.len()..];
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn elapsed_is_normalised() {
    assert_eq!(
        elapsed("Applied 1 users in 12 ms\ndone in 3s, in 7ms; in 5 days"),
        "Applied 1 users in [ELAPSED]\ndone in [ELAPSED], in [ELAPSED]; in 5 days"
    );
}
