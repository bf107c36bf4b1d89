//! `cargo migrate lint`: which migrations it judges (a database's history, `--since <git ref>`)
//! and `[package.metadata.migrate.lint]` (rules off, warnings, the PostgreSQL version).

use std::process::Command;

use crate::support::Project;
use crate::support::pg::PgProject;

const DEPLOYED: &str = "CREATE TABLE users (id bigint PRIMARY KEY, email text, age int);\n\
                        CREATE TYPE mood AS ENUM ('ok');\n";
const NEW: &str = "SET lock_timeout = '5s';\nALTER TABLE users DROP COLUMN age;\n";

fn postgres(lint_table: &str) -> Project {
    let p = Project::new(&format!("dialect = \"postgres\"\n{lint_table}"));
    p.write("migrations/1_users.sql", DEPLOYED);
    p.run(&["hash"]).expect(0);
    p.write("migrations/2_drop.sql", NEW);
    p
}

#[test]
fn the_lint_table_turns_rules_off_or_into_warnings_and_sets_the_postgres_version() {
    let p = postgres("");
    p.run(&["lint"]).expect(1);
    // A warning is shown and does not fail.
    let p = postgres("[package.metadata.migrate.lint]\nrules = { drop-column = \"warning\" }");
    let run = p.run(&["lint"]).expect(0);
    assert!(
        run.stdout
            .contains("warning[drop-column]: column users.age dropped"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("1 finding(s), 0 error(s)"),
        "{}",
        run.stderr
    );
    // Off: not reported at all.
    let p = postgres("[package.metadata.migrate.lint]\nrules = { drop-column = \"off\" }");
    let run = p.run(&["lint"]).expect(0);
    assert!(run.stdout.is_empty(), "{}", run.stdout);

    // The prefer-* rules are warnings unless configured as errors.
    let p = postgres("");
    p.write(
        "migrations/2_drop.sql",
        "CREATE TABLE t (id serial PRIMARY KEY);\n",
    );
    let run = p.run(&["lint"]).expect(0);
    assert!(
        run.stdout
            .contains("warning[prefer-identity]: column id is serial"),
        "{}",
        run.stdout
    );
    let p = postgres("[package.metadata.migrate.lint]\nrules = { prefer-identity = \"error\" }");
    p.write(
        "migrations/2_drop.sql",
        "CREATE TABLE t (id bigserial PRIMARY KEY);\n",
    );
    let run = p.run(&["lint"]).expect(1);
    assert!(
        run.stdout
            .contains("error[prefer-identity]: column id is bigserial"),
        "{}",
        run.stdout
    );

    // postgres-version gates rules; the flag wins over it.
    let p = postgres("[package.metadata.migrate.lint]\npostgres-version = 11");
    p.write(
        "migrations/2_drop.sql",
        "ALTER TYPE mood ADD VALUE 'sad';\n",
    );
    let run = p.run(&["lint"]).expect(1);
    assert!(
        run.stdout.contains("error[add-enum-value-in-transaction]"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("(postgres 11)"), "{}", run.stderr);
    p.run(&["lint", "--postgres-version", "12"]).expect(0);

    // Wrong keys and values say where and what is allowed.
    let p = Project::new("[package.metadata.migrate.lint]\nrules = { drop-colum = \"off\" }");
    let run = p.run(&["lint"]).expect(1);
    assert!(
        run.stderr.contains("[package.metadata.migrate]: `lint.rules.drop-colum`: no such lint rule (`cargo migrate lint --list` shows them)"),
        "{}",
        run.stderr
    );
    let p = Project::new("[package.metadata.migrate.lint]\nrules = { drop-column = \"loud\" }");
    let run = p.run(&["lint"]).expect(1);
    assert!(
        run.stderr
            .contains("`lint.rules.drop-column` must be \"off\", \"warning\" or \"error\""),
        "{}",
        run.stderr
    );
}

#[test]
fn with_a_sqlite_url_only_the_migrations_not_applied_there_are_linted() {
    let p = Project::new("dialect = \"sqlite\"");
    p.write(
        "migrations/1_notes.sql",
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n",
    );
    let url = p.sqlite_url();
    p.run(&["deploy", "--database-url", &url]).expect(0);
    // No migrate.sum: offline, both files are new and the table is free to change.
    p.write(
        "migrations/2_alter.sql",
        "ALTER TABLE notes ADD COLUMN at TEXT DEFAULT CURRENT_TIMESTAMP;\n",
    );
    let offline = p.run(&["lint", "--offline"]).expect(1);
    assert!(
        offline
            .stderr
            .contains("Linted 2 migration(s) (every migration)"),
        "{}",
        offline.stderr
    );
    let run = p.run(&["lint", "--database-url", &url]).expect(1);
    assert!(run.stdout.contains("error[sqlite-alter-needs-rebuild]: notes: column at cannot be added with the default CURRENT_TIMESTAMP"), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("Linted 1 migration(s) not applied on sqlite:"),
        "{}",
        run.stderr
    );
}

#[test]
fn with_a_postgres_url_the_server_version_and_the_history_decide() {
    let Some(pg) = PgProject::new(&[("migrations/1_users.sql", DEPLOYED)]) else {
        return;
    };
    pg.run(&["deploy"]).expect(0);
    pg.p.write(
        "migrations/2_type.sql",
        "ALTER TYPE mood ADD VALUE 'sad';\n",
    );
    // The configured version is what lint assumes offline; the server's wins over it.
    pg.p.write(
        "Cargo.toml",
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\n\n[package.metadata.migrate]\ndialect = \"postgres\"\n[package.metadata.migrate.lint]\npostgres-version = 11\n",
    );
    let offline = pg.run(&["lint", "--offline"]).expect(1);
    assert!(
        offline
            .stdout
            .contains("error[add-enum-value-in-transaction]"),
        "{}",
        offline.stdout
    );
    let server: u32 = pg.rt.block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(pg.url()).await.unwrap();
        let v: String = sqlx::query_scalar("SHOW server_version_num")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        v.parse::<u32>().unwrap() / 10_000
    });
    let run = pg.run(&["lint"]).expect(0);
    assert!(
        run.stderr
            .contains("Linted 1 migration(s) not applied on postgres://")
            && run
                .stderr
                .contains(&format!("(postgres {server}): 0 finding(s)")),
        "{}",
        run.stderr
    );
    // The flag wins over the server.
    let old = pg.run(&["lint", "--postgres-version", "11"]).expect(1);
    assert!(
        old.stdout.contains("error[add-enum-value-in-transaction]"),
        "{}",
        old.stdout
    );
}

