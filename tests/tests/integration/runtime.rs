//! The runtime against real databases: every scenario runs on SQLite and on PostgreSQL.

use std::sync::Mutex;

use migrate_runtime::{
    AnyConnection, BaselineOptions, ConnectOptions, DeployOptions, Dialect, Driver, Event,
    LoadOptions, LockOptions, MigrateError, MigrationState, Migrator, Resolution, Resolved,
    RevertOptions,
};
use migrate_tests::{migrations_dir, pg_database, sqlite_database};
use sqlx::AssertSqlSafe;

/// A database for one test, of either kind.
struct Db {
    url: String,
    dialect: Dialect,
    _guard: Box<dyn std::any::Any>,
}

async fn databases() -> Vec<Db> {
    let mut out = Vec::new();
    let sqlite = sqlite_database();
    out.push(Db {
        url: sqlite.url.clone(),
        dialect: Dialect::Sqlite,
        _guard: Box::new(sqlite),
    });
    if let Some(pg) = pg_database().await {
        out.push(Db {
            url: pg.url.clone(),
            dialect: Dialect::Postgres,
            _guard: Box::new(pg),
        });
    }
    out
}

async fn connect(db: &Db) -> AnyConnection {
    AnyConnection::connect(&db.url, &ConnectOptions::default())
        .await
        .expect("connect")
}

fn migrator(dir: &tempfile::TempDir, dialect: Dialect) -> Migrator {
    Migrator::from_dir(dir.path(), &LoadOptions::new(dialect)).expect("load migrations")
}

async fn scalar_i64(conn: &mut AnyConnection, sql: &str) -> i64 {
    match conn {
        AnyConnection::Postgres(c) => sqlx::query_scalar(AssertSqlSafe(sql.to_owned()))
            .fetch_one(c)
            .await
            .unwrap(),
        AnyConnection::Sqlite(c) => sqlx::query_scalar(AssertSqlSafe(sql.to_owned()))
            .fetch_one(c)
            .await
            .unwrap(),
        _ => unreachable!(),
    }
}

async fn table_exists(conn: &mut AnyConnection, name: &str) -> bool {
    let sql = match conn {
        AnyConnection::Postgres(_) => {
            format!("SELECT count(*) FROM pg_tables WHERE tablename = '{name}'")
        }
        _ => format!("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '{name}'"),
    };
    scalar_i64(conn, &sql).await == 1
}

const USERS: (&str, &str) = (
    "1_users.up.sql",
    "CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT NOT NULL);\n",
);
const USERS_DOWN: (&str, &str) = ("1_users.down.sql", "DROP TABLE users;\n");
const POSTS: (&str, &str) = (
    "2_posts.up.sql",
    "CREATE TABLE posts (id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users (id));\nINSERT INTO users VALUES (1, 'a@example.com');\n",
);
const POSTS_DOWN: (&str, &str) = (
    "2_posts.down.sql",
    "DROP TABLE posts;\nDELETE FROM users;\n",
);

#[tokio::test]
async fn apply_status_revert_round_trip() {
    let dir = migrations_dir(&[USERS, USERS_DOWN, POSTS, POSTS_DOWN]);
    for db in databases().await {
        let m = migrator(&dir, db.dialect);
        let mut conn = connect(&db).await;
        let states = |entries: Vec<migrate_runtime::StatusEntry>| {
            entries.iter().map(|e| e.state).collect::<Vec<_>>()
        };

        assert_eq!(
            states(m.status_with(&mut conn).await.unwrap()),
            [MigrationState::Pending; 2],
            "{}",
            db.dialect
        );
        let report = m
            .run_with(&mut conn, &DeployOptions::default())
            .await
            .unwrap();
        assert_eq!(
            report
                .applied
                .iter()
                .map(|a| a.version.clone())
                .collect::<Vec<_>>(),
            [1, 2]
        );
        assert!(table_exists(&mut conn, "posts").await);
        let entries = m.status_with(&mut conn).await.unwrap();
        assert_eq!(states(entries.clone()), [MigrationState::Applied; 2]);
        let row = entries[0].row.as_ref().unwrap();
        assert!(
            row.success
                && row.applied_by.starts_with("cargo-migrate")
                && row.applied_at.ends_with('Z'),
            "{row:?}"
        );

        // A second deploy has nothing to do.
        assert!(
            m.run_with(&mut conn, &DeployOptions::default())
                .await
                .unwrap()
                .applied
                .is_empty()
        );

        // Revert the newest, then everything.
        assert_eq!(
            m.revert_with(&mut conn, &RevertOptions::default())
                .await
                .unwrap(),
            [2]
        );
        assert!(!table_exists(&mut conn, "posts").await);
        assert_eq!(
            states(m.status_with(&mut conn).await.unwrap()),
            [MigrationState::Applied, MigrationState::Pending]
        );
        let zero = 0.into();
        let all = RevertOptions::new().to(&zero);
        assert_eq!(m.revert_with(&mut conn, &all).await.unwrap(), [1]);
        assert!(!table_exists(&mut conn, "users").await);

        // Deploy up to a version.
        let one = 1.into();
        let to_one = DeployOptions::new().to(&one);
        assert_eq!(
            m.run_with(&mut conn, &to_one).await.unwrap().applied.len(),
            1
        );
        assert_eq!(
            states(m.status_with(&mut conn).await.unwrap()),
            [MigrationState::Applied, MigrationState::Pending]
        );
    }
}

