//! `cargo migrate lint`: the real binary on a project whose migrate.sum lists the deployed
//! migrations; only the new ones are judged, against the schema replayed up to them.

use crate::support::Project;
use snapbox::str;

fn project() -> Project {
    let p = Project::new("dialect = \"postgres\"");
    p.write(
        "migrations/1_users.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY, email text, age int);\n",
    );
    p.run(&["hash"]).expect(0);
    p
}

#[test]
fn new_migrations_are_linted_against_the_tables_deployed_before_them() {
    let p = project();
    p.write(
        "migrations/2_more.sql",
        "SET lock_timeout = '5s';\n\
         CREATE TABLE teams (id bigint PRIMARY KEY, name text);\n\
         CREATE INDEX teams_name ON teams (name);\n\
         CREATE INDEX users_email ON users (email);\n",
    );
    let run = p.run(&["lint"]).expect(1);
    // The table made by the new migration is free to index; the deployed file is not judged.
    run.stdout_eq(
        &p,
        str![[r#"
warning[create-index-concurrently]: CREATE INDEX on existing table users without CONCURRENTLY
 --> migrations/2_more.sql:4:1
  |
4 | CREATE INDEX users_email ON users (email)
  | ^
  = help: CREATE INDEX CONCURRENTLY, in a migration marked `-- migrate:no-transaction`


"#]],
    );
    run.stderr_eq(
        &p,
        str![[r#"
      Linted 1 migration(s) new since migrate.sum (postgres): 1 finding(s)

"#]],
    );

    // `--all` judges the deployed file too; `--format json` for machines.
    let all = p.run(&["lint", "--all", "--format", "json"]).expect(1);
    let doc: serde_json::Value = serde_json::from_str(&all.stdout).unwrap();
    assert_eq!(doc["linted"], 2);
    assert_eq!(doc["findings"][0]["rule"], "create-index-concurrently");
    assert_eq!(doc["findings"][0]["line"], 4);
}

#[test]
fn allowed_findings_pass_and_bad_flags_are_usage_errors() {
    let p = project();
    p.write(
        "migrations/2_drop.sql",
        "SET lock_timeout = '5s';\n\
         -- migrate:allow drop-column nothing reads it since v2\n\
         ALTER TABLE users DROP COLUMN age;\n",
    );
    p.run(&["lint"]).expect(0);
    p.write(
        "migrations/2_drop.sql",
        "SET lock_timeout = '5s';\n-- migrate:allow drop-column\nALTER TABLE users DROP COLUMN age;\n",
    );
    let run = p.run(&["lint"]).expect(1);
    run.stdout_eq(
        &p,
        str![[r#"
warning[allow-needs-reason]: `-- migrate:allow drop-column` gives no reason, so it allows nothing
 --> migrations/2_drop.sql:3:1
  |
3 | ALTER TABLE users DROP COLUMN age
  | ^
  = help: say why after the rule ids: `-- migrate:allow <rule> <why this is safe here>`

warning[drop-column]: column users.age dropped
 --> migrations/2_drop.sql:3:1
  |
3 | ALTER TABLE users DROP COLUMN age
  | ^
  = help: stop using the column in one release, drop it in the next


"#]],
    );
    p.write(
        "migrations/2_drop.sql",
        "SET lock_timeout = '5s';\nALTER TABLE users DROP COLUMN age;\n",
    );
    p.run(&["lint"]).expect(1);
    p.run(&["lint", "--disable", "drop-column"]).expect(0);
    let bad = p.run(&["lint", "--disable", "no-such-rule"]).expect(2);
    bad.stderr_eq(
        &p,
        str![[r#"
error: --disable no-such-rule: no such rule (see `cargo migrate lint --list`)

"#]],
    );
    let list = p.run(&["lint", "--list"]).expect(0);
    assert!(list.stdout.contains("create-index-concurrently\n    why: "));
}

#[test]
fn a_sqlite_project_is_told_that_no_rule_judges_it() {
    let p = Project::new("dialect = \"sqlite\"");
    p.write(
        "migrations/1_users.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY);\n",
    );
    let run = p.run(&["lint"]).expect(0);
    run.stderr_eq(
        &p,
        str![[r#"
warning: lint has rules for PostgreSQL only so far: nothing is judged for sqlite
      Linted 1 migration(s) (every migration) (sqlite): 0 finding(s)

"#]],
    );
}