fn git(p: &Project, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(p.path())
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn since_a_git_ref_lints_the_files_added_after_it() {
    let p = Project::new("dialect = \"postgres\"");
    p.write("migrations/1_users.sql", DEPLOYED);
    let outside = p.run(&["lint", "--since", "HEAD"]).expect(2);
    assert!(
        outside.stderr.contains("--since HEAD:")
            && outside
                .stderr
                .contains("is not in a git repository; use --all, or lint without --since"),
        "{}",
        outside.stderr
    );
    git(&p, &["init", "-q"]);
    git(&p, &["add", "."]);
    git(&p, &["commit", "-qm", "v1"]);
    git(&p, &["tag", "v1"]);
    p.write("migrations/2_drop.sql", NEW);
    git(&p, &["add", "."]);
    git(&p, &["commit", "-qm", "v2"]);
    p.write(
        "migrations/3_index.sql",
        "CREATE INDEX users_email ON users (email);\n",
    );
    let run = p.run(&["lint", "--since", "v1"]).expect(1);
    assert!(
        run.stderr.contains("Linted 2 migration(s) added since v1"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("error[drop-column]")
            && run.stdout.contains("error[create-index-concurrently]"),
        "{}",
        run.stdout
    );
    // Since HEAD: the untracked file only; users existed before it.
    let run = p.run(&["lint", "--since", "HEAD"]).expect(1);
    assert!(
        run.stderr
            .contains("Linted 1 migration(s) added since HEAD"),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("drop-column"), "{}", run.stdout);
    let unknown = p.run(&["lint", "--since", "v9"]).expect(2);
    assert!(
        unknown
            .stderr
            .contains("--since v9: git knows no commit of that name"),
        "{}",
        unknown.stderr
    );
}
