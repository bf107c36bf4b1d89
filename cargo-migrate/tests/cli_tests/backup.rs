//! `deploy --backup`: a restorable copy taken before anything is applied.

use crate::support::Project;
use migrate_tests::pg_database;

fn project(dialect: &str) -> Project {
    let p = Project::new(&format!("dialect = \"{dialect}\""));
    p.write(
        "migrations/1_users.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n",
    );
    p
}

/// The second migration destroys data: the backup is the way back.
const DESTRUCTIVE: &str = "DELETE FROM users;\nALTER TABLE users DROP COLUMN email;\n";

#[test]
fn a_sqlite_backup_restores_the_pre_deploy_data() {
    let p = project("sqlite");
    let url = p.sqlite_url();
    p.run(&["deploy", "--database-url", &url]).expect(0);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::query("INSERT INTO users VALUES (1, 'ada@example.com')")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    });
    // Nothing pending: no backup is taken.
    let idle = p
        .run(&["deploy", "--backup", "--database-url", &url])
        .expect(0);
    assert!(!idle.stderr.contains("Backed up"), "{}", idle.stderr);

    p.write("migrations/2_drop.sql", DESTRUCTIVE);
    let out = p
        .run(&["deploy", "--backup", "--database-url", &url])
        .expect(0);
    let line = out
        .stderr
        .lines()
        .find(|l| l.contains("Backed up"))
        .unwrap_or_else(|| panic!("{}", out.stderr));
    let path = line.rsplit(" to ").next().unwrap().trim().to_owned();
    assert!(
        path.starts_with(&p.path().join("backups").display().to_string()),
        "default folder: {path}"
    );

    let (email, recorded): (String, Option<String>) = rt.block_on(async {
        let backup = sqlx::SqlitePool::connect(&format!("sqlite:{path}"))
            .await
            .unwrap();
        let email = sqlx::query_scalar("SELECT email FROM users WHERE id = 1")
            .fetch_one(&backup)
            .await
            .unwrap();
        let live = sqlx::SqlitePool::connect(&url).await.unwrap();
        let recorded = sqlx::query_scalar("SELECT backup FROM _migrate_history WHERE version = 2")
            .fetch_one(&live)
            .await
            .unwrap();
        (email, recorded)
    });
    assert_eq!(
        email, "ada@example.com",
        "the backup has the data the deploy deleted"
    );
    assert_eq!(
        recorded.as_deref(),
        Some(path.as_str()),
        "the history row records the backup"
    );
}

#[test]
fn a_postgres_backup_restores_with_pg_restore() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(db) = rt.block_on(pg_database()) else {
        return;
    };
    let Some(restored) = rt.block_on(pg_database()) else {
        return;
    };
    let p = project("postgres");
    p.run(&["deploy", "--database-url", &db.url]).expect(0);
    rt.block_on(async {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        sqlx::query("INSERT INTO users VALUES (1, 'ada@example.com')")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    });
    p.write("migrations/2_drop.sql", DESTRUCTIVE);
    let dir = p.path().join("snapshots");
    let out = p
        .run(&[
            "deploy",
            "--backup",
            dir.to_str().unwrap(),
            "--database-url",
            &db.url,
        ])
        .expect(0);
    let backup = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert!(
        out.stderr.contains(&backup.display().to_string()),
        "{}",
        out.stderr
    );

    let status = std::process::Command::new("pg_restore")
        .arg("--no-owner")
        .arg("--dbname")
        .arg(&restored.url)
        .arg(&backup)
        .status()
        .unwrap();
    assert!(status.success());
    let email: String = rt.block_on(async {
        let pool = sqlx::PgPool::connect(&restored.url).await.unwrap();
        let email = sqlx::query_scalar("SELECT email FROM users WHERE id = 1")
            .fetch_one(&pool)
            .await
            .unwrap();
        pool.close().await;
        email
    });
    assert_eq!(email, "ada@example.com");
}

#[test]
fn without_pg_dump_nothing_is_applied() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(db) = rt.block_on(pg_database()) else {
        return;
    };
    let p = project("postgres");
    let mut cmd = p.command(&["deploy", "--backup", "--database-url", &db.url]);
    cmd.env("PATH", p.path()); // no pg_dump here
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("pg_dump is not on PATH") && stderr.contains("nothing was applied"),
        "{stderr}"
    );
    p.run(&["status", "--database-url", &db.url]).expect(3);
}

#[test]
fn backups_are_written_with_mode_0600() {
    use std::os::unix::fs::PermissionsExt;
    let p = project("sqlite");
    let url = p.sqlite_url();
    p.run(&["deploy", "--backup", "--database-url", &url])
        .expect(0);
    let files: Vec<_> = std::fs::read_dir(p.path().join("backups"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let mode = files[0].metadata().unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{:o}", mode);
}
