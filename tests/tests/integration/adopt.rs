//! `adopt`: taking over the history of sqlx (made by sqlx's own migrator), diesel and Prisma.

use migrate_runtime::{
    AnyConnection, ConnectOptions, DeployOptions, Dialect, LoadOptions, LockOptions, MigrateError,
    MigrationState, Migrator, Tool,
};
use migrate_tests::{migrations_dir, pg_database, sqlite_database};
use sha2::Digest;

fn lock() -> LockOptions<'static> {
    LockOptions::new().timeout(std::time::Duration::from_secs(10))
}

async fn sqlx_applies(url: &str, dir: &std::path::Path) {
    let migrator = sqlx::migrate::Migrator::new(dir).await.unwrap();
    if url.starts_with("sqlite") {
        let pool = sqlx::SqlitePool::connect(&format!("{url}?mode=rwc"))
            .await
            .unwrap();
        migrator.run(&pool).await.unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        migrator.run(&pool).await.unwrap();
        pool.close().await;
    }
}

fn states(entries: &[migrate_runtime::StatusEntry]) -> Vec<MigrationState> {
    entries.iter().map(|e| e.state).collect()
}

async fn targets() -> Vec<(String, Dialect, Box<dyn std::any::Any>)> {
    let sqlite = sqlite_database();
    let mut out: Vec<(String, Dialect, Box<dyn std::any::Any>)> =
        vec![(sqlite.url.clone(), Dialect::Sqlite, Box::new(sqlite))];
    if let Some(pg) = pg_database().await {
        out.push((pg.url.clone(), Dialect::Postgres, Box::new(pg)));
    }
    out
}

#[tokio::test]
async fn adopts_a_history_written_by_sqlx_itself() {
    // sqlx hashes the raw text (CRLF kept, a BOM included), and adopt must compare the same
    // way. sqlx sends a BOM to the server, which PostgreSQL rejects, so the BOM case is SQLite's.
    for (url, dialect, _guard) in targets().await {
        let bom = if dialect == Dialect::Sqlite {
            "\u{feff}"
        } else {
            ""
        };
        let first = format!("{bom}CREATE TABLE users (id BIGINT PRIMARY KEY);\r\n");
        let dir = migrations_dir(&[
            ("1_users.sql", &first),
            (
                "2_posts.sql",
                "CREATE TABLE posts (id BIGINT PRIMARY KEY);\n",
            ),
        ]);
        sqlx_applies(&url, dir.path()).await;
        std::fs::write(
            dir.path().join("3_tags.sql"),
            "CREATE TABLE tags (id BIGINT PRIMARY KEY);\n",
        )
        .unwrap();

        let m = Migrator::from_dir(dir.path(), &LoadOptions::new(dialect)).unwrap();
        let mut conn = AnyConnection::connect(&url, &ConnectOptions::default())
            .await
            .unwrap();
        let report = m.adopt_with(&mut conn, Tool::Sqlx, &lock()).await.unwrap();
        assert_eq!(report.recorded, [1, 2], "{dialect}");
        assert_eq!(
            states(&m.status_with(&mut conn).await.unwrap()),
            [
                MigrationState::Applied,
                MigrationState::Applied,
                MigrationState::Pending
            ]
        );
        // Adopting again records nothing new.
        assert_eq!(
            m.adopt_with(&mut conn, Tool::Sqlx, &lock())
                .await
                .unwrap()
                .already_recorded,
            2
        );
        let deployed = m
            .run_with(&mut conn, &DeployOptions::default())
            .await
            .unwrap();
        assert_eq!(
            deployed
                .applied
                .iter()
                .map(|a| a.version.clone())
                .collect::<Vec<_>>(),
            [3],
            "only the new migration runs"
        );
    }
}

#[tokio::test]
async fn refuses_to_adopt_when_a_file_differs_from_what_sqlx_applied() {
    for (url, dialect, _guard) in targets().await {
        let dir = migrations_dir(&[(
            "1_users.sql",
            "CREATE TABLE users (id BIGINT PRIMARY KEY);\n",
        )]);
        sqlx_applies(&url, dir.path()).await;
        std::fs::write(
            dir.path().join("1_users.sql"),
            "CREATE TABLE users (id BIGINT PRIMARY KEY, x INT);\n",
        )
        .unwrap();
        let m = Migrator::from_dir(dir.path(), &LoadOptions::new(dialect)).unwrap();
        let mut conn = AnyConnection::connect(&url, &ConnectOptions::default())
            .await
            .unwrap();
        let err = m
            .adopt_with(&mut conn, Tool::Sqlx, &lock())
            .await
            .unwrap_err();
        assert_eq!(err.exit_code(), 4);
        assert!(
            err.to_string().contains("differs from what sqlx applied"),
            "{err}"
        );
        assert!(
            m.status_with(&mut conn)
                .await
                .unwrap()
                .iter()
                .all(|e| e.row.is_none()),
            "nothing recorded"
        );
        let none = m
            .adopt_with(&mut conn, Tool::Diesel, &lock())
            .await
            .unwrap_err();
        assert!(
            matches!(none, MigrateError::NothingToAdopt { .. }),
            "{none}"
        );
    }
}

#[tokio::test]
async fn adopts_diesel_and_prisma_histories() {
    for (url, dialect, _guard) in targets().await {
        let sql = "CREATE TABLE users (id BIGINT PRIMARY KEY);\n";
        let dir = migrations_dir(&[
            ("2023-01-01-000000_users/up.sql", sql),
            ("2023-01-01-000000_users/down.sql", "DROP TABLE users;\n"),
        ]);
        let m = Migrator::from_dir(dir.path(), &LoadOptions::new(dialect)).unwrap();
        let mut conn = AnyConnection::connect(&url, &ConnectOptions::default())
            .await
            .unwrap();
        let ts = if dialect == Dialect::Postgres {
            "TIMESTAMPTZ"
        } else {
            "DATETIME"
        };
        for statement in [
            sql.to_owned(),
            "CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)".to_owned(),
            "INSERT INTO __diesel_schema_migrations (version) VALUES ('20230101000000')".to_owned(),
            format!("CREATE TABLE _prisma_migrations (id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL, finished_at {ts}, migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at {ts}, started_at {ts} NOT NULL DEFAULT CURRENT_TIMESTAMP, applied_steps_count INTEGER NOT NULL DEFAULT 0)"),
            format!(
                "INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ('a', '{}', CURRENT_TIMESTAMP, '20230101000000_users', 1)",
                // As Prisma writes it: lower-case hex SHA-256 of migration.sql, not our checksum.
                sha2::Sha256::digest(sql)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
            ),
        ] {
            conn.execute(&statement).await.unwrap();
        }
        assert_eq!(
            m.adopt_with(&mut conn, Tool::Diesel, &lock())
                .await
                .unwrap()
                .recorded,
            // diesel's version text, as __diesel_schema_migrations has it.
            [migrate_core::Version::Text("20230101000000".into())],
            "{dialect}"
        );
        assert_eq!(
            states(&m.status_with(&mut conn).await.unwrap()),
            [MigrationState::Applied]
        );
        let again = m
            .adopt_with(&mut conn, Tool::Prisma, &lock())
            .await
            .unwrap();
        assert_eq!((again.recorded.len(), again.already_recorded), (0, 1));
    }
}
