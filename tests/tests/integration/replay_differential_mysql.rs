//! The MySQL replay against the real MariaDB catalog: every fixture file is split by the one
//! splitter and run statement by statement on a fresh database, the catalog is read back
//! through information_schema, and the replayed schema must equal it — tables, column order,
//! types, nullability, defaults, auto-increment, generated columns, keys, foreign keys and
//! checks; and the names the server gives indexes, foreign keys and checks must be the
//! replay's.

use std::path::Path;

use migrate_core::diff::diff;
use migrate_core::replay::replay;
use migrate_core::schema::Schema;
use migrate_core::{Dialect, split};
use migrate_runtime::{LoadOptions, Migrator};
use migrate_tests::{constraint_names, mysql_database};
use sqlx::{AssertSqlSafe, Connection, Executor, MySqlConnection};

/// Runs every migration of `dir` on the database at `url` and compares the replay with the
/// catalog; returns the replayed schema.
pub async fn agree_mysql(dir: &Path, url: &str) -> Schema {
    let migrator = Migrator::from_dir(dir, &LoadOptions::new(Dialect::Mysql)).unwrap();
    let replayed = replay(migrator.migrations(), Dialect::Mysql)
        .unwrap_or_else(|e| panic!("replay failed:\n{e}"));
    let mut conn = MySqlConnection::connect(url).await.unwrap();
    for m in migrator.migrations() {
        for s in split(&m.up.sql, Dialect::Mysql).unwrap() {
            conn.execute(sqlx::raw_sql(AssertSqlSafe(s.sql.to_owned())))
                .await
                .unwrap_or_else(|e| panic!("{}: {e}\n{}", m.up.path, s.sql));
        }
    }
    let actual = migrate_runtime::introspect(&mut conn, migrator.table())
        .await
        .unwrap();
    conn.close().await.unwrap();
    let differences = diff(&replayed, &actual);
    assert!(
        differences.is_empty(),
        "{} differences between the replay and MariaDB:\n{}",
        differences.len(),
        differences
            .iter()
            .map(|d| format!("  {d}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(
        constraint_names(&replayed),
        constraint_names(&actual),
        "foreign key and check names"
    );
    assert_eq!(index_shapes(&replayed), index_shapes(&actual), "indexes");
    replayed
}

/// `table.index(keys) unique method` for every index, sorted.
fn index_shapes(schema: &Schema) -> Vec<String> {
    let mut v: Vec<String> = schema
        .indexes
        .iter()
        .map(|i| {
            let keys: Vec<String> = i
                .columns
                .iter()
                .zip(&i.keys)
                .map(|(c, k)| {
                    format!(
                        "{}{}",
                        c.to_lowercase(),
                        if k.descending { " desc" } else { "" }
                    )
                })
                .collect();
            format!(
                "{}.{}({}){}{}",
                i.table.name.to_lowercase(),
                i.name.name.to_lowercase(),
                keys.join(","),
                if i.unique { " unique" } else { "" },
                i.method
                    .as_deref()
                    .map(|m| format!(" {m}"))
                    .unwrap_or_default()
            )
        })
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn mysql_fixtures_replay_exactly() {
    let Some(db) = mysql_database().await else {
        return;
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/replay/mysql");
    let schema = agree_mysql(&dir, &db.url).await;
    let mut tables: Vec<&str> = schema.tables.iter().map(|t| t.name.name.as_str()).collect();
    tables.sort();
    assert_eq!(
        tables,
        ["labels", "old_posts", "post_tags", "posts", "users"]
    );
    let users = &schema.tables[0];
    let meta = users.columns.iter().find(|c| c.name == "meta").unwrap();
    assert_eq!(meta.sql_type, "json", "MariaDB's JSON is read back as json");
    assert!(schema.indexes.len() >= 12, "{}", schema.indexes.len());
}
