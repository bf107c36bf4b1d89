//! `adopt diesel` and `adopt prisma` on MariaDB, on history tables made as diesel and Prisma
//! make them on MySQL: their DDL, their rows, Prisma's checksum (SHA-256 of migration.sql,
//! computed here with `sha2`, not with cargo-migrate's function).

use sha2::{Digest, Sha256};

use crate::support::mysql::MysqlProject;

/// Versions in cargo-migrate's history, in order.
fn recorded(m: &MysqlProject) -> Vec<i64> {
    let n = m.count("SELECT COUNT(*) FROM _migrate_history");
    (0..n)
        .map(|i| {
            m.count(&format!(
                "SELECT CAST(version AS SIGNED) FROM _migrate_history ORDER BY version LIMIT 1 OFFSET {i}"
            ))
        })
        .collect()
}

const PRISMA_USERS: &str = "-- CreateTable\nCREATE TABLE `users` (\n    `id` INTEGER NOT NULL,\n\n    PRIMARY KEY (`id`)\n) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n";
const PRISMA_POSTS: &str = "-- CreateTable\nCREATE TABLE `posts` (\n    `id` INTEGER NOT NULL,\n    `title` VARCHAR(191) NOT NULL,\n\n    PRIMARY KEY (`id`)\n) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n";

/// `_prisma_migrations` as Prisma's MySQL flavour creates it.
const PRISMA_TABLE: &str = "CREATE TABLE _prisma_migrations (\n    id VARCHAR(36) PRIMARY KEY NOT NULL,\n    checksum VARCHAR(64) NOT NULL,\n    finished_at DATETIME(3),\n    migration_name VARCHAR(255) NOT NULL,\n    logs TEXT,\n    rolled_back_at DATETIME(3),\n    started_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),\n    applied_steps_count INTEGER UNSIGNED NOT NULL DEFAULT 0\n) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci";

/// Applies the migrations the way `prisma migrate deploy` does: the row with the checksum,
/// the script, one applied step, then `finished_at`.
fn prisma_deploys(m: &MysqlProject, migrations: &[(&str, &str)]) {
    m.sql(PRISMA_TABLE);
    for (i, (name, sql)) in migrations.iter().enumerate() {
        m.p.write(&format!("migrations/{name}/migration.sql"), sql);
        let id = format!("0c9f1a52-6b3e-4d2a-9f0e-00000000000{i}");
        let checksum: String = Sha256::digest(sql.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        m.sql(&format!(
            "INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name) \
             VALUES ('{id}', '{checksum}', NOW(3), '{name}')"
        ));
        m.sql(sql);
        m.sql(&format!(
            "UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1 WHERE id = '{id}'; \
             UPDATE _prisma_migrations SET finished_at = NOW(3) WHERE id = '{id}'"
        ));
    }
}

#[test]
fn adopt_prisma_takes_over_a_history_prisma_wrote_on_mysql() {
    let Some(m) = MysqlProject::new(&[]) else {
        return;
    };
    prisma_deploys(
        &m,
        &[
            ("20230101000000_users", PRISMA_USERS),
            ("20230102000000_posts", PRISMA_POSTS),
        ],
    );
    let out = m.run(&["adopt", "prisma"]).expect(0);
    assert!(
        out.stderr.contains(
            "Adopted 2 applied migration(s) from _prisma_migrations (0 already recorded)"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(recorded(&m), [20230101000000, 20230102000000]);
    m.run(&["status"]).expect(0);
    // The old table is left for the user to drop; then the schema is the migrations'.
    m.sql("DROP TABLE _prisma_migrations");
    m.run(&["verify"]).expect(0);
}

#[test]
fn adopt_prisma_on_mysql_refuses_a_changed_migration_and_records_nothing() {
    let Some(m) = MysqlProject::new(&[]) else {
        return;
    };
    prisma_deploys(&m, &[("20230101000000_users", PRISMA_USERS)]);
    m.p.write(
        "migrations/20230101000000_users/migration.sql",
        PRISMA_USERS.replace("INTEGER", "BIGINT"),
    );
    let out = m.run(&["adopt", "prisma"]).expect(4);
    assert!(
        out.stderr.contains("nothing was recorded") && out.stderr.contains("20230101000000"),
        "{}",
        out.stderr
    );
    assert_eq!(
        m.tables(),
        2,
        "no history table made: users and _prisma_migrations"
    );
}

#[test]
fn adopt_diesel_takes_over_a_history_diesel_wrote_on_mysql() {
    let Some(m) = MysqlProject::new(&[
        (
            "migrations/2023-01-01-000000_users/up.sql",
            "CREATE TABLE users (id BIGINT PRIMARY KEY);\n",
        ),
        (
            "migrations/2023-01-01-000000_users/down.sql",
            "DROP TABLE users;\n",
        ),
        (
            "migrations/2023-02-01-000000_posts/up.sql",
            "CREATE TABLE posts (id BIGINT PRIMARY KEY, user_id BIGINT REFERENCES users (id));\n",
        ),
        (
            "migrations/2023-02-01-000000_posts/down.sql",
            "DROP TABLE posts;\n",
        ),
        (
            "migrations/2023-03-01-000000_tags/up.sql",
            "CREATE TABLE tags (id INT PRIMARY KEY);\n",
        ),
    ]) else {
        return;
    };
    // diesel's setup_migration_table.sql, its rows (the folder name's leading part without
    // dashes), and the two migrations it ran; the third is pending.
    m.sql(
        "CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (\n       version VARCHAR(50) PRIMARY KEY NOT NULL,\n       run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP\n);\n\
         CREATE TABLE users (id BIGINT PRIMARY KEY);\n\
         INSERT INTO __diesel_schema_migrations (version) VALUES ('20230101000000');\n\
         CREATE TABLE posts (id BIGINT PRIMARY KEY, user_id BIGINT REFERENCES users (id));\n\
         INSERT INTO __diesel_schema_migrations (version) VALUES ('20230201000000');",
    );
    let out = m.run(&["adopt", "diesel"]).expect(0);
    assert!(
        out.stderr.contains(
            "Adopted 2 applied migration(s) from __diesel_schema_migrations (0 already recorded)"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(recorded(&m), [20230101000000, 20230201000000]);
    // Only the pending one runs.
    m.run(&["deploy"]).expect(0);
    assert_eq!(
        recorded(&m),
        [20230101000000, 20230201000000, 20230301000000]
    );
    m.sql("DROP TABLE __diesel_schema_migrations");
    m.run(&["verify"]).expect(0);
}
