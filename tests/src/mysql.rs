//! MySQL/MariaDB from `MIGRATE_TEST_MYSQL_URL` (default `mysql://root@127.0.0.1:3306/test`):
//! as for PostgreSQL, each test gets a database of its own, created here and dropped when the
//! guard drops; an absent server is a visible skip, or a failure under
//! `MIGRATE_TEST_REQUIRE_DB=1`.

use std::time::Duration;

use sqlx::{AssertSqlSafe, Connection, Executor, MySqlConnection};

use crate::{run_detached, server_absent, unique_name, with_database};

/// The server URL tests use to create their databases (its database part is not used).
pub fn mysql_admin_url() -> String {
    std::env::var("MIGRATE_TEST_MYSQL_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".to_owned())
}

/// A database of its own for one test, dropped when this drops.
pub struct MysqlTestDb {
    pub name: String,
    pub url: String,
}

/// The server itself, no database selected.
fn server_url() -> String {
    with_database(&mysql_admin_url(), "")
}

/// Creates a fresh MySQL/MariaDB database, or returns `None` (after saying why) when the
/// server is absent and `MIGRATE_TEST_REQUIRE_DB` is not set.
pub async fn mysql_database() -> Option<MysqlTestDb> {
    let admin = server_url();
    let connect = MySqlConnection::connect(&admin);
    let mut conn = match tokio::time::timeout(Duration::from_secs(10), connect).await {
        Ok(Ok(conn)) => conn,
        Ok(Err(e)) => return absent(&format!("{e}")),
        Err(_) => return absent("timed out connecting"),
    };
    let name = unique_name("cm_test");
    conn.execute(sqlx::raw_sql(AssertSqlSafe(format!(
        "CREATE DATABASE `{name}`"
    ))))
    .await
    .expect("CREATE DATABASE");
    let _ = conn.close().await;
    Some(MysqlTestDb {
        url: with_database(&mysql_admin_url(), &name),
        name,
    })
}

fn absent<T>(why: &str) -> Option<T> {
    server_absent("MySQL/MariaDB", &mysql_admin_url(), why)
}

impl Drop for MysqlTestDb {
    fn drop(&mut self) {
        let admin = server_url();
        let sql = format!("DROP DATABASE IF EXISTS `{}`", self.name);
        run_detached(move || async move {
            let mut conn = MySqlConnection::connect(&admin).await.ok()?;
            conn.execute(sqlx::raw_sql(AssertSqlSafe(sql))).await.ok()?;
            conn.close().await.ok()
        });
    }
}
