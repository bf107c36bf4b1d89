//! `adopt` and `baseline` through the binary, on history tables made exactly as sqlx, diesel
//! and Prisma make them: their own DDL, their own rows, their own checksums. The expected
//! checksums are computed here with `sha2` over the file's bytes (Prisma) or by sqlx's own
//! migrator (sqlx), never with cargo-migrate's checksum function, so a check that always
//! passes, or that hashes the wrong bytes, fails these tests.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::support::{Project, Run};
use migrate_tests::{PgTestDb, pg_database};
use sha2::{Digest, Sha256, Sha384};
use snapbox::{IntoData, str};
use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection, SqliteConnection};

/// One database of one dialect, with a project configured for that dialect.
pub(crate) struct Db {
    pub(crate) dialect: &'static str,
    pub(crate) url: String,
    pub(crate) project: Project,
    _pg: Option<PgTestDb>,
}

/// The test body runs on a SQLite file, then on a PostgreSQL database when a server is there.
pub(crate) fn on_each_database(body: impl Fn(&Db, &tokio::runtime::Runtime)) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let project = Project::new("dialect = \"sqlite\"");
    let sqlite = Db {
        dialect: "sqlite",
        url: project.sqlite_url(),
        project,
        _pg: None,
    };
    body(&sqlite, &rt);
    if let Some(pg) = rt.block_on(pg_database()) {
        let db = Db {
            dialect: "postgres",
            url: pg.url.clone(),
            project: Project::new("dialect = \"postgres\""),
            _pg: Some(pg),
        };
        body(&db, &rt);
    }
}

impl Db {
    pub(crate) fn sqlite(&self) -> bool {
        self.dialect == "sqlite"
    }

    /// Runs SQL (one or more statements) the way the other tool would.
    pub(crate) async fn exec(&self, sql: &str) {
        let sql = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()));
        if self.sqlite() {
            let mut c = SqliteConnection::connect(&format!("{}?mode=rwc", self.url))
                .await
                .unwrap();
            c.execute(sql).await.unwrap();
            c.close().await.unwrap();
        } else {
            let mut c = PgConnection::connect(&self.url).await.unwrap();
            c.execute(sql).await.unwrap();
            c.close().await.unwrap();
        }
    }

    /// The first column of every row, as text.
    pub(crate) async fn texts(&self, sql: &str) -> Vec<String> {
        let sql = AssertSqlSafe(sql.to_owned());
        if self.sqlite() {
            let mut c = SqliteConnection::connect(&format!("{}?mode=rwc", self.url))
                .await
                .unwrap();
            let rows = sqlx::query_scalar(sql).fetch_all(&mut c).await.unwrap();
            c.close().await.unwrap();
            rows
        } else {
            let mut c = PgConnection::connect(&self.url).await.unwrap();
            let rows = sqlx::query_scalar(sql).fetch_all(&mut c).await.unwrap();
            c.close().await.unwrap();
            rows
        }
    }

    /// Versions recorded in cargo-migrate's own history (none when the table does not exist).
    pub(crate) async fn recorded(&self) -> Vec<String> {
        let exists = if self.sqlite() {
            "SELECT name FROM sqlite_master WHERE name = '_migrate_history'"
        } else {
            "SELECT CAST(to_regclass('_migrate_history') AS TEXT) WHERE to_regclass('_migrate_history') IS NOT NULL"
        };
        if self.texts(exists).await.is_empty() {
            return Vec::new();
        }
        self.texts("SELECT CAST(version AS TEXT) FROM _migrate_history ORDER BY version")
            .await
    }

    /// Asserts `out`'s stderr equals `expected`, this database's URL reading `[URL]`: one
    /// snapshot serves both databases.
    #[track_caller]
    pub(crate) fn stderr_eq(&self, out: &Run, expected: impl IntoData) {
        out.stderr_eq_with(&self.project, &[("[URL]", &self.url)], expected);
    }

    pub(crate) fn run(&self, args: &[&str]) -> Run {
        let mut all = args.to_vec();
        all.extend(["--database-url", &self.url]);
        self.project.run(&all)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ----- Prisma -----------------------------------------------------------------------------

const PRISMA_USERS: &str = "-- CreateTable\nCREATE TABLE \"users\" (\n    \"id\" INTEGER NOT NULL,\n    CONSTRAINT \"users_pkey\" PRIMARY KEY (\"id\")\n);\n";
const PRISMA_POSTS: &str = "-- CreateTable\nCREATE TABLE \"posts\" (\n    \"id\" INTEGER NOT NULL,\n    CONSTRAINT \"posts_pkey\" PRIMARY KEY (\"id\")\n);\n";
const PRISMA_MIGRATIONS: [(&str, &str); 2] = [
    ("20230101000000_users", PRISMA_USERS),
    ("20230102000000_posts", PRISMA_POSTS),
];

/// `_prisma_migrations` as prisma-engines' `create_migrations_table` makes it, per flavour.
fn prisma_table(db: &Db) -> &'static str {
    if db.sqlite() {
        "CREATE TABLE \"_prisma_migrations\" (\n    \"id\" TEXT PRIMARY KEY NOT NULL,\n    \"checksum\" TEXT NOT NULL,\n    \"finished_at\" DATETIME,\n    \"migration_name\" TEXT NOT NULL,\n    \"logs\" TEXT,\n    \"rolled_back_at\" DATETIME,\n    \"started_at\" DATETIME NOT NULL DEFAULT current_timestamp,\n    \"applied_steps_count\" INTEGER UNSIGNED NOT NULL DEFAULT 0\n);"
    } else {
        "CREATE TABLE _prisma_migrations (\n    id VARCHAR(36) PRIMARY KEY NOT NULL,\n    checksum VARCHAR(64) NOT NULL,\n    finished_at TIMESTAMPTZ,\n    migration_name VARCHAR(255) NOT NULL,\n    logs TEXT,\n    rolled_back_at TIMESTAMPTZ,\n    started_at TIMESTAMPTZ NOT NULL DEFAULT now(),\n    applied_steps_count INTEGER NOT NULL DEFAULT 0\n);"
    }
}

