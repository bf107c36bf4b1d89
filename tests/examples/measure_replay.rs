//! Measures the replay against a real database on any migrations folder (for example a public
//! project's): applies the folder to a fresh database, replays it, and reports which share of
//! the tables and columns the replay gets exactly right, with every difference.
//!
//! `cargo run -p migrate-tests --example measure_replay -- DIR postgres|sqlite [--to VERSION] [IGNORE_GLOB…]`
//! (PostgreSQL: a database is created and dropped at `MIGRATE_TEST_PG_URL`'s server; `mysql`:
//! at `MIGRATE_TEST_MYSQL_URL`'s, each file run statement by statement as the splitter splits
//! it, the catalog read by `migrate_runtime::introspect`).

use std::path::PathBuf;

use std::collections::BTreeSet;

use migrate_core::diff::{Difference, diff};
use migrate_core::replay::replay_despite_errors;
use migrate_core::schema::Schema;
use migrate_runtime::{
    AnyConnection, ConnectOptions, DeployOptions, Dialect, LoadOptions, Migrator, introspect,
};

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(dialect)) = (args.next(), args.next()) else {
        eprintln!("usage: measure_replay DIR postgres|sqlite|mysql");
        std::process::exit(2);
    };
    let dialect: Dialect = dialect.parse().expect("postgres or sqlite");
    let mut to = None;
    let mut options = LoadOptions::new(dialect);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--to" => to = args.next(),
            glob => options.ignore.push(glob.to_owned()),
        }
    }
    let mut migrator =
        Migrator::from_dir(&PathBuf::from(&dir), &options).unwrap_or_else(|e| panic!("{e}"));
    if let Some(to) = to {
        let to = migrate_core::Version::parse(&to, migrator.version_order())
            .unwrap_or_else(|| panic!("--to {to}: not a version"));
        let kept: Vec<_> = migrator
            .migrations()
            .iter()
            .filter(|m| m.version <= to)
            .cloned()
            .collect();
        migrator = Migrator::new(kept);
    }

    // The one replay path: replay overrides, and routines created by earlier files.
    let (schema, errors) = replay_despite_errors(migrator.migrations(), dialect);
    let replay_errors: Vec<String> = errors.iter().map(ToString::to_string).collect();

    if dialect == Dialect::Mysql {
        let db = migrate_tests::mysql_database()
            .await
            .expect("a MariaDB/MySQL server");
        let actual = mysql_apply(&migrator, &db.url).await;
        return report(&dir, dialect, &migrator, &schema, &actual, &replay_errors);
    }
    let (_pg, _lite, url) = match dialect {
        Dialect::Postgres => {
            let db = migrate_tests::pg_database()
                .await
                .expect("a PostgreSQL server");
            let url = db.url.clone();
            (Some(db), None, url)
        }
        _ => {
            let db = migrate_tests::sqlite_database();
            let url = format!("{}?mode=rwc", db.url);
            (None, Some(db), url)
        }
    };
    let mut conn = AnyConnection::connect(&url, &ConnectOptions::default())
        .await
        .unwrap();
    migrator
        .run_with(&mut conn, &DeployOptions::default())
        .await
        .unwrap_or_else(|e| panic!("the real database refused the folder: {e}"));
    let actual = introspect(&mut conn, migrator.table()).await.unwrap();
    conn.close().await;
    report(&dir, dialect, &migrator, &schema, &actual, &replay_errors);
}

/// Runs every statement of the folder on the MySQL database at `url`; its catalog.
async fn mysql_apply(migrator: &Migrator, url: &str) -> Schema {
    use sqlx::{AssertSqlSafe, Connection, Executor, MySqlConnection};
    let mut conn = MySqlConnection::connect(url).await.unwrap();
    // A folder written for MySQL with inline `REFERENCES` to tables made later (MySQL ignores
    // them, MariaDB makes foreign keys): `MEASURE_MYSQL_INIT='SET foreign_key_checks = 0'`.
    if let Ok(init) = std::env::var("MEASURE_MYSQL_INIT") {
        conn.execute(sqlx::raw_sql(AssertSqlSafe(init)))
            .await
            .unwrap();
    }
    for m in migrator.migrations() {
        for s in migrate_core::split(&m.up.sql, Dialect::Mysql).unwrap() {
            conn.execute(sqlx::raw_sql(AssertSqlSafe(s.sql.to_owned())))
                .await
                .unwrap_or_else(|e| panic!("the real database refused {}: {e}", m.up.path));
        }
    }
    let actual = migrate_runtime::introspect(&mut conn, migrator.table())
        .await
        .unwrap();
    let _ = conn.close().await;
    actual
}

