//! `reset` on MySQL/MariaDB: drops every object of the current database (views, tables and
//! their triggers, sequences, routines, events), keeping the database itself, its character
//! set and its grants.

use sqlx::{AssertSqlSafe, Executor, MySqlConnection};

pub(super) async fn drop_everything(conn: &mut MySqlConnection) -> Result<(), sqlx::Error> {
    let objects: Vec<(String, String)> = sqlx::query_as(
        "SELECT CAST(CASE table_type WHEN 'VIEW' THEN 'VIEW' WHEN 'SEQUENCE' THEN 'SEQUENCE' \
         ELSE 'TABLE' END AS CHAR), CAST(table_name AS CHAR) \
         FROM information_schema.tables WHERE table_schema = DATABASE() \
         UNION ALL SELECT CAST(routine_type AS CHAR), CAST(routine_name AS CHAR) \
         FROM information_schema.routines WHERE routine_schema = DATABASE() \
         UNION ALL SELECT 'EVENT', CAST(event_name AS CHAR) \
         FROM information_schema.events WHERE event_schema = DATABASE()",
    )
    .fetch_all(&mut *conn)
    .await?;
    // Views first (they may name tables), then everything else; foreign keys between the
    // tables are not checked while they go.
    let mut statements = vec!["SET FOREIGN_KEY_CHECKS = 0".to_owned()];
    for kind in [
        "VIEW",
        "TABLE",
        "SEQUENCE",
        "PROCEDURE",
        "FUNCTION",
        "EVENT",
    ] {
        for (_, name) in objects.iter().filter(|(k, _)| k == kind) {
            statements.push(format!(
                "DROP {kind} IF EXISTS `{}`",
                name.replace('`', "``")
            ));
        }
    }
    let mut result = Ok(());
    for sql in &statements {
        result = Executor::execute(&mut *conn, sqlx::raw_sql(AssertSqlSafe(sql.clone())))
            .await
            .map(drop);
        if result.is_err() {
            break;
        }
    }
    // Back on, whether or not a drop failed (the session goes on).
    Executor::execute(
        &mut *conn,
        sqlx::raw_sql(AssertSqlSafe("SET FOREIGN_KEY_CHECKS = 1".to_owned())),
    )
    .await?;
    result
}