/// A timestamp as Prisma binds it: quaint writes a DateTime to SQLite as Unix milliseconds.
fn prisma_now(db: &Db) -> String {
    if db.sqlite() {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis();
        ms.to_string()
    } else {
        "now()".to_owned()
    }
}

/// Applies each migration the way `prisma migrate deploy` does: a row with the checksum
/// (`record_migration_started`: lower-case hex SHA-256 of migration.sql), the script, one
/// `applied_steps_count` step, then `finished_at`.
async fn prisma_deploys(db: &Db) {
    prisma_deploys_with(db, |sql| hex(&Sha256::digest(sql.as_bytes()))).await;
}

/// The same, with the checksum Prisma computed elsewhere (another checkout, an older Prisma).
async fn prisma_deploys_with(db: &Db, checksum_of: impl Fn(&str) -> String) {
    db.exec(prisma_table(db)).await;
    for (i, (name, sql)) in PRISMA_MIGRATIONS.iter().enumerate() {
        db.project
            .write(&format!("migrations/{name}/migration.sql"), sql);
        let id = format!("0c9f1a52-6b3e-4d2a-9f0e-00000000000{i}");
        let checksum = checksum_of(sql);
        let started = prisma_now(db);
        db.exec(&format!(
            "INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name) VALUES ('{id}', '{checksum}', {started}, '{name}')"
        ))
        .await;
        db.exec(sql).await;
        db.exec(&format!("UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1 WHERE id = '{id}'")).await;
        let finished = prisma_now(db);
        db.exec(&format!(
            "UPDATE _prisma_migrations SET finished_at = {finished} WHERE id = '{id}'"
        ))
        .await;
    }
}

const PRISMA_ROWS: &str = "SELECT migration_name || ' ' || checksum || ' ' || CAST(applied_steps_count AS TEXT) || ' ' || CAST(finished_at IS NOT NULL AS TEXT) FROM _prisma_migrations ORDER BY migration_name";

