//! A MySQL/MariaDB project on a database of its own (dropped with it): the CLI's verbs run
//! against the real server, and the test reads the database back with its own connection.

use sqlx::{AssertSqlSafe, Connection, MySqlConnection};

use super::{Project, Run};

/// A `dialect = "mysql"` project, its database and a runtime for the test's own queries.
pub struct MysqlProject {
    pub rt: tokio::runtime::Runtime,
    pub db: migrate_tests::MysqlTestDb,
    pub p: Project,
}

impl MysqlProject {
    /// The project with `files` (`(path, contents)`) written; `None` when the server is
    /// absent (the skip is recorded).
    pub fn new(files: &[(&str, &str)]) -> Option<MysqlProject> {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let db = rt.block_on(migrate_tests::mysql_database())?;
        let p = Project::new("dialect = \"mysql\"");
        for (path, contents) in files {
            p.write(path, contents);
        }
        Some(MysqlProject { rt, db, p })
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

    /// Runs SQL (several statements) on the database, as a person with the client would.
    pub fn sql(&self, sql: &str) {
        self.rt.block_on(async {
            let mut conn = MySqlConnection::connect(self.url()).await.unwrap();
            sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
                .execute(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("{e}\n{sql}"));
            conn.close().await.unwrap();
        });
    }

    /// One integer.
    pub fn count(&self, sql: &str) -> i64 {
        self.rt.block_on(async {
            let mut conn = MySqlConnection::connect(self.url()).await.unwrap();
            let n: i64 = sqlx::query_scalar(AssertSqlSafe(sql.to_owned()))
                .fetch_one(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("{e}\n{sql}"));
            conn.close().await.unwrap();
            n
        })
    }

    /// How many tables the database has (the history table included).
    pub fn tables(&self) -> i64 {
        self.count("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()")
    }
}