#[tokio::test]
async fn an_edited_applied_migration_is_refused_before_anything_runs() {
    let dir = migrations_dir(&[USERS]);
    for db in databases().await {
        let mut conn = connect(&db).await;
        migrator(&dir, db.dialect)
            .run_with(&mut conn, &DeployOptions::default())
            .await
            .unwrap();

        let edited = migrations_dir(&[
            (
                "1_users.up.sql",
                "CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT);\n",
            ),
            ("3_more.sql", "CREATE TABLE more (x INT);\n"),
        ]);
        let m = migrator(&edited, db.dialect);
        let err = m
            .run_with(&mut conn, &DeployOptions::default())
            .await
            .unwrap_err();
        assert_eq!(err.exit_code(), 4);
        let text = err.to_string();
        assert!(text.contains("migration 1 (users) was changed"), "{text}");
        assert!(!text.contains("cargo migrate"), "{text}");
        assert!(
            !table_exists(&mut conn, "more").await,
            "nothing may run after a refusal"
        );

        // Accepting the reviewed edit clears it.
        m.resolve_with(
            &mut conn,
            Resolution::Checksum { version: 1.into() },
            &LockOptions::default(),
        )
        .await
        .unwrap();
        m.run_with(&mut conn, &DeployOptions::default())
            .await
            .unwrap();
        assert!(table_exists(&mut conn, "more").await);
    }
}

#[tokio::test]
async fn a_failing_migration_rolls_back_and_names_its_line() {
    let bad = (
        "2_bad.sql",
        "CREATE TABLE ok_part (x INT);\n\nINSERT INTO no_such_table VALUES (1);\n",
    );
    let dir = migrations_dir(&[USERS, bad]);
    for db in databases().await {
        let mut conn = connect(&db).await;
        let err = migrator(&dir, db.dialect)
            .run_with(&mut conn, &DeployOptions::default())
            .await
            .unwrap_err();
        let MigrateError::Failed {
            ref version,
            at,
            rolled_back,
            ref path,
            ..
        } = err
        else {
            panic!("{err}")
        };
        assert_eq!(
            (version.clone(), at.line, rolled_back),
            (2.into(), 3, true),
            "{}: {err}",
            db.dialect
        );
        assert!(path.ends_with("2_bad.sql"));
        assert!(err.to_string().contains("no_such_table"), "{err}");
        if db.dialect == Dialect::Postgres {
            assert_eq!(at.col, 13, "the server's error position maps into the file");
        }
        assert!(
            !table_exists(&mut conn, "ok_part").await,
            "the failed migration was rolled back"
        );
        assert!(
            table_exists(&mut conn, "users").await,
            "the earlier migration stays applied"
        );
        let states: Vec<_> = migrator(&dir, db.dialect)
            .status_with(&mut conn)
            .await
            .unwrap()
            .iter()
            .map(|e| e.state)
            .collect();
        assert_eq!(states, [MigrationState::Applied, MigrationState::Pending]);
    }
}

