//! `cargo migrate schema` on MySQL: the SQL rendered from the replay (identifiers in
//! backticks where MySQL needs them) loads on the real MariaDB, and the catalog it makes is
//! the replay's.

use std::path::Path;

use migrate_core::diff::{Difference, diff};
use migrate_core::replay::replay;
use migrate_core::schema::to_sql;
use migrate_core::{Dialect, split};
use migrate_runtime::{LoadOptions, Migrator};
use migrate_tests::mysql_database;
use sqlx::{AssertSqlSafe, Connection, Executor, MySqlConnection};

/// Replays the migrations of `fixture`, runs the rendered schema on a fresh database and
/// compares its catalog with the replay.
async fn rendered_schema_loads(fixture: &str) {
    let Some(db) = mysql_database().await else {
        return;
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture);
    let migrator = Migrator::from_dir(&dir, &LoadOptions::new(Dialect::Mysql)).unwrap();
    let replayed = replay(migrator.migrations(), Dialect::Mysql)
        .unwrap_or_else(|e| panic!("replay failed:\n{e}"));
    let sql = to_sql(&replayed);
    let mut conn = MySqlConnection::connect(&db.url).await.unwrap();
    for s in split(&sql, Dialect::Mysql).unwrap() {
        conn.execute(sqlx::raw_sql(AssertSqlSafe(s.sql.to_owned())))
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "the rendered schema fails on MariaDB: {e}\n{}\n\n{sql}",
                    s.sql
                )
            });
    }
    let actual = migrate_runtime::introspect(&mut conn, migrator.table())
        .await
        .unwrap();
    conn.close().await.unwrap();
    // Views are comments in the rendered schema (the model keeps their columns, not their
    // query): everything else must be there.
    let differences: Vec<_> = diff(&replayed, &actual)
        .into_iter()
        .filter(|d| !matches!(d, Difference::MissingView { .. }))
        .collect();
    assert!(
        differences.is_empty(),
        "{} differences between the replay and the rendered schema loaded:\n{}\n\n{sql}",
        differences.len(),
        differences
            .iter()
            .map(|d| format!("  {d}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[tokio::test]
async fn names_that_need_quoting_load_in_backticks() {
    rendered_schema_loads("fixtures/schema/mysql_quoting").await;
}

#[tokio::test]
async fn the_replay_fixtures_schema_loads() {
    rendered_schema_loads("fixtures/replay/mysql").await;
}
