//! Every verb of the CLI on a real MariaDB/MySQL server: new, deploy, status, hash, revert,
//! resolve, adopt, reset, `--backup` (password never on the dump client's command line), the
//! per-statement failure and `deploy --resume`, and what the schema verbs say until they
//! read MySQL's catalog.

use snapbox::str;

use crate::support::mysql::MysqlProject;

const FIVE: &str = "CREATE TABLE a (id INT);\n\
                    INSERT INTO a VALUES (1);\n\
                    ALTER TABLE nope ADD x INT;\n\
                    CREATE TABLE b (id INT);\n\
                    INSERT INTO b VALUES (2);\n";

#[test]
fn a_failed_statement_says_what_is_committed_and_resume_finishes_it() {
    let Some(m) = MysqlProject::new(&[("migrations/1_five.sql", FIVE)]) else {
        return;
    };
    let out = m.run(&["deploy"]).expect(1);
    out.stderr_eq_with(
        &m.p,
        &[("[DB]", &m.db.name)],
        str![[r#"
    Applying 1 five (migrations/1_five.sql)
error: migrations/1_five.sql:3:1: migration 1 (five) failed: statement 3 of 5 (line 3) failed: Table '[DB].nope' doesn't exist [error 1146]; statements 1–2 are committed
  It ran without a transaction, so the statements before this one stay applied; it is recorded as failed.
  Fix the failed statement and run `cargo migrate deploy --resume 1`: it starts at that statement when the done ones are unchanged. Or finish or undo it by hand, then run `cargo migrate resolve --applied 1` or `cargo migrate resolve --rolled-back 1`.

"#]],
    );
    // status shows the failure and how far it got.
    let status = m.run(&["status"]).expect(4);
    assert!(
        status.stdout.contains("failed") && status.stdout.contains("2 of 5 statements done"),
        "{}",
        status.stdout
    );
    m.p.write("migrations/1_five.sql", FIVE.replace("nope", "a"));
    m.run(&["deploy", "--resume", "1"]).expect(0);
    assert_eq!(m.count("SELECT COUNT(*) FROM a"), 1, "statement 2 ran once");
    assert_eq!(m.count("SELECT COUNT(*) FROM b"), 1);
    m.run(&["status"]).expect(0);
}

#[test]
fn the_verbs_work_on_mariadb() {
    let Some(m) = MysqlProject::new(&[
        (
            "migrations/1_users.up.sql",
            "CREATE TABLE users (id BIGINT PRIMARY KEY);\n",
        ),
        ("migrations/1_users.down.sql", "DROP TABLE users;\n"),
        (
            "migrations/2_posts.up.sql",
            "CREATE TABLE posts (id BIGINT PRIMARY KEY, user_id BIGINT REFERENCES users (id));\n",
        ),
        ("migrations/2_posts.down.sql", "DROP TABLE posts;\n"),
    ]) else {
        return;
    };
    m.run(&["status"]).expect(3);
    let out = m.run(&["deploy"]).expect(0);
    out.stderr_eq_with(
        &m.p,
        &[("[URL]", m.url())],
        str![[r#"
    Applying 1 users (migrations/1_users.up.sql)
     Applied 1 users in [ELAPSED]
    Applying 2 posts (migrations/2_posts.up.sql)
     Applied 2 posts in [ELAPSED]
    Finished 2 migrations applied to [URL] in [ELAPSED]

"#]],
    );
    assert_eq!(m.tables(), 3);
    m.run(&["status"]).expect(0);
    m.run(&["hash"]).expect(0);
    assert!(m.p.path().join("migrations/migrate.sum").is_file());

    m.run(&["revert"]).expect(0);
    assert_eq!(m.tables(), 2, "posts reverted");
    // Applied by hand, then recorded.
    m.sql("CREATE TABLE posts (id BIGINT PRIMARY KEY)");
    m.run(&["resolve", "--applied", "2"]).expect(0);
    m.run(&["status"]).expect(0);

    // reset drops everything (objects that are not the migrations' too) and applies again.
    m.sql("CREATE TABLE stray (id INT); CREATE VIEW v AS SELECT id FROM stray");
    m.run(&["reset", "--force"]).expect(0);
    assert_eq!(m.tables(), 3);

    // Nothing of sqlx's here: adopt says so.
    let adopt = m.run(&["adopt", "sqlx"]).expect(1);
    assert!(
        adopt.stderr.contains("no table _sqlx_migrations"),
        "{}",
        adopt.stderr
    );

    let new = m.p.run(&["new", "add_tags"]).expect(0);
    let written = m.p.path().join(new.stdout.trim());
    assert!(
        new.stdout.contains("_add_tags") && written.is_file(),
        "{}",
        new.stdout
    );
}

#[test]
fn schema_verbs_read_the_live_mysql_catalog() {
    let table = "CREATE TABLE a (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, \
                 state ENUM('todo','done') NOT NULL DEFAULT 'todo', email VARCHAR(200), \
                 UNIQUE KEY a_email (email))";
    let Some(m) = MysqlProject::new(&[("migrations/1_a.sql", &format!("{table};\n"))]) else {
        return;
    };
    // baseline's check reads the catalog: the database made by hand matches migration 1.
    m.sql(table);
    m.run(&["baseline", "1"]).expect(0);
    m.run(&["status"]).expect(0);
    // check's round trip applies everything on a scratch database, compares its catalog with
    // the replay, and drops the scratch database.
    let scratch = "SELECT COUNT(*) FROM information_schema.schemata \
                   WHERE schema_name LIKE 'migrate\\_check\\_%'";
    let before = m.count(scratch);
    m.run(&["check"]).expect(0);
    assert_eq!(m.count(scratch), before, "the scratch database is dropped");
    let clean = m.run(&["verify"]).expect(0);
    assert!(clean.stderr.contains("no drift"), "{}", clean.stderr);
    // A change made by hand is drift.
    m.sql("ALTER TABLE a ADD COLUMN note TEXT");
    let drift = m.run(&["verify"]).expect(4);
    assert_eq!(
        drift.stdout, "table a: column note exists but no migration adds it\n",
        "{}",
        drift.stderr
    );
}

#[test]
fn a_backup_restores_and_the_password_stays_off_the_command_line() {
    let Some(m) = MysqlProject::new(&[(
        "migrations/1_users.sql",
        "CREATE TABLE users (id INT, email TEXT);\n",
    )]) else {
        return;
    };
    let Some(restored) = MysqlProject::new(&[]) else {
        return;
    };
    m.run(&["deploy"]).expect(0);
    m.sql("INSERT INTO users VALUES (1, 'ada@example.com')");
    m.p.write("migrations/2_drop.sql", "DELETE FROM users;\n");
    // A user with a password of its own, on this test's database only.
    let user = format!("bk_{}", &m.db.name[m.db.name.len().saturating_sub(20)..]);
    let password = "S3cr\"et\\pw";
    m.sql(&format!(
        "CREATE USER '{user}'@'%' IDENTIFIED BY 'S3cr\"et\\\\pw'; \
         GRANT ALL ON `{}`.* TO '{user}'@'%'",
        m.db.name
    ));
    let url = m
        .url()
        .replacen("root@", &format!("{user}:S3cr%22et%5Cpw@"), 1);
    // The dump client sees its arguments logged, then runs for real.
    let real = which("mariadb-dump").or_else(|| which("mysqldump"));
    let Some(real) = real else {
        panic!(
            "neither mariadb-dump nor mysqldump is installed: .ci/run installs the MariaDB client"
        );
    };
    let bin = m.p.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = m.p.path().join("argv.txt");
    let script = bin.join("mariadb-dump");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\nexec '{}' \"$@\"\n",
            log.display(),
            real.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out =
        m.p.command(&["deploy", "--backup", "--database-url", &url])
            .env("PATH", path)
            .output()
            .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains(password) && !stderr.contains("S3cr%22"),
        "{stderr}"
    );
    let argv = std::fs::read_to_string(&log).unwrap();
    assert!(argv.contains("--defaults-extra-file="), "{argv}");
    assert!(!argv.contains("S3cr"), "the password is on argv: {argv}");
    m.sql(&format!("DROP USER '{user}'@'%'"));

    let backup = std::fs::read_dir(m.p.path().join("backups"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let client = which("mariadb").or_else(|| which("mysql")).unwrap();
    let status = std::process::Command::new(client)
        .args(["--host=127.0.0.1", "--user=root", &restored.db.name])
        .stdin(std::fs::File::open(&backup).unwrap())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        restored.count("SELECT COUNT(*) FROM users"),
        1,
        "the deleted row is in the backup"
    );
    assert_eq!(m.count("SELECT COUNT(*) FROM users"), 0);
}

fn which(name: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}

#[test]
fn sigint_cancels_the_running_statement_and_records_the_statements_done() {
    use crate::support::pg::{finish, kill, spawn, wait_for};
    let Some(m) = MysqlProject::new(&[(
        "migrations/1_slow.sql",
        "CREATE TABLE s (id INT);\nSELECT SLEEP(60);\nCREATE TABLE s2 (id INT);\n",
    )]) else {
        return;
    };
    let child = spawn(&m.p, &["deploy", "--database-url", m.url()]);
    let sleeping = "SELECT COUNT(*) FROM information_schema.processlist \
                    WHERE info = 'SELECT SLEEP(60)'";
    wait_for("the slow statement", || m.count(sleeping) > 0);
    kill(&child, "INT");
    let out = finish(child);
    assert_eq!(out.code, 130, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("interrupted by SIGINT during statement 2 (line 2)")
            && out.stderr.contains("records 1 of 3 statements done"),
        "{}",
        out.stderr
    );
    // Cancelled on the server (KILL QUERY), not left running.
    assert_eq!(m.count(sleeping), 0);
    m.p.write(
        "migrations/1_slow.sql",
        "CREATE TABLE s (id INT);\nSELECT SLEEP(0);\nCREATE TABLE s2 (id INT);\n",
    );
    // Statement 2 was not done: editing it is fine, the resume starts there.
    m.run(&["deploy", "--resume", "1"]).expect(0);
    assert_eq!(m.tables(), 3, "s, s2 and the history table");
}
