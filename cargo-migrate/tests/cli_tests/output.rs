//! Writing the output: a reader that closes the pipe ends the command quietly (as with
//! `status | head -1`); any other write error is reported as an error, never a panic.

use std::process::Stdio;

use crate::support::{Project, Run};

fn project() -> Project {
    let p = Project::new("dialect = \"sqlite\"");
    for i in 1..=50 {
        p.write(
            &format!("migrations/{i}_table_{i}.sql"),
            format!("CREATE TABLE t{i} (id INTEGER);\n"),
        );
    }
    p
}

#[test]
fn writing_to_a_closed_pipe_exits_quietly() {
    let p = project();
    let url = p.sqlite_url();
    for args in [
        &["status", "--database-url", url.as_str()][..],
        &["status", "--format", "json", "--database-url", url.as_str()],
        &["schema"],
        &["deploy", "--dry-run", "--database-url", url.as_str()],
    ] {
        let mut child = p
            .command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before anything is written.
        drop(child.stdout.take());
        let out = Run::from(child.wait_with_output().unwrap());
        assert_eq!(out.code, 141, "{args:?}: {}", out.stderr);
        assert!(
            !out.stderr.contains("panicked") && !out.stderr.contains("error"),
            "{args:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn other_write_errors_are_reported_as_errors() {
    let p = project();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = Run::from(p.command(&["schema"]).stdout(full).output().unwrap()).expect(1);
    assert!(
        out.stderr
            .contains("error: cannot write to stdout: No space left on device"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}
