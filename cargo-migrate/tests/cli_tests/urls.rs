//! Database URLs that cannot work are refused before anything runs: URLs that keep nothing
//! (for verbs that write), strings that are no URL (every verb, exit 2), libpq key/value
//! strings (never echoed); SQLite paths from the config and `.env` resolve against the
//! manifest's folder.

use crate::support::Project;
use snapbox::str;

fn project() -> Project {
    let p = Project::new("dialect = \"sqlite\"");
    p.write(
        "migrations/1_users.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY);\n",
    );
    p
}

const WRITING_VERBS: &[&[&str]] = &[
    &["deploy"],
    &["revert"],
    &["resolve", "--applied", "1"],
    &["baseline", "1"],
    &["adopt", "sqlx"],
    &["reset", "--force"],
];

const EVERY_VERB: &[&[&str]] = &[
    &["status"],
    &["status", "--format", "json"],
    &["deploy"],
    &["deploy", "--dry-run"],
    &["revert"],
    &["resolve", "--applied", "1"],
    &["baseline", "1"],
    &["adopt", "sqlx"],
    &["reset", "--force"],
    &["verify"],
    &["diff"],
    &["check"],
    &["schema"],
];

#[test]
fn urls_that_keep_nothing_are_refused_by_every_verb_that_writes() {
    let p = project();
    for url in [
        "sqlite:",
        "sqlite://",
        "sqlite::memory:",
        "sqlite:app.db?mode=memory",
    ] {
        for verb in WRITING_VERBS {
            let mut args = verb.to_vec();
            args.extend(["--database-url", url]);
            let out = p.run(&args).expect(2);
            out.stderr_eq_with(&p, &[("[URL]", &format!("`{url}`"))], str![[r#"
error: [URL] keeps nothing: whatever this command writes there is gone when it exits. Name a file, such as `sqlite:app.db`

"#]]);
        }
    }
    // Reading is fine: status of an in-memory database says everything is pending.
    p.run(&["status", "--database-url", "sqlite::memory:"])
        .expect(3);
}

#[test]
fn an_empty_url_is_refused_by_every_verb_that_writes() {
    let p = Project::new(
        "dialect = \"sqlite\"\n[package.metadata.migrate.environments.dev]\nurl = \"env:EMPTY_URL\"",
    );
    p.write(
        "migrations/1_users.sql",
        "CREATE TABLE users (id INTEGER);\n",
    );
    for verb in WRITING_VERBS {
        let mut args = verb.to_vec();
        args.extend(["--database-url", ""]);
        let out = p.run(&args).expect(2);
        out.stderr_eq(
            &p,
            str![[r#"
error: the database URL is empty (is the variable that should hold it set to an empty string?)

"#]],
        );

        let mut args = verb.to_vec();
        args.extend(["--env", "dev"]);
        let out =
            crate::support::Run::from(p.command(&args).env("EMPTY_URL", "").output().unwrap());
        assert_ne!(out.code, 0, "{verb:?}: {}", out.stderr);
        out.stderr_eq(
            &p,
            str![[r#"
error: environment `dev` reads its URL from $EMPTY_URL, which is not set or is empty (nor in .env)

"#]],
        );
    }
    assert!(std::fs::read_dir(p.path()).unwrap().flatten().all(|e| {
        let name = e.file_name();
        name == "Cargo.toml" || name == "migrations"
    }));
}

#[test]
fn strings_that_are_no_database_url_are_usage_errors_in_every_verb() {
    let p = project();
    for (url, says) in [
        ("foo.db", "is not a database URL"),
        (
            "postgress://app@db/prod",
            "unknown database URL scheme `postgress`",
        ),
    ] {
        for verb in EVERY_VERB {
            let mut args = verb.to_vec();
            args.extend(["--database-url", url]);
            let out = p.run(&args).expect(2);
            assert!(out.stderr.contains(says), "{verb:?} {url}: {}", out.stderr);
        }
    }
    assert!(!p.path().join("foo.db").exists());
}

#[test]
fn key_value_urls_are_refused_without_echoing_them() {
    let p = project();
    let url = "host=127.0.0.1 user=app password=S3cret dbname=app";
    for verb in EVERY_VERB {
        let mut args = verb.to_vec();
        args.extend(["--database-url", url]);
        let out = p.run(&args).expect(2);
        out.stderr_eq(&p, str![[r#"
error: the database URL is in libpq's key/value form (`host=… dbname=…`), which is not supported (it is not shown here: it may hold a password); write it as `postgres://user:password@host:port/dbname`

"#]]);
        assert!(
            !out.stderr.contains("S3cret") && !out.stdout.contains("S3cret"),
            "{verb:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn a_url_without_slashes_is_refused_with_its_password_redacted() {
    let p = project();
    let out = p
        .run(&["status", "--database-url", "postgres:app:S3cret@host/db"])
        .expect(2);
    out.stderr_eq(&p, str![[r#"
error: `postgres:app:***@host/db` is not a valid URL: write `postgres://` (with two slashes) before the user and host

"#]]);
    assert!(!out.stderr.contains("S3cret"), "{}", out.stderr);
}

#[test]
fn sqlite_paths_in_the_config_and_dotenv_resolve_against_the_manifest_folder() {
    let p = Project::new(
        "dialect = \"sqlite\"\n[package.metadata.migrate.environments.dev]\nurl = \"sqlite:dev.db\"",
    );
    p.write(
        "migrations/1_users.sql",
        "CREATE TABLE users (id INTEGER);\n",
    );
    p.write(".env", "DATABASE_URL=sqlite://./dotenv.db\n");
    p.write("src/lib.rs", "");
    let from_src = |args: &[&str]| {
        let mut cmd = p.command(args);
        cmd.current_dir(p.path().join("src"));
        crate::support::Run::from(cmd.output().unwrap())
    };
    from_src(&["deploy"]).expect(0);
    assert!(p.path().join("dotenv.db").is_file());
    from_src(&["deploy", "--env", "dev"]).expect(0);
    assert!(p.path().join("dev.db").is_file());
    assert!(
        !p.path().join("src/dotenv.db").exists() && !p.path().join("src/dev.db").exists(),
        "nothing is created in the current folder"
    );
    from_src(&["status"]).expect(0);
}

#[test]
fn a_sqlite_file_in_a_missing_folder_says_so() {
    let p = project();
    for verb in [&["deploy"][..], &["status"], &["deploy", "--dry-run"]] {
        let mut args = verb.to_vec();
        args.extend(["--database-url", "sqlite:no/such/folder/app.db"]);
        let out = p.run(&args).expect(1);
        out.stderr_eq(&p, str![[r#"
error: the folder no/such/folder of the SQLite database no/such/folder/app.db does not exist: create it, or fix the path in the URL

"#]]);
    }
}
