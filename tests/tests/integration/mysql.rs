//! The runtime on a real MariaDB/MySQL server: the deploy lock under 8 racing deployers,
//! per-statement progress and `--resume` (DDL commits implicitly there), DML-only migrations
//! in one transaction, revert, resolve, reset and adopting sqlx's history.

use std::sync::Mutex;
use std::time::Duration;

use migrate_runtime::{
    AnyConnection, ConnectOptions, DeployOptions, Dialect, Event, LoadOptions, LockOptions,
    MigrateError, MigrationState, Migrator, Resolution, RevertOptions, Tool, Version,
};
use migrate_tests::{MysqlTestDb, migrations_dir, mysql_database};
use sqlx::{AssertSqlSafe, Connection, MySqlConnection};

fn migrator(dir: &tempfile::TempDir) -> Migrator {
    Migrator::from_dir(dir.path(), &LoadOptions::new(Dialect::Mysql)).expect("load migrations")
}

async fn connect(db: &MysqlTestDb) -> AnyConnection {
    AnyConnection::connect(&db.url, &ConnectOptions::default())
        .await
        .expect("connect")
}

/// One integer from the test's own connection (as a person with the `mariadb` client).
async fn count(db: &MysqlTestDb, sql: &str) -> i64 {
    let mut conn = MySqlConnection::connect(&db.url).await.unwrap();
    let n: i64 = sqlx::query_scalar(AssertSqlSafe(sql.to_owned()))
        .fetch_one(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{sql}"));
    conn.close().await.unwrap();
    n
}

async fn sql(db: &MysqlTestDb, sql: &str) {
    let mut conn = MySqlConnection::connect(&db.url).await.unwrap();
    sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{sql}"));
    conn.close().await.unwrap();
}

fn lock() -> LockOptions<'static> {
    LockOptions::new().timeout(Duration::from_secs(10))
}

#[tokio::test]
async fn eight_racing_deployers_apply_each_migration_exactly_once() {
    let Some(db) = mysql_database().await else {
        return;
    };
    // Each migration leaves one row in `applied`: a second run of any would add another
    // (or fail on its CREATE TABLE).
    let mut files = vec![(
        "1_log.sql".to_owned(),
        "CREATE TABLE applied (version INT NOT NULL);\nINSERT INTO applied VALUES (1);\n"
            .to_owned(),
    )];
    for v in 2..=12 {
        let body = if v % 3 == 0 {
            // DML only: one transaction with its history row.
            format!("INSERT INTO applied VALUES ({v});\n")
        } else {
            format!("CREATE TABLE t{v} (id INT);\nINSERT INTO applied VALUES ({v});\n")
        };
        files.push((format!("{v}_m{v}.sql"), body));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = migrations_dir(&refs);
    let racers = (0..8).map(|_| {
        let url = db.url.clone();
        let m = migrator(&dir);
        tokio::spawn(async move {
            let mut conn = AnyConnection::connect(&url, &ConnectOptions::default())
                .await
                .unwrap();
            let options = DeployOptions::default().lock_timeout(Duration::from_secs(60));
            let report = m.run_with(&mut conn, &options).await.unwrap();
            conn.close().await;
            report.applied.len()
        })
    });
    let mut applied = 0;
    for racer in racers.collect::<Vec<_>>() {
        applied += racer.await.unwrap();
    }
    assert_eq!(
        applied, 12,
        "the 8 deployers applied 12 migrations between them"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM applied").await, 12);
    assert_eq!(
        count(&db, "SELECT COUNT(DISTINCT version) FROM applied").await,
        12
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM _migrate_history WHERE success").await,
        12
    );
}

#[tokio::test]
async fn a_waiting_deployer_says_so_and_gives_up_at_the_lock_timeout() {
    let Some(db) = mysql_database().await else {
        return;
    };
    let dir = migrations_dir(&[("1_slow.sql", "CREATE TABLE a (id INT);\nSELECT SLEEP(3);\n")]);
    let m = migrator(&dir);
    // A first deployer holds the lock while its migration sleeps.
    let holder = {
        let (url, m) = (db.url.clone(), migrator(&dir));
        tokio::spawn(async move {
            let mut conn = AnyConnection::connect(&url, &ConnectOptions::default())
                .await
                .unwrap();
            m.run_with(&mut conn, &DeployOptions::default())
                .await
                .unwrap()
                .applied
                .len()
        })
    };
    let sleeping =
        "SELECT COUNT(*) FROM information_schema.processlist WHERE info = 'SELECT SLEEP(3)'";
    let started = std::time::Instant::now();
    while count(&db, sleeping).await == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the first deploy never started"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let events = Mutex::new(Vec::new());
    let observer = |e: &Event<'_>| {
        if let Event::WaitingForLock { holder } = e {
            // The holder is the first deployer's connection, as IS_USED_LOCK tells.
            assert!(
                holder.is_some_and(|h| h.starts_with("connection ")),
                "{holder:?}"
            );
            events.lock().unwrap().push("waiting");
        }
    };
    let mut waiter = connect(&db).await;
    let started = std::time::Instant::now();
    let err = m
        .run_with(
            &mut waiter,
            &DeployOptions::default()
                .lock_timeout(Duration::from_millis(700))
                .observer(&observer),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, MigrateError::LockTimeout { .. }), "{err}");
    assert!(started.elapsed() >= Duration::from_millis(700));
    assert_eq!(*events.lock().unwrap(), ["waiting"]);
    // Released when the holder is done: the next deploy goes through, with nothing to do.
    assert_eq!(holder.await.unwrap(), 1);
    let report = m
        .run_with(&mut waiter, &DeployOptions::default())
        .await
        .unwrap();
    assert_eq!(report.applied.len(), 0);
}