fn report(
    dir: &str,
    dialect: Dialect,
    migrator: &Migrator,
    schema: &Schema,
    actual: &Schema,
    replay_errors: &[String],
) {
    let (schema, actual) = (schema.clone(), actual.clone());

    let differences = diff(&schema, &actual);
    let texts: Vec<String> = differences.iter().map(ToString::to_string).collect();
    let tables = actual.tables.len();
    let columns: usize = actual.tables.iter().map(|t| t.columns.len()).sum();
    // A table is wrong when anything about it differs; a column when it, or its table's
    // existence, does.
    let mut bad_tables = BTreeSet::new();
    let mut bad_columns = BTreeSet::new();
    let mut whole_tables = BTreeSet::new();
    for d in &differences {
        match d {
            Difference::MissingTable { table } | Difference::ExtraTable { table } => {
                bad_tables.insert(table.clone());
                whole_tables.insert(table.clone());
            }
            Difference::MissingColumn { table, column }
            | Difference::ExtraColumn { table, column }
            | Difference::Type { table, column, .. }
            | Difference::Nullability { table, column, .. }
            | Difference::Default { table, column, .. } => {
                bad_tables.insert(table.clone());
                bad_columns.insert((table.clone(), column.clone()));
            }
            Difference::ColumnOrder { table, .. } | Difference::PrimaryKey { table, .. } => {
                bad_tables.insert(table.clone());
            }
            _ => {}
        }
    }
    let bad_tables = actual
        .tables
        .iter()
        .filter(|t| bad_tables.contains(&t.name.to_string()))
        .count();
    let bad_columns = actual
        .tables
        .iter()
        .flat_map(|t| {
            t.columns
                .iter()
                .map(move |c| (t.name.to_string(), c.name.clone()))
        })
        .filter(|(t, c)| whole_tables.contains(t) || bad_columns.contains(&(t.clone(), c.clone())))
        .count();
    println!("{dir}: {} migrations", migrator.migrations().len());
    println!(
        "  tables identical: {}/{tables} ({:.1}%); columns identical: {}/{columns} ({:.1}%)",
        tables - bad_tables,
        100.0 * (tables - bad_tables) as f64 / tables.max(1) as f64,
        columns - bad_columns,
        100.0 * (columns - bad_columns) as f64 / columns.max(1) as f64,
    );
    let constraints: usize = actual
        .tables
        .iter()
        .map(|t| t.uniques.len() + t.foreign_keys.len() + t.checks.len())
        .sum();
    // Tables the replay lacks or invents are counted above; here, constraints of tables both
    // have.
    let constraint_differences = differences
        .iter()
        .filter(|d| {
            matches!(
                d,
                Difference::MissingUnique { .. }
                    | Difference::ExtraUnique { .. }
                    | Difference::MissingForeignKey { .. }
                    | Difference::ExtraForeignKey { .. }
                    | Difference::MissingCheck { .. }
                    | Difference::ExtraCheck { .. }
                    | Difference::CheckValues { .. }
            )
        })
        .count();
    println!(
        "  constraints (unique, foreign key, check): {constraints} in the database, {constraint_differences} difference(s)"
    );
    if dialect != Dialect::Sqlite {
        let names = |s: &Schema| -> BTreeSet<String> {
            migrate_tests::constraint_names(s).into_iter().collect()
        };
        let (replayed, real) = (names(&schema), names(&actual));
        println!(
            "  constraint names the replay gives as the server does: {}/{}",
            real.intersection(&replayed).count(),
            real.len()
        );
        for name in real.difference(&replayed) {
            println!("    the database has {name}");
        }
        for name in replayed.difference(&real) {
            println!("    the replay gives {name}");
        }
    }
    println!("  replay errors: {}", replay_errors.len());
    for e in replay_errors {
        println!("    {e}");
    }
    println!("  differences: {}", texts.len());
    for d in &texts {
        println!("    {d}");
    }
}