#[test]
fn adopt_prisma_records_a_history_prisma_wrote() {
    on_each_database(|db, rt| {
        rt.block_on(prisma_deploys(db));
        let out = db.run(&["adopt", "prisma"]).expect(0);
        db.stderr_eq(&out, str![[r#"
     Adopted 2 applied migration(s) from _prisma_migrations (0 already recorded); nothing was re-run. The old table _prisma_migrations is untouched: drop it when you no longer need it

"#]]);
        assert_eq!(
            rt.block_on(db.recorded()),
            ["20230101000000", "20230102000000"],
            "{}",
            db.dialect
        );
        db.run(&["status"]).expect(0);
    });
}

#[test]
fn adopt_prisma_refuses_a_changed_migration_sql_and_records_nothing() {
    on_each_database(|db, rt| {
        rt.block_on(prisma_deploys(db));
        let before = rt.block_on(db.texts(PRISMA_ROWS));
        // One character more than Prisma applied: a column added after the fact.
        db.project.write(
            "migrations/20230102000000_posts/migration.sql",
            PRISMA_POSTS.replace("NOT NULL,", "NOT NULL,\n    \"title\" TEXT,"),
        );
        let out = db.run(&["adopt", "prisma"]).expect(4);
        // The unchanged file (20230101000000_users) is not blamed.
        db.stderr_eq(&out, str![[r#"
error: cannot adopt _prisma_migrations: nothing was recorded.
  migrations/20230102000000_posts/migration.sql (version 20230102000000) differs from what prisma applied: restore the file as it was applied (see `git log -p -- migrations/20230102000000_posts/migration.sql`)

"#]]);
        assert_eq!(
            rt.block_on(db.recorded()),
            Vec::<String>::new(),
            "{}: not even the unchanged first migration is recorded",
            db.dialect
        );
        assert_eq!(
            rt.block_on(db.texts(PRISMA_ROWS)),
            before,
            "Prisma's table is left as it was"
        );
        // Restoring the file makes the same history adoptable.
        db.project.write(
            "migrations/20230102000000_posts/migration.sql",
            PRISMA_POSTS,
        );
        db.run(&["adopt", "prisma"]).expect(0);
    });
}

#[test]
fn adopt_prisma_accepts_what_prisma_accepts_crlf_checkouts_and_unpadded_checksums() {
    // A history applied from a Windows checkout (CRLF) while the files here have LF; and one
    // written before Prisma zero-padded its hex digits (prisma-engines issue 1887). Prisma's
    // `script_matches_checksum` accepts both, so adopt must too.
    let crlf = |sql: &str| hex(&Sha256::digest(sql.replace('\n', "\r\n").as_bytes()));
    let unpadded = |sql: &str| {
        let digest = Sha256::digest(sql.as_bytes());
        assert!(
            digest.iter().any(|b| *b < 0x10),
            "the case needs a digit to drop"
        );
        digest.iter().map(|b| format!("{b:x}")).collect::<String>()
    };
    on_each_database(|db, rt| {
        rt.block_on(prisma_deploys_with(db, crlf));
        db.run(&["adopt", "prisma"]).expect(0);
        assert_eq!(rt.block_on(db.recorded()).len(), 2, "{}", db.dialect);
    });
    on_each_database(|db, rt| {
        rt.block_on(prisma_deploys_with(db, unpadded));
        db.run(&["adopt", "prisma"]).expect(0);
        assert_eq!(rt.block_on(db.recorded()).len(), 2, "{}", db.dialect);
    });
    // An unpadded checksum of other content is still a changed file.
    on_each_database(|db, rt| {
        rt.block_on(prisma_deploys_with(db, |sql| unpadded(&format!("{sql} "))));
        db.run(&["adopt", "prisma"]).expect(4);
        assert_eq!(rt.block_on(db.recorded()), Vec::<String>::new());
    });
}

#[test]
fn adopt_prisma_refuses_a_migration_prisma_did_not_finish() {
    on_each_database(|db, rt| {
        rt.block_on(prisma_deploys(db));
        // A started row with no finished_at and no rolled_back_at is a failed migration.
        rt.block_on(db.exec(
            "UPDATE _prisma_migrations SET finished_at = NULL, logs = 'boom' WHERE migration_name = '20230102000000_posts'",
        ));
        let out = db.run(&["adopt", "prisma"]).expect(4);
        db.stderr_eq(&out, str![[r#"
error: cannot adopt _prisma_migrations: nothing was recorded.
  _prisma_migrations records 20230102000000_posts as failed: fix it with prisma first, or fix the database by hand and delete that row

"#]]);
        assert_eq!(rt.block_on(db.recorded()), Vec::<String>::new());
    });
}

// ----- sqlx -------------------------------------------------------------------------------

const SQLX_USERS: &str = "CREATE TABLE users (id BIGINT PRIMARY KEY);\n";
const SQLX_POSTS: &str = "CREATE TABLE posts (id BIGINT PRIMARY KEY);\n";

/// sqlx's own migrator applies the project's folder: `_sqlx_migrations` and its rows are
/// sqlx's, checksums included.
async fn sqlx_deploys(db: &Db) {
    db.project.write("migrations/1_users.sql", SQLX_USERS);
    db.project.write("migrations/2_posts.sql", SQLX_POSTS);
    let migrator = sqlx::migrate::Migrator::new(db.project.path().join("migrations"))
        .await
        .unwrap();
    if db.sqlite() {
        let mut c = SqliteConnection::connect(&format!("{}?mode=rwc", db.url))
            .await
            .unwrap();
        migrator.run(&mut c).await.unwrap();
        c.close().await.unwrap();
    } else {
        let mut c = PgConnection::connect(&db.url).await.unwrap();
        migrator.run(&mut c).await.unwrap();
        c.close().await.unwrap();
    }
}

#[test]
fn adopt_sqlx_refuses_a_changed_file_and_records_nothing() {
    on_each_database(|db, rt| {
        rt.block_on(sqlx_deploys(db));
        // What sqlx stored is the SHA-384 of the file's bytes (the book's claim, docs/src/commands.md).
        let stored = rt.block_on(db.texts(if db.sqlite() {
            "SELECT lower(hex(checksum)) FROM _sqlx_migrations ORDER BY version"
        } else {
            "SELECT encode(checksum, 'hex') FROM _sqlx_migrations ORDER BY version"
        }));
        assert_eq!(
            stored,
            [
                hex(&Sha384::digest(SQLX_USERS)),
                hex(&Sha384::digest(SQLX_POSTS))
            ]
        );
        // Trailing whitespace is an edit to sqlx.
        db.project
            .write("migrations/1_users.sql", format!("{SQLX_USERS} "));
        let out = db.run(&["adopt", "sqlx"]).expect(4);
        db.stderr_eq(&out, str![[r#"
error: cannot adopt _sqlx_migrations: nothing was recorded.
  migrations/1_users.sql (version 1) differs from what sqlx applied: restore the file as it was applied (see `git log -p -- migrations/1_users.sql`)

"#]]);
        assert_eq!(rt.block_on(db.recorded()), Vec::<String>::new());
        db.project.write("migrations/1_users.sql", SQLX_USERS);
        let out = db.run(&["adopt", "sqlx"]).expect(0);
        db.stderr_eq(&out, str![[r#"
     Adopted 2 applied migration(s) from _sqlx_migrations (0 already recorded); nothing was re-run. The old table _sqlx_migrations is untouched: drop it when you no longer need it

"#]]);
        assert_eq!(rt.block_on(db.recorded()), ["1", "2"]);
    });
}

// ----- diesel -----------------------------------------------------------------------------

/// `__diesel_schema_migrations` as diesel's `setup_migration_table.sql` makes it, and one row
/// per applied folder: diesel stores the name's leading part with the dashes removed.
pub(crate) async fn diesel_deploys(db: &Db, folders: &[&str]) {
    db.exec(
        "CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (\n       version VARCHAR(50) PRIMARY KEY NOT NULL,\n       run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP\n);",
    )
    .await;
    for folder in folders {
        let version = folder.split('_').next().unwrap().replace('-', "");
        db.exec(&format!(
            "INSERT INTO __diesel_schema_migrations (version) VALUES ('{version}')"
        ))
        .await;
    }
}

#[test]
fn adopt_diesel_refuses_a_version_without_its_folder_and_records_nothing() {
    on_each_database(|db, rt| {
        db.project.write(
            "migrations/2023-01-01-000000_users/up.sql",
            "CREATE TABLE users (id BIGINT PRIMARY KEY);\n",
        );
        db.project.write(
            "migrations/2023-01-01-000000_users/down.sql",
            "DROP TABLE users;\n",
        );
        // diesel recorded a second migration whose folder is gone from the project.
        rt.block_on(diesel_deploys(
            db,
            &["2023-01-01-000000_users", "2023-02-01-000000_posts"],
        ));
        let out = db.run(&["adopt", "diesel"]).expect(4);
        db.stderr_eq(&out, str![[r#"
error: cannot adopt __diesel_schema_migrations: nothing was recorded.
  __diesel_schema_migrations has 20230201000000 applied, but no migration file has that version: restore the file, or delete the row from __diesel_schema_migrations if it was removed on purpose

"#]]);
        assert_eq!(rt.block_on(db.recorded()), Vec::<String>::new());
        // diesel stores no checksum: with the folder back, the history is taken over.
        db.project.write(
            "migrations/2023-02-01-000000_posts/up.sql",
            "CREATE TABLE posts (id BIGINT PRIMARY KEY);\n",
        );
        db.run(&["adopt", "diesel"]).expect(0);
        assert_eq!(
            rt.block_on(db.recorded()),
            ["20230101000000", "20230201000000"]
        );
    });
}

#[test]
fn adopt_without_the_tools_table_says_so_and_records_nothing() {
    on_each_database(|db, rt| {
        db.project.write("migrations/1_users.sql", SQLX_USERS);
        let out = db.run(&["adopt", "prisma"]);
        assert_ne!(out.code, 0, "{}", out.stderr);
        db.stderr_eq(&out, str![[r#"
error: there is no table _prisma_migrations in this database: nothing to adopt (is this the right database?)

"#]]);
        assert_eq!(rt.block_on(db.recorded()), Vec::<String>::new());
    });
}

// ----- baseline ---------------------------------------------------------------------------

#[test]
fn baseline_records_up_to_the_version_and_deploy_runs_only_the_rest() {
    on_each_database(|db, rt| {
        db.project.write("migrations/1_users.sql", SQLX_USERS);
        db.project.write("migrations/2_posts.sql", SQLX_POSTS);
        db.project.write(
            "migrations/3_tags.sql",
            "CREATE TABLE tags (id BIGINT PRIMARY KEY);\n",
        );
        // The schema exists already, made by hand: running 1 or 2 again would fail.
        rt.block_on(db.exec(&format!("{SQLX_USERS}{SQLX_POSTS}")));

        let out = db.run(&["baseline", "7"]);
        assert_ne!(out.code, 0, "an unknown version is refused");
        db.stderr_eq(
            &out,
            str![[r#"
error: no migration has version 7
  Run `cargo migrate status` to list the migrations.

"#]],
        );
        assert_eq!(rt.block_on(db.recorded()), Vec::<String>::new());

        let out = db.run(&["baseline", "2"]).expect(0);
        db.stderr_eq(
            &out,
            str![[r#"
   Baselined 2 migration(s) up to 2 recorded as applied on [URL] (no SQL was run)

"#]],
        );
        assert_eq!(rt.block_on(db.recorded()), ["1", "2"]);
        let status = db.run(&["status"]).expect(3);
        assert_eq!(
            status.stdout.matches("pending").count(),
            1,
            "{}",
            status.stdout
        );
        db.run(&["deploy"]).expect(0);
        assert_eq!(rt.block_on(db.recorded()), ["1", "2", "3"]);
        // Baselining again records nothing new.
        let out = db.run(&["baseline", "3"]).expect(0);
        db.stderr_eq(
            &out,
            str![[r#"
   Baselined 0 migration(s) up to 3 recorded as applied on [URL] (no SQL was run)

"#]],
        );
    });
}