#[tokio::test]
async fn a_failed_no_transaction_migration_is_recorded_and_blocks_deploys() {
    let bad = (
        "2_bad.sql",
        "-- migrate:no-transaction\nCREATE TABLE first_part (x INT);\nINSERT INTO missing VALUES (1);\n",
    );
    let dir = migrations_dir(&[USERS, bad, ("3_later.sql", "CREATE TABLE later (x INT);\n")]);
    for db in databases().await {
        let mut conn = connect(&db).await;
        let m = migrator(&dir, db.dialect);
        let err = m
            .run_with(&mut conn, &DeployOptions::default())
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                MigrateError::Failed {
                    rolled_back: false,
                    ..
                }
            ),
            "{err}"
        );
        // The library names no CLI command: the CLI adds `cargo migrate resolve …` itself.
        assert!(!err.to_string().contains("cargo migrate"), "{err}");
        assert!(
            table_exists(&mut conn, "first_part").await,
            "no transaction: the first statement stays"
        );

        let entries = m.status_with(&mut conn).await.unwrap();
        assert_eq!(entries[1].state, MigrationState::Failed);
        let recorded = entries[1].row.as_ref().unwrap().error.clone().unwrap();
        assert!(
            recorded.contains("statement 1 (line 2) is done, statement 2 (line 3) is not"),
            "{recorded}"
        );

        let refused = m
            .run_with(&mut conn, &DeployOptions::default())
            .await
            .unwrap_err();
        assert_eq!(refused.exit_code(), 4);
        assert!(
            refused.to_string().contains("stopped part-way"),
            "{refused}"
        );
        assert!(!table_exists(&mut conn, "later").await);

        // Finish it by hand, record it, and the deploy goes on.
        conn.execute("CREATE TABLE missing (x INT)").await.unwrap();
        m.resolve_with(
            &mut conn,
            Resolution::Applied { version: 2.into() },
            &LockOptions::default(),
        )
        .await
        .unwrap();
        m.run_with(&mut conn, &DeployOptions::default())
            .await
            .unwrap();
        assert!(table_exists(&mut conn, "later").await);
    }
}

#[tokio::test]
async fn out_of_order_needs_permission() {
    let dir = migrations_dir(&[USERS, ("3_c.sql", "CREATE TABLE c (x INT);\n")]);
    let late = migrations_dir(&[
        USERS,
        ("2_b.sql", "CREATE TABLE b (x INT);\n"),
        ("3_c.sql", "CREATE TABLE c (x INT);\n"),
    ]);
    for db in databases().await {
        let mut conn = connect(&db).await;
        migrator(&dir, db.dialect)
            .run_with(&mut conn, &DeployOptions::default())
            .await
            .unwrap();
        let m = migrator(&late, db.dialect);
        let states: Vec<_> = m
            .status_with(&mut conn)
            .await
            .unwrap()
            .iter()
            .map(|e| e.state)
            .collect();
        assert_eq!(states[1], MigrationState::OutOfOrder);
        let err = m
            .run_with(&mut conn, &DeployOptions::default())
            .await
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("is older than migrations already applied"),
            "{err}"
        );
        assert!(!table_exists(&mut conn, "b").await);
        let allow = DeployOptions::new().allow_out_of_order(true);
        assert_eq!(
            m.run_with(&mut conn, &allow).await.unwrap().applied[0].version,
            2
        );
    }
}

#[tokio::test]
async fn revert_refuses_when_a_down_file_is_missing_before_running_anything() {
    let dir = migrations_dir(&[
        USERS,
        USERS_DOWN,
        ("2_posts.sql", "CREATE TABLE posts (x INT);\n"),
    ]);
    for db in databases().await {
        let mut conn = connect(&db).await;
        let m = migrator(&dir, db.dialect);
        m.run_with(&mut conn, &DeployOptions::default())
            .await
            .unwrap();
        let err = m
            .revert_with(&mut conn, &RevertOptions::new().to(&0.into()))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, MigrateError::NoDownFile { missing } if missing.iter().map(|m| (&m.version, m.name.as_str())).eq([(&2.into(), "posts")])),
            "{err}"
        );
        assert!(table_exists(&mut conn, "users").await && table_exists(&mut conn, "posts").await);
        let bad_target = m
            .revert_with(&mut conn, &RevertOptions::new().to(&7.into()))
            .await
            .unwrap_err();
        assert!(matches!(
            bad_target,
            MigrateError::UnknownVersion { version } if version == 7
        ));
    }
}

