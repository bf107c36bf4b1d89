//! An applied migration that manages its own transaction (a `COMMIT` mid-file, as tools that
//! run files without a transaction allow) or holds a statement refused in a transaction is never
//! edited: the line `-- migrate:no-transaction` in its replay override file runs it without a
//! transaction, as it was written.

use crate::support::Project;
use snapbox::str;

/// `BEGIN … COMMIT` followed by more work: not one wrapping transaction.
const OWN_COMMIT: &str =
    "BEGIN;\nCREATE TABLE a (x INTEGER);\nCOMMIT;\nCREATE TABLE b (x INTEGER);\n";

#[test]
fn a_migration_with_its_own_commit_runs_as_written_through_its_override_file() {
    let p = Project::new("dialect = \"sqlite\"");
    let url = p.sqlite_url();
    p.write("migrations/1_ab.sql", OWN_COMMIT);
    let refused = p.run(&["deploy", "--database-url", &url]).expect(1);
    refused.stderr_eq(
        &p,
        str![[r#"
error: migrations/1_ab.sql:3:1: `COMMIT` controls the transaction, but every migration already runs in its own transaction: remove it, or put `-- migrate:no-transaction` at the top of the file to manage transactions yourself. If this migration is already applied, leave its file as it is and put the line `-- migrate:no-transaction` in migrations/.replay/1_ab.sql: it then runs without a transaction, statement by statement, as it was written

"#]],
    );

    p.write(
        "migrations/.replay/1_ab.sql",
        "-- 1_ab.sql was applied by a tool that runs files without a transaction.\n-- migrate:no-transaction\n",
    );
    p.run(&["check"]).expect(0);
    p.run(&["deploy", "--database-url", &url]).expect(0);
    let status = p.run(&["status", "--database-url", &url]).expect(0);
    assert!(status.stderr.contains("1 applied"), "{}", status.stderr);
    let tables = tables(&url);
    assert!(
        tables.contains(&"a".to_owned()) && tables.contains(&"b".to_owned()),
        "{tables:?}"
    );
    assert_eq!(
        std::fs::read_to_string(p.path().join("migrations/1_ab.sql")).unwrap(),
        OWN_COMMIT
    );
}

#[test]
fn a_statement_refused_in_a_transaction_runs_through_the_override_file() {
    let p = Project::new("dialect = \"sqlite\"");
    let url = p.sqlite_url();
    let vacuum = "CREATE TABLE t (x INTEGER);\nVACUUM;\n";
    p.write("migrations/1_t.sql", vacuum);
    p.run(&["deploy", "--database-url", &url])
        .expect(1)
        .stderr_eq(
            &p,
            str![[r#"
error: migrations/1_t.sql:2:1: SQLite refuses `VACUUM` inside a transaction, and this migration runs in one: put `-- migrate:no-transaction` in the comments before its first statement (its statements then run one by one, each committed on its own). If this migration is already applied, leave its file as it is and put the line `-- migrate:no-transaction` in migrations/.replay/1_t.sql instead

"#]],
        );
    p.write("migrations/.replay/1_t.sql", "-- migrate:no-transaction\n");
    p.run(&["deploy", "--database-url", &url]).expect(0);
    assert_eq!(tables(&url), vec!["t".to_owned()]);
}

fn tables(url: &str) -> Vec<String> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap()
    })
}
