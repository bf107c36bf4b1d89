//! A PostgreSQL project on a database of its own, and the real binary run in the background
//! at a chosen slow statement: the setup the signal, lock and shape tests share.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sqlx::{AssertSqlSafe, Connection, PgConnection};

use super::{Project, Run};

/// A `dialect = "postgres"` project, its database (dropped with it) and a runtime for the
/// test's own queries.
pub struct PgProject {
    pub rt: tokio::runtime::Runtime,
    pub db: migrate_tests::PgTestDb,
    pub p: Project,
}

impl PgProject {
    /// The project with `files` (`(path, contents)`) written; `None` when PostgreSQL is
    /// absent (the skip is recorded).
    pub fn new(files: &[(&str, &str)]) -> Option<PgProject> {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let db = rt.block_on(migrate_tests::pg_database())?;
        let p = Project::new("dialect = \"postgres\"");
        for (path, contents) in files {
            p.write(path, contents);
        }
        Some(PgProject { rt, db, p })
    }

    pub fn url(&self) -> &str {
        &self.db.url
    }

    /// `cargo migrate <args> --database-url <this database>`.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut args = args.to_vec();
        args.extend(["--database-url", self.url()]);
        self.p.run(&args)
    }

    /// The server's major version.
    pub fn major(&self) -> u32 {
        self.rt.block_on(migrate_tests::pg_major(self.url()))
    }

    /// How many other sessions run a query starting with `query`.
    pub fn running(&self, query: &str) -> i64 {
        self.rt.block_on(async {
            let mut conn = PgConnection::connect(self.url()).await.unwrap();
            sqlx::query_scalar(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE $1 || '%' AND pid <> pg_backend_pid()",
            )
            .bind(query)
            .fetch_one(&mut conn)
            .await
            .unwrap()
        })
    }

    /// Runs SQL (several statements) on the database, as a person with psql would.
    pub fn sql(&self, sql: &str) {
        self.rt.block_on(async {
            let mut conn = PgConnection::connect(self.url()).await.unwrap();
            sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
                .execute(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("{e}\n{sql}"));
            conn.close().await.unwrap();
        });
    }

    /// Starts `cargo migrate deploy <args>` on the database and returns once a session runs
    /// `statement` (the slow statement the test acts at).
    pub fn deploy_until(&self, args: &[&str], statement: &str) -> Child {
        let mut all = vec!["deploy", "--database-url", self.url()];
        all.extend(args);
        let child = spawn(&self.p, &all);
        wait_for(statement, || self.running(statement) > 0);
        child
    }
}

/// Starts `cargo migrate <args>` with its output piped.
pub fn spawn(p: &Project, args: &[&str]) -> Child {
    p.command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn cargo-migrate")
}

/// Polls `ready` for up to 30 s.
#[track_caller]
pub fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let started = Instant::now();
    while !ready() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Sends `signal` (`INT`, `TERM`, `KILL`) to the child.
pub fn kill(child: &Child, signal: &str) {
    let status = Command::new("kill")
        .args(["-s", signal, &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -s {signal} failed");
}

/// Waits (at most 15 s) for the child to exit and returns its output.
pub fn finish(mut child: Child) -> Run {
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > Duration::from_secs(15) {
            let _ = child.kill();
            panic!("cargo-migrate did not exit within 15 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Run::from(child.wait_with_output().expect("output"))
}
