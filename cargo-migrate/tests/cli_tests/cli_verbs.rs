//! `cargo migrate` as users run it: a real binary, real files, real databases.

use std::time::{Duration, Instant};

use crate::support::Project;
use migrate_tests::pg_database;
use snapbox::str;

const USERS: &str = "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n";

fn sqlite_project() -> Project {
    let p = Project::new("dialect = \"sqlite\"");
    p.write("migrations/1_users.up.sql", USERS);
    p.write("migrations/1_users.down.sql", "DROP TABLE users;\n");
    p.write(
        "migrations/2_posts.sql",
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));\n",
    );
    p
}

#[test]
fn new_creates_timestamped_files_and_refuses_bad_names() {
    let p = Project::new("");
    let out = p.run(&["new", "add_avatar_url"]).expect(0);
    let path = out.stdout.trim();
    assert!(
        path.starts_with("migrations/") && path.ends_with("_add_avatar_url.sql"),
        "{path}"
    );
    let version = &path["migrations/".len()..path.find("_add").unwrap()];
    assert_eq!(version.len(), 14, "UTC yyyymmddhhmmss: {version}");
    assert!(version.starts_with("20"), "{version}");
    assert!(p.path().join(path).is_file());

    let out = p.run(&["new", "add_avatar_url", "--reversible"]).expect(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].ends_with("_add_avatar_url.up.sql")
            && lines[1].ends_with("_add_avatar_url.down.sql"),
        "{lines:?}"
    );
    assert!(
        lines[0] > path,
        "a second migration in the same second still gets a newer version"
    );

    let bad = p.run(&["new", "Add Avatar-URL"]).expect(2);
    bad.stderr_eq(&p, str![[r#"
error: `Add Avatar-URL` is not a valid migration name: use lower snake_case ASCII letters, digits and `_`, e.g. `add_avatar_url`

"#]]);
}

#[test]
fn deploy_status_revert_exit_codes_on_sqlite() {
    let p = sqlite_project();
    let url = p.sqlite_url();
    let status = p.run(&["status", "--database-url", &url]).expect(3);
    assert_eq!(
        status.stdout.matches("pending").count(),
        2,
        "{}",
        status.stdout
    );
    assert!(
        !p.path().join("app.db").exists(),
        "status does not create the database"
    );

    let dry = p
        .run(&["deploy", "--dry-run", "--database-url", &url])
        .expect(0);
    dry.stdout_eq(
        &p,
        str![[r#"
-- 1 users (migrations/1_users.up.sql, in a transaction)
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);

-- 2 posts (migrations/2_posts.sql, in a transaction)
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));


"#]],
    );
    assert!(
        !p.path().join("app.db").exists(),
        "a dry run creates nothing"
    );

    let deploy = p.run(&["deploy", "--database-url", &url]).expect(0);
    deploy.stderr_eq(
        &p,
        str![[r#"
    Applying 1 users (migrations/1_users.up.sql)
     Applied 1 users in [ELAPSED]
    Applying 2 posts (migrations/2_posts.sql)
     Applied 2 posts in [ELAPSED]
    Finished 2 migrations applied to sqlite:[ROOT]/app.db in [ELAPSED]

"#]],
    );
    p.run(&["status", "--database-url", &url]).expect(0);
    let again = p.run(&["deploy", "--database-url", &url]).expect(0);
    again.stderr_eq(
        &p,
        str![[r#"
    Finished nothing to apply: sqlite:[ROOT]/app.db is up to date

"#]],
    );

    let json = p
        .run(&["status", "--format", "json", "--database-url", &url])
        .expect(0);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["summary"]["applied"], 2);
    assert_eq!(doc["migrations"][0]["state"], "applied");
    assert_eq!(doc["migrations"][0]["version"], 1);

    // Revert needs a down file for 2: refused before anything runs.
    let refused = p.run(&["revert", "--database-url", &url]).expect(1);
    refused.stderr_eq(
        &p,
        str![[r#"
error: cannot revert: no down file for 2 (posts).
  Nothing was reverted. Write the missing `<version>_<name>.down.sql` file(s) first

"#]],
    );
    p.write("migrations/2_posts.down.sql", "DROP TABLE posts;\n");
    p.run(&["revert", "--to", "0", "--database-url", &url])
        .expect(0);
    p.run(&["status", "--database-url", &url]).expect(3);
}

#[test]
fn an_edited_applied_file_exits_4_with_the_resolve_command() {
    let p = sqlite_project();
    let url = p.sqlite_url();
    p.run(&["deploy", "--database-url", &url]).expect(0);
    p.write(
        "migrations/1_users.up.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);\n",
    );
    p.write("migrations/3_more.sql", "CREATE TABLE more (x INTEGER);\n");
    let out = p.run(&["deploy", "--database-url", &url]).expect(4);
    out.stderr_eq(&p, str![[r#"
error: migration 1 (users) was changed after it was applied: migrations/1_users.up.sql has checksum e65c5ab823f3934f27a5de72f40d9f662f0fca62f7a0194d7c1a6b5cde5a5899, the database recorded e5798479aff139d3ab019665a17ef53b226773ced4aee85a1be5a29ded690932.
  Restore the file (see `git log -p -- migrations/1_users.up.sql`), or, if the edit was reviewed and the database already matches it, accept it with `cargo migrate resolve --checksum 1`

"#]]);
    let status = p.run(&["status", "--database-url", &url]).expect(4);
    status.stdout_eq(
        &p,
        str![[r#"
VERSION          NAME  STATE        APPLIED AT                DURATION
1                users changed      [..]
2                posts applied      [..]
3                more  pending                                        

"#]],
    );
    p.run(&["resolve", "--checksum", "1", "--database-url", &url])
        .expect(0);
    p.run(&["deploy", "--database-url", &url]).expect(0);
}

#[test]
fn a_failing_migration_reports_file_line_and_column() {
    let p = sqlite_project();
    p.write(
        "migrations/3_bad.sql",
        "CREATE TABLE ok_part (x INTEGER);\n\n  INSERT INTO nowhere VALUES (1);\n",
    );
    let out = p
        .run(&["deploy", "--database-url", &p.sqlite_url()])
        .expect(1);
    out.stderr_eq(
        &p,
        str![[r#"
    Applying 1 users (migrations/1_users.up.sql)
     Applied 1 users in [ELAPSED]
    Applying 2 posts (migrations/2_posts.sql)
     Applied 2 posts in [ELAPSED]
    Applying 3 bad (migrations/3_bad.sql)
error: migrations/3_bad.sql:3:3: migration 3 (bad) failed: no such table: nowhere
  Nothing of it took effect (its transaction was rolled back).
  Fix the SQL and deploy again.

"#]],
    );
}

#[test]
fn a_comment_only_migration_deploys_as_a_no_op_but_an_untouched_new_is_refused() {
    let p = Project::new("dialect = \"sqlite\"");
    p.write(
        "migrations/1_users.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY);\n",
    );
    p.write(
        "migrations/2_nothing.sql",
        "-- nothing to do here\n/* kept for history */\n",
    );
    p.run(&["new", "later"]).expect(0);
    let out = p
        .run(&["deploy", "--database-url", &p.sqlite_url()])
        .expect(1);
    out.stderr_eq(&p, str![[r#"
error: migrations/[..]_later.sql: the migration is still the template `cargo migrate new` wrote (no SQL statement): write its SQL, or delete the file (a file that should do nothing can say so in a comment of its own)

"#]]);
    for entry in std::fs::read_dir(p.path().join("migrations")).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().ends_with("_later.sql") {
            std::fs::remove_file(path).unwrap();
        }
    }
    p.run(&["deploy", "--database-url", &p.sqlite_url()])
        .expect(0);
    let status = p
        .run(&["status", "--database-url", &p.sqlite_url()])
        .expect(0);
    status.stdout_eq(
        &p,
        str![[r#"
VERSION          NAME    STATE        APPLIED AT                DURATION
1                users   applied      [..]
2                nothing applied      [..]

"#]],
    );
    let schema = p.run(&["schema"]).expect(0);
    schema.stdout_eq(
        &p,
        str![[r#"
-- The schema the migrations produce (sqlite), replayed by cargo migrate schema.

CREATE TABLE users (
    id INTEGER,
    PRIMARY KEY (id)
);

"#]],
    );
}

#[test]
fn bad_folders_report_every_problem_at_once() {
    let p = Project::new("ignore = [\"*.md\"]");
    p.write("migrations/README.md", "notes are ignored");
    p.write("migrations/1_a.sql", "SELECT 1;");
    p.write("migrations/1_b.sql", "SELECT 2;");
    p.write("migrations/2_orphan.down.sql", "SELECT 3;");
    p.write("migrations/notes.txt", "x");
    p.write("migrations/six.sql", "SELECT 6;");
    p.write("migrations/3_latin1.sql", b"SELECT '\xe9';".as_slice());
    p.write(
        "migrations/4_empty.sql",
        "-- empty\n-- Write this migration's SQL below. It runs in its own transaction;\n",
    );
    // A wrapping BEGIN is skipped (sqlx folders have them); a COMMIT before the end is not.
    p.write(
        "migrations/5_tx.sql",
        "BEGIN;\nSELECT 1;\nCOMMIT;\nSELECT 2;\n",
    );
    p.write("migrations/migrate.sum", "reserved");
    let out = p
        .run(&["status", "--database-url", &p.sqlite_url()])
        .expect(1);
    out.stderr_eq(&p, str![[r#"
error: migrations/six.sql: the name does not start with a version (digits, then `_`): rename it to `<version>_<name>.sql`
migrations/1_a.sql and migrations/1_b.sql both have version 1: give one of them a new version (`cargo migrate new` writes a fresh timestamp)
migrations/3_latin1.sql: not valid UTF-8 text: save the file as UTF-8
migrations/4_empty.sql: the migration is still the template `cargo migrate new` wrote (no SQL statement): write its SQL, or delete the file (a file that should do nothing can say so in a comment of its own)
migrations/5_tx.sql:3:1: `COMMIT` controls the transaction, but every migration already runs in its own transaction: remove it, or put `-- migrate:no-transaction` at the top of the file to manage transactions yourself. If this migration is already applied, leave its file as it is and put the line `-- migrate:no-transaction` in migrations/.replay/5_tx.sql: it then runs without a transaction, statement by statement, as it was written
migrations/2_orphan.down.sql: a down migration without its up migration: add the matching `.up.sql` (or `.sql`), or delete it

"#]]);
    let e = &out.stderr;
    // Not SQL: skipped, as sqlx and diesel skip them; the wrapping BEGIN is not an error.
    assert!(
        !e.contains("README.md")
            && !e.contains("migrate.sum")
            && !e.contains("notes.txt")
            && !e.contains("5_tx.sql:1:1"),
        "{e}"
    );
}

#[test]
fn a_missing_folder_suggests_new() {
    let p = Project::new("");
    let out = p
        .run(&["status", "--database-url", &p.sqlite_url()])
        .expect(1);
    out.stderr_eq(&p, str![[r#"
error: migrations folder `migrations` does not exist: create the first migration with `cargo migrate new <name>`, or set `dir` under [package.metadata.migrate] in Cargo.toml

"#]]);
}

#[test]
fn the_database_url_comes_from_flag_env_var_dotenv_or_environment() {
    let p = sqlite_project();
    let none = p.run(&["status"]).expect(1);
    none.stderr_eq(&p, str![[r#"
error: no database URL: pass --database-url, set DATABASE_URL, or write DATABASE_URL=… in [ROOT]/.env

"#]]);

    p.write(".env", format!("DATABASE_URL={}\n", p.sqlite_url()));
    p.run(&["deploy"]).expect(0);
    assert!(
        p.path().join("app.db").exists(),
        ".env beside the manifest was used"
    );

    let other = format!("sqlite:{}", p.path().join("other.db").display());
    let mut cmd = p.command(&["deploy"]);
    cmd.env("DATABASE_URL", &other);
    assert!(cmd.output().unwrap().status.success());
    assert!(
        p.path().join("other.db").exists(),
        "DATABASE_URL beats .env"
    );

    let flag = format!("sqlite:{}", p.path().join("flag.db").display());
    p.run(&["deploy", "--database-url", &flag]).expect(0);
    assert!(p.path().join("flag.db").exists());

    let q = Project::new(
        "dialect = \"sqlite\"\n[package.metadata.migrate.environments.staging]\nurl = \"env:STAGING_URL\"\n",
    );
    q.write("migrations/1_users.sql", USERS);
    let unset = q.run(&["status", "--env", "staging"]).expect(1);
    unset.stderr_eq(
        &p,
        str![[r#"
error: environment `staging` reads its URL from $STAGING_URL, which is not set or is empty (nor in .env)

"#]],
    );
    let unknown = q.run(&["status", "--env", "prod"]).expect(2);
    unknown.stderr_eq(
        &p,
        str![[r#"
error: no environment `prod` in [package.metadata.migrate.environments] (known: staging)

"#]],
    );
    let mut cmd = q.command(&["deploy", "--env", "staging"]);
    cmd.env(
        "STAGING_URL",
        format!("sqlite:{}", q.path().join("staging.db").display()),
    );
    assert!(cmd.output().unwrap().status.success());
    assert!(q.path().join("staging.db").exists());
}

#[test]
fn configuration_errors_are_clear() {
    let p = Project::new("dialet = \"sqlite\"");
    let out = p
        .run(&["status", "--database-url", "sqlite::memory:"])
        .expect(1);
    out.stderr_eq(&p, str![[r#"
error: [ROOT]/Cargo.toml: [package.metadata.migrate]: unknown key `dialet` (known: dir, dialect, table, ignore, statement-lock-timeout, lock-retries, lock, lease-duration, environments, types, lint)

"#]]);

    let p = Project::new("dialect = \"postgres\"");
    p.write("migrations/1_users.sql", USERS);
    let out = p
        .run(&["status", "--database-url", &p.sqlite_url()])
        .expect(1);
    out.stderr_eq(&p, str![[r#"
error: the database URL is sqlite, but the migrations are written for postgres: use a postgres URL or change `dialect` in [package.metadata.migrate]

"#]]);

    let out = p.run(&["deploy", "--bogus"]).expect(2);
    out.stderr_eq(
        &p,
        str![[r#"
error: unexpected argument '--bogus' found

Usage: cargo migrate deploy [OPTIONS]

For more information, try '--help'.

"#]],
    );
    let out = p
        .run(&["resolve", "--database-url", "sqlite::memory:"])
        .expect(2);
    out.stderr_eq(&p, str![[r#"
error: the following required arguments were not provided:
  <--applied <VERSION>|--rolled-back <VERSION>|--checksum <VERSION>>

Usage: cargo migrate resolve --database-url <URL> <--applied <VERSION>|--rolled-back <VERSION>|--checksum <VERSION>>

For more information, try '--help'.

"#]]);
}

#[test]
fn passwords_never_reach_the_output() {
    let p = Project::new("dialect = \"postgres\"");
    p.write("migrations/1_users.sql", USERS);
    // Nobody listens on port 1: the connection retries, then fails.
    let out = p
        .run(&[
            "deploy",
            "--connect-timeout",
            "1",
            "--database-url",
            "postgres://app:hunter2@127.0.0.1:1/db",
        ])
        .expect(1);
    out.stderr_eq(&p, str![[r#"
error: cannot connect to postgres://app:***@127.0.0.1:1/db: error communicating with database: Connection refused (os error 111)
  gave up after [..]s: is the server running and reachable? (raise --connect-timeout to wait longer)

"#]]);
    assert!(
        !out.stderr.contains("hunter2") && !out.stdout.contains("hunter2"),
        "{}",
        out.stderr
    );
    let out = p.run(&[
        "status",
        "--database-url",
        "postgres://127.0.0.1:1/db?user=app&password=hunter2",
        "--connect-timeout",
        "1",
    ]);
    assert!(!out.stderr.contains("hunter2"), "{}", out.stderr);
    out.stderr_eq(&p, str![[r#"
error: cannot connect to postgres://127.0.0.1:1/db?user=app&password=***: error communicating with database: Connection refused (os error 111)
  gave up after [..]s: is the server running and reachable? (raise --connect-timeout to wait longer)

"#]]);
}

#[test]
fn passwords_never_reach_the_output_of_server_errors() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(_db) = rt.block_on(pg_database()) else {
        return;
    };
    let p = Project::new("dialect = \"postgres\"");
    p.write("migrations/1_users.sql", USERS);
    let url = migrate_tests::with_database(&migrate_tests::pg_admin_url(), "no_such_database_here");
    let url = url
        .replacen("://", "://postgres:hunter2@", 1)
        .replacen("postgres@", "", 1);
    let out = p.run(&["deploy", "--database-url", &url]).expect(1);
    assert!(
        out.stderr.contains("no_such_database_here"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("hunter2"), "{}", out.stderr);
}

#[test]
fn reset_refuses_without_force() {
    let p = sqlite_project();
    let url = p.sqlite_url();
    p.run(&["deploy", "--database-url", &url]).expect(0);
    let out = p.run(&["reset", "--database-url", &url]).expect(2);
    out.stderr_eq(&p, str![[r#"
error: reset drops every table and all data in sqlite:[ROOT]/app.db: it is for development databases only. Rerun with --force if that is what you want

"#]]);
    p.run(&["status", "--database-url", &url]).expect(0);
    let out = p
        .run(&["reset", "--force", "--database-url", &url])
        .expect(0);
    out.stderr_eq(
        &p,
        str![[r#"
     Dropped every object in sqlite:[ROOT]/app.db
    Applying 1 users (migrations/1_users.up.sql)
     Applied 1 users in [ELAPSED]
    Applying 2 posts (migrations/2_posts.sql)
     Applied 2 posts in [ELAPSED]
    Finished reset, 2 migration(s) applied

"#]],
    );
}

/// Migrations that record each application in a table: applying one twice shows up as two rows.
fn counting_project(dialect: &str, n: usize) -> Project {
    let p = Project::new(&format!("dialect = \"{dialect}\""));
    p.write(
        "migrations/1_log.sql",
        "CREATE TABLE applied_log (name TEXT NOT NULL);\n",
    );
    for i in 2..=n {
        p.write(
            &format!("migrations/{i}_step.sql"),
            format!("CREATE TABLE t{i} (x INTEGER);\nINSERT INTO applied_log VALUES ('m{i}');\n"),
        );
    }
    p
}

fn deploy_concurrently(p: &Project, url: &str, deployers: usize) {
    let children: Vec<_> = (0..deployers)
        .map(|_| {
            p.command(&["deploy", "--database-url", url, "--lock-timeout", "60"])
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "a deployer failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn eight_concurrent_deployers_on_one_sqlite_file_apply_each_migration_once() {
    let p = counting_project("sqlite", 12);
    let url = p.sqlite_url();
    deploy_concurrently(&p, &url, 8);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let rows: Vec<(String, i64)> = rt.block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::query_as("SELECT name, count(*) FROM applied_log GROUP BY name ORDER BY name")
            .fetch_all(&pool)
            .await
            .unwrap()
    });
    assert_eq!(rows.len(), 11, "{rows:?}");
    assert!(
        rows.iter().all(|(_, n)| *n == 1),
        "a migration ran twice: {rows:?}"
    );
    p.run(&["status", "--database-url", &url]).expect(0);
}

#[test]
fn eight_concurrent_deployers_on_one_postgres_database_apply_each_migration_once() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(db) = rt.block_on(pg_database()) else {
        return;
    };
    let p = counting_project("postgres", 12);
    deploy_concurrently(&p, &db.url, 8);
    let rows: Vec<(String, i64)> = rt.block_on(async {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        let rows =
            sqlx::query_as("SELECT name, count(*) FROM applied_log GROUP BY name ORDER BY name")
                .fetch_all(&pool)
                .await
                .unwrap();
        pool.close().await;
        rows
    });
    assert_eq!(rows.len(), 11, "{rows:?}");
    assert!(
        rows.iter().all(|(_, n)| *n == 1),
        "a migration ran twice: {rows:?}"
    );
    p.run(&["status", "--database-url", &db.url]).expect(0);
}

/// Kills a deploy in the middle of a slow migration; the next deploy must find nothing
/// half-applied and succeed.
fn killed_deploy_leaves_nothing_half_applied(
    p: &Project,
    url: &str,
    is_slow_running: impl Fn() -> bool,
    after_kill: impl Fn(),
) {
    let mut child = p
        .command(&["deploy", "--database-url", url])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !is_slow_running() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the slow migration never started"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    after_kill();

    let status = p
        .run(&["status", "--format", "json", "--database-url", url])
        .expect(3);
    let doc: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    let states: Vec<&str> = doc["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["state"].as_str().unwrap())
        .collect();
    assert_eq!(
        states,
        ["applied", "pending", "pending"],
        "the killed migration left no history row"
    );

    p.write("migrations/2_slow.sql", "CREATE TABLE half (x INTEGER);\n");
    let out = p
        .run(&["deploy", "--database-url", url, "--lock-timeout", "20"])
        .expect(0);
    assert!(
        out.stderr.contains("2 migrations applied"),
        "{}",
        out.stderr
    );
}

#[test]
fn sigkill_mid_migration_on_sqlite() {
    let p = Project::new("dialect = \"sqlite\"");
    p.write("migrations/1_users.sql", USERS);
    p.write(
        "migrations/2_slow.sql",
        "CREATE TABLE half (x INTEGER);\nWITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000000) SELECT count(*) FROM c;\n",
    );
    p.write(
        "migrations/3_after.sql",
        "CREATE TABLE after_slow (x INTEGER);\n",
    );
    let journal = p.path().join("app.db-journal");
    let url = p.sqlite_url();
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Slow means: migration 1 is committed and a write transaction (migration 2) is open.
    let slow_running = || {
        journal.exists()
            && rt.block_on(async {
                let Ok(mut conn) =
                    <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await
                else {
                    return false;
                };
                sqlx::query_scalar::<_, i64>(
                    "SELECT count(*) FROM _migrate_history WHERE version = 1",
                )
                .fetch_one(&mut conn)
                .await
                .is_ok_and(|n| n == 1)
            })
    };
    killed_deploy_leaves_nothing_half_applied(&p, &url, slow_running, || {});
}

#[test]
fn sigkill_mid_migration_on_postgres() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(db) = rt.block_on(pg_database()) else {
        return;
    };
    let p = Project::new("dialect = \"postgres\"");
    p.write("migrations/1_users.sql", USERS);
    p.write(
        "migrations/2_slow.sql",
        "CREATE TABLE half (x INTEGER);\nSELECT pg_sleep(60);\n",
    );
    p.write(
        "migrations/3_after.sql",
        "CREATE TABLE after_slow (x INTEGER);\n",
    );
    let pool = rt.block_on(sqlx::PgPool::connect(&db.url)).unwrap();
    let sleeping = || {
        rt.block_on(
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%'",
            )
            .fetch_one(&pool),
        )
        .unwrap()
            > 0
    };
    let major = rt.block_on(migrate_tests::pg_major(&db.url));
    // Before PostgreSQL 14 (no `client_connection_check_interval`) the server notices the dead
    // client only when the running statement ends: the orphan keeps the lock for the rest of
    // its minute, and the operator ends it (documented in deploy-safety.md).
    let end_the_orphan = || {
        if major < 14 {
            rt.block_on(
                sqlx::query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                     WHERE query LIKE 'SELECT pg_sleep(60)%'",
                )
                .execute(&pool),
            )
            .unwrap();
        }
    };
    killed_deploy_leaves_nothing_half_applied(&p, &db.url, sleeping, end_the_orphan);
    rt.block_on(pool.close());
}

#[test]
fn workspace_members_are_found_by_package_and_manifest_path() {
    let ws = tempfile::tempdir().unwrap();
    let write = |rel: &str, text: &str| {
        let path = ws.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"api\", \"jobs\"]\nresolver = \"2\"\n\n[workspace.metadata.migrate]\ndialect = \"sqlite\"\ntable = \"ws_history\"\n",
    );
    for member in ["api", "jobs"] {
        write(
            &format!("{member}/Cargo.toml"),
            &format!("[package]\nname = \"{member}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
        );
        write(&format!("{member}/src/lib.rs"), "");
    }
    write(
        "jobs/Cargo.toml",
        "[package]\nname = \"jobs\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[package.metadata.migrate]\ndir = \"db\"\n",
    );
    write(
        "api/migrations/1_api.sql",
        "CREATE TABLE api_thing (x INTEGER);\n",
    );
    write(
        "jobs/db/1_jobs.sql",
        "CREATE TABLE jobs_thing (x INTEGER);\n",
    );
    let url = format!("sqlite:{}", ws.path().join("ws.db").display());
    let run = |dir: &std::path::Path, args: &[&str]| {
        let out = std::process::Command::new(crate::support::bin())
            .arg("migrate")
            .args(args)
            .arg("--database-url")
            .arg(&url)
            .current_dir(dir)
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stdout, stderr) = run(ws.path(), &["status", "-p", "jobs"]);
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stdout.contains("jobs") && !stdout.contains("api"),
        "-p picks the member's own dir: {stdout}"
    );
    let (code, stdout, _) = run(&ws.path().join("api/src"), &["status"]);
    assert_eq!(code, 3);
    assert!(
        stdout.contains("1                api"),
        "found from a subdirectory: {stdout}"
    );
    let manifest = ws.path().join("api/Cargo.toml");
    let (code, _, stderr) = run(
        std::env::temp_dir().as_path(),
        &["deploy", "--manifest-path", manifest.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{stderr}");
    let (_, _, stderr) = run(ws.path(), &["status", "-p", "nope"]);
    assert!(
        stderr.contains("package `nope` is not a member") && stderr.contains("api, jobs"),
        "{stderr}"
    );
    // The workspace's table name applies to members.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let n: i64 = rt.block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::query_scalar("SELECT count(*) FROM ws_history")
            .fetch_one(&pool)
            .await
            .unwrap()
    });
    assert_eq!(n, 1);
}

#[test]
fn cargo_runs_it_as_a_subcommand() {
    let p = sqlite_project();
    let bin_dir = std::path::Path::new(crate::support::bin())
        .parent()
        .unwrap()
        .to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let out = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["migrate", "status", "--database-url", &p.sqlite_url()])
        .current_dir(p.path())
        .env("PATH", path)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("pending"));
}

#[test]
fn revert_dry_run_prints_the_down_scripts_and_runs_nothing() {
    let p = sqlite_project();
    let url = p.sqlite_url();
    p.write("migrations/2_posts.down.sql", "DROP TABLE posts;\n");
    p.run(&["deploy", "--database-url", &url]).expect(0);
    let dry = p
        .run(&["revert", "--dry-run", "--database-url", &url])
        .expect(0);
    dry.stdout_eq(
        &p,
        str![[r#"
-- revert 2 posts (migrations/2_posts.down.sql, in a transaction)
DROP TABLE posts;


"#]],
    );
    dry.stderr_eq(
        &p,
        str![[r#"
     Dry run 1 migration(s) would be reverted on sqlite:[ROOT]/app.db; nothing was run

"#]],
    );
    // Nothing was reverted: both stay applied, the posts table is there.
    let status = p
        .run(&["status", "--format", "json", "--database-url", &url])
        .expect(0);
    let doc: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(doc["summary"]["applied"], 2, "{}", status.stdout);
    // A dry run refuses what the revert would refuse.
    std::fs::remove_file(p.path().join("migrations/1_users.down.sql")).unwrap();
    let all = p
        .run(&["revert", "--dry-run", "--to", "0", "--database-url", &url])
        .expect(1);
    all.stderr_eq(
        &p,
        str![[r#"
error: cannot revert: no down file for 1 (users).
  Nothing was reverted. Write the missing `<version>_<name>.down.sql` file(s) first

"#]],
    );
}

#[test]
fn revert_names_an_empty_down_file_as_empty() {
    let p = sqlite_project();
    let url = p.sqlite_url();
    p.write("migrations/2_posts.down.sql", "-- nothing can undo this\n");
    p.run(&["deploy", "--database-url", &url]).expect(0);
    let refused = p.run(&["revert", "--database-url", &url]).expect(1);
    refused.stderr_eq(
        &p,
        str![[r#"
error: cannot revert: the down file migrations/2_posts.down.sql is empty (it holds no statement).
  Nothing was reverted. Write the SQL that undoes the migration in it first

"#]],
    );
}

#[test]
fn deploy_over_another_tools_history_suggests_adopt_and_runs_nothing() {
    let p = sqlite_project();
    let url = p.sqlite_url();
    let db = p.path().join("app.db");
    let status = std::process::Command::new("sqlite3")
        .arg(&db)
        .arg("CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL, checksum BLOB NOT NULL, execution_time BIGINT NOT NULL); CREATE TABLE users (id INTEGER PRIMARY KEY);")
        .status()
        .expect("sqlite3 runs");
    assert!(status.success());
    let refused = p.run(&["deploy", "--database-url", &url]).expect(4);
    refused.stderr_eq(&p, str![[r#"
error: sqlite:[ROOT]/app.db has `_sqlx_migrations` (sqlx's history) and no history of cargo-migrate: deploying would run again what sqlx applied.
  Take its history over with `cargo migrate adopt sqlx` (it checks every applied file and runs nothing), then deploy

"#]]);
    // Nothing ran: no history of ours, no posts table.
    let tables = std::process::Command::new("sqlite3")
        .arg(&db)
        .arg("SELECT group_concat(name, ',') FROM sqlite_master WHERE type = 'table'")
        .output()
        .unwrap();
    let tables = String::from_utf8_lossy(&tables.stdout);
    assert!(
        !tables.contains("posts") && !tables.contains("_migrate_history"),
        "{tables}"
    );
}