#[tokio::test]
async fn baseline_and_resolve_record_without_running() {
    let dir = migrations_dir(&[USERS, POSTS, ("3_c.sql", "CREATE TABLE c (x INT);\n")]);
    for db in databases().await {
        let mut conn = connect(&db).await;
        // The schema exists already (made by hand or another tool).
        conn.execute("CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT NOT NULL)")
            .await
            .unwrap();
        let m = migrator(&dir, db.dialect);
        // Forced: the schema lacks `posts`, which baseline would otherwise refuse.
        let forced = BaselineOptions::new().force(true);
        assert_eq!(
            m.baseline_with(&mut conn, &2.into(), &forced)
                .await
                .unwrap(),
            [1, 2]
        );
        assert!(
            !table_exists(&mut conn, "posts").await,
            "baseline runs no SQL"
        );
        let report = m
            .run_with(&mut conn, &DeployOptions::default())
            .await
            .unwrap();
        assert_eq!(
            report
                .applied
                .iter()
                .map(|a| a.version.clone())
                .collect::<Vec<_>>(),
            [3]
        );
        assert!(matches!(
            m.baseline_with(&mut conn, &9.into(), &BaselineOptions::default())
                .await,
            Err(MigrateError::UnknownVersion { version }) if version == 9
        ));

        m.resolve_with(
            &mut conn,
            Resolution::RolledBack { version: 3.into() },
            &LockOptions::default(),
        )
        .await
        .unwrap();
        assert_eq!(
            m.status_with(&mut conn).await.unwrap()[2].state,
            MigrationState::Pending
        );
        assert!(matches!(
            m.resolve_with(
                &mut conn,
                Resolution::RolledBack { version: 3.into() },
                &LockOptions::default()
            )
            .await,
            Err(MigrateError::NotRecorded { .. })
        ));
        m.resolve_with(
            &mut conn,
            Resolution::Applied { version: 3.into() },
            &LockOptions::default(),
        )
        .await
        .unwrap();
        // Idempotent: the history already says so.
        assert_eq!(
            m.resolve_with(
                &mut conn,
                Resolution::Applied { version: 3.into() },
                &LockOptions::default()
            )
            .await
            .unwrap(),
            Resolved::NothingToChange
        );
        assert_eq!(
            m.resolve_with(
                &mut conn,
                Resolution::Checksum { version: 3.into() },
                &LockOptions::default()
            )
            .await
            .unwrap(),
            Resolved::NothingToChange
        );
    }
}

#[tokio::test]
async fn reset_drops_everything() {
    let dir = migrations_dir(&[USERS, POSTS]);
    for db in databases().await {
        let mut conn = connect(&db).await;
        let m = migrator(&dir, db.dialect);
        m.run_with(&mut conn, &DeployOptions::default())
            .await
            .unwrap();
        m.reset_with(&mut conn, &LockOptions::default())
            .await
            .unwrap();
        assert!(!table_exists(&mut conn, "users").await);
        assert!(
            m.status_with(&mut conn)
                .await
                .unwrap()
                .iter()
                .all(|e| e.state == MigrationState::Pending)
        );
        assert_eq!(
            m.run_with(&mut conn, &DeployOptions::default())
                .await
                .unwrap()
                .applied
                .len(),
            2
        );
    }
}

#[tokio::test]
async fn events_report_progress_in_order() {
    let dir = migrations_dir(&[USERS, POSTS]);
    for db in databases().await {
        let mut conn = connect(&db).await;
        let seen = Mutex::new(Vec::new());
        let observer = |e: &Event<'_>| {
            let text = match e {
                Event::Applying { migration: m } => format!("applying {}", m.version),
                Event::Applied { migration: m, .. } => format!("applied {}", m.version),
                other => format!("{other:?}"),
            };
            seen.lock().unwrap().push(text);
        };
        let options = DeployOptions::new().observer(&observer);
        migrator(&dir, db.dialect)
            .run_with(&mut conn, &options)
            .await
            .unwrap();
        assert_eq!(
            *seen.lock().unwrap(),
            ["applying 1", "applied 1", "applying 2", "applied 2"]
        );
    }
}

#[tokio::test]
async fn postgres_no_transaction_create_index_concurrently() {
    let Some(pg) = pg_database().await else {
        return;
    };
    let dir = migrations_dir(&[
        USERS,
        (
            "2_index.sql",
            "-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY users_email ON users (email);\nCREATE INDEX CONCURRENTLY users_id_email ON users (id, email);\n",
        ),
    ]);
    let mut conn = AnyConnection::connect(&pg.url, &ConnectOptions::default())
        .await
        .unwrap();
    let m = migrator(&dir, Dialect::Postgres);
    assert_eq!(
        m.run_with(&mut conn, &DeployOptions::default())
            .await
            .unwrap()
            .applied
            .len(),
        2
    );
    let valid = scalar_i64(&mut conn, "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname LIKE 'users_%email' AND i.indisvalid").await;
    assert_eq!(valid, 2);
}

#[tokio::test]
async fn the_pool_api_applies_too() {
    let dir = migrations_dir(&[USERS]);
    let db = sqlite_database();
    let options: sqlx::sqlite::SqliteConnectOptions = db
        .url
        .parse::<sqlx::sqlite::SqliteConnectOptions>()
        .unwrap()
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let m = migrator(&dir, Dialect::Sqlite);
    assert_eq!(m.run(&pool).await.unwrap().applied.len(), 1);
    assert_eq!(
        m.status(&pool).await.unwrap()[0].state,
        MigrationState::Applied
    );
    fn is_driver<D: Driver>(_: &D) {}
    is_driver(&*pool.acquire().await.unwrap());
}