const FIVE: &str = "CREATE TABLE a (id INT);\n\
                    INSERT INTO a VALUES (1);\n\
                    ALTER TABLE nope ADD x INT;\n\
                    CREATE TABLE b (id INT);\n\
                    INSERT INTO b VALUES (2);\n";

#[tokio::test]
async fn a_failed_statement_is_recorded_and_resume_continues_at_it() {
    let Some(db) = mysql_database().await else {
        return;
    };
    let dir = migrations_dir(&[("1_five.sql", FIVE)]);
    let m = migrator(&dir);
    let mut conn = connect(&db).await;
    let err = m
        .run_with(&mut conn, &DeployOptions::default())
        .await
        .unwrap_err();
    let MigrateError::Failed {
        message,
        rolled_back,
        at,
        ..
    } = &err
    else {
        panic!("{err}")
    };
    assert!(!rolled_back);
    assert_eq!(at.line, 3);
    assert!(
        message.starts_with("statement 3 of 5 (line 3) failed: ")
            && message.ends_with("; statements 1–2 are committed"),
        "{message}"
    );
    let entries = m.status_with(&mut conn).await.unwrap();
    assert_eq!(entries[0].state, MigrationState::Failed);
    let progress = entries[0].row.as_ref().unwrap().progress.clone().unwrap();
    assert_eq!(
        (progress.done, progress.total, progress.running),
        (2, 5, false)
    );

    // A changed done statement: the resume refuses (it would start at the wrong place).
    let path = dir.path().join("1_five.sql");
    std::fs::write(&path, FIVE.replace("VALUES (1)", "VALUES (7)")).unwrap();
    let refused = migrator(&dir)
        .run_with(
            &mut conn,
            &DeployOptions::default().resume(&Version::Number(1)),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(refused, MigrateError::CannotResume { .. }),
        "{refused}"
    );

    // The failed statement fixed: the resume runs statements 3-5 only.
    std::fs::write(&path, FIVE.replace("nope", "a")).unwrap();
    let report = migrator(&dir)
        .run_with(
            &mut conn,
            &DeployOptions::default().resume(&Version::Number(1)),
        )
        .await
        .unwrap();
    assert_eq!(report.applied.len(), 1);
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM a").await,
        1,
        "statement 2 ran once"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM b").await, 1);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() \
             AND table_name = 'a' AND column_name = 'x'"
        )
        .await,
        1
    );
    let entries = migrator(&dir).status_with(&mut conn).await.unwrap();
    assert_eq!(entries[0].state, MigrationState::Applied);
}

#[tokio::test]
async fn a_migration_of_dml_only_is_one_transaction() {
    let Some(db) = mysql_database().await else {
        return;
    };
    let dir = migrations_dir(&[
        ("1_t.sql", "CREATE TABLE t (id INT PRIMARY KEY);\n"),
        (
            "2_rows.sql",
            "INSERT INTO t VALUES (1);\nUPDATE t SET id = 2;\nINSERT INTO t VALUES (2);\n",
        ),
    ]);
    let m = migrator(&dir);
    let mut conn = connect(&db).await;
    let err = m
        .run_with(&mut conn, &DeployOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            MigrateError::Failed {
                rolled_back: true,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM t").await, 0, "rolled back");
    let states: Vec<_> = m
        .status_with(&mut conn)
        .await
        .unwrap()
        .iter()
        .map(|e| e.state)
        .collect();
    assert_eq!(states, [MigrationState::Applied, MigrationState::Pending]);
}

#[tokio::test]
async fn revert_resolve_and_reset() {
    let Some(db) = mysql_database().await else {
        return;
    };
    let dir = migrations_dir(&[
        ("1_a.up.sql", "CREATE TABLE a (id INT);\n"),
        ("1_a.down.sql", "DROP TABLE a;\n"),
        (
            "2_b.up.sql",
            "CREATE TABLE b (id INT);\nCREATE VIEW vb AS SELECT id FROM b;\n",
        ),
        ("2_b.down.sql", "DROP VIEW vb;\nDROP TABLE b;\n"),
    ]);
    let m = migrator(&dir);
    let mut conn = connect(&db).await;
    m.run_with(&mut conn, &DeployOptions::default())
        .await
        .unwrap();
    let reverted = m
        .revert_with(&mut conn, &RevertOptions::default())
        .await
        .unwrap();
    assert_eq!(reverted, [Version::Number(2)]);
    let tables = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()";
    assert_eq!(count(&db, tables).await, 2, "a and the history table");

    // Applied by hand, then recorded.
    sql(
        &db,
        "CREATE TABLE b (id INT); CREATE VIEW vb AS SELECT id FROM b",
    )
    .await;
    m.resolve_with(
        &mut conn,
        Resolution::Applied {
            version: Version::Number(2),
        },
        &lock(),
    )
    .await
    .unwrap();
    let states: Vec<_> = m
        .status_with(&mut conn)
        .await
        .unwrap()
        .iter()
        .map(|e| e.state)
        .collect();
    assert_eq!(states, [MigrationState::Applied, MigrationState::Applied]);

    // reset: everything goes, foreign keys, routines and events included.
    sql(
        &db,
        "CREATE TABLE parent (id INT PRIMARY KEY); \
         CREATE TABLE child (p INT, FOREIGN KEY (p) REFERENCES parent (id)); \
         CREATE PROCEDURE p() SELECT 1; CREATE FUNCTION f() RETURNS INT RETURN 1; \
         CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO SELECT 1",
    )
    .await;
    m.reset_with(&mut conn, &lock()).await.unwrap();
    assert_eq!(count(&db, tables).await, 0);
    let routines =
        "SELECT COUNT(*) FROM information_schema.routines WHERE routine_schema = DATABASE()";
    assert_eq!(count(&db, routines).await, 0);
    let events = "SELECT COUNT(*) FROM information_schema.events WHERE event_schema = DATABASE()";
    assert_eq!(count(&db, events).await, 0);
}

#[tokio::test]
async fn adopts_a_history_written_by_sqlx_on_mysql() {
    let Some(db) = mysql_database().await else {
        return;
    };
    let dir = migrations_dir(&[
        (
            "1_users.sql",
            "CREATE TABLE users (id BIGINT PRIMARY KEY);\n",
        ),
        (
            "2_posts.sql",
            "CREATE TABLE posts (id BIGINT PRIMARY KEY);\n",
        ),
    ]);
    let pool = sqlx::MySqlPool::connect(&db.url).await.unwrap();
    sqlx::migrate::Migrator::new(dir.path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    pool.close().await;
    std::fs::write(
        dir.path().join("3_tags.sql"),
        "CREATE TABLE tags (id BIGINT PRIMARY KEY);\n",
    )
    .unwrap();
    let m = migrator(&dir);
    let mut conn = connect(&db).await;
    let report = m.adopt_with(&mut conn, Tool::Sqlx, &lock()).await.unwrap();
    assert_eq!(report.recorded, [1, 2]);
    let report = m
        .run_with(&mut conn, &DeployOptions::default())
        .await
        .unwrap();
    assert_eq!(report.applied.len(), 1, "only the new migration runs");
}
