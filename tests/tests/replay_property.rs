//! Random DDL sequences, run on the real database and through the replay: the two must agree.
//!
//! Each sequence is generated from a model of the schema so every statement is valid (the
//! database accepts it); each statement is its own migration, as a team would write them.
//! A disagreement shrinks to a minimal sequence (statements dropped one at a time while the
//! disagreement remains and the database still accepts the rest), which the failure prints.
//! The statements: tables, columns, types, defaults, nullability, primary keys, enums;
//! constraints (unique, foreign keys with actions, checks, exclusions on a range column;
//! named and unnamed, so PostgreSQL's default names are compared too); indexes (unique,
//! multi-column, expression, partial, DESC, named and unnamed), views (renamed, dropped by
//! CASCADE), domains (checks, `ALTER DOMAIN`), schemas and `ALTER TABLE … SET SCHEMA`; DO
//! blocks whose `IF` asks the system catalogs about the schema so far (the interpreter must
//! answer as PostgreSQL does).
//!
//! `MIGRATE_PROPERTY_CASES` sets the number of sequences per database (default 150) and
//! `MIGRATE_PROPERTY_SEED` the first seed; without it each run draws a fresh one and prints
//! it. Every shrunk failure goes into `replay_property/corpus.txt`, checked on every run.

#[path = "replay_property/alter.rs"]
mod alter;
#[path = "replay_property/corpus.rs"]
mod corpus;
#[path = "replay_property/generator.rs"]
mod generator;
#[path = "replay_property/guards.rs"]
mod guards;
#[path = "replay_property/objects.rs"]
mod objects;

use std::io::Write;

use migrate_core::diff::diff;
use migrate_core::replay::replay;
use migrate_runtime::{AnyConnection, ConnectOptions, Dialect, Migration, Script, introspect};
use migrate_tests::{constraint_names, pg_database, sqlite_database};

use generator::generate;

/// What comparing a sequence found.
pub(crate) enum Outcome {
    Agree,
    /// The database refused a statement (only while shrinking: the generator never does).
    Rejected(String),
    Differ(Vec<String>),
}

pub(crate) async fn run(
    conn: &mut AnyConnection,
    dialect: Dialect,
    statements: &[String],
) -> Outcome {
    let reset = match dialect {
        // The generator's schemas are `s<n>`.
        Dialect::Postgres => "DO $$DECLARE s text; BEGIN \
             FOR s IN SELECT nspname FROM pg_namespace WHERE nspname ~ '^s[0-9]+$' LOOP \
             EXECUTE format('DROP SCHEMA %I CASCADE', s); END LOOP; END$$; \
             DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
            .to_owned(),
        _ => {
            // Foreign keys off: a table may refer to one dropped before it.
            let objects = sqlite_objects(conn).await;
            let drops: String = objects
                .iter()
                .map(|(kind, name)| format!("DROP {kind} \"{name}\";"))
                .collect();
            format!("PRAGMA foreign_keys = OFF;{drops}PRAGMA foreign_keys = ON;")
        }
    };
    if !reset.is_empty() {
        conn.execute(&reset).await.expect("reset the schema");
    }
    for sql in statements {
        if let Err(e) = conn.execute(sql).await {
            return Outcome::Rejected(format!("{sql}: {e:?}"));
        }
    }
    let migrations: Vec<Migration> = statements
        .iter()
        .enumerate()
        .map(|(i, sql)| Migration {
            version: (i as i64 + 1).into(),
            name: "m".into(),
            up: Script::parse(
                format!("m/{}.sql", i + 1),
                format!("{sql};\n"),
                dialect,
                false,
            )
            .unwrap(),
            down: None,
            replay: None,
        })
        .collect();
    let replayed = match replay(&migrations, dialect) {
        Ok(schema) => schema,
        Err(e) => return Outcome::Differ(vec![format!("the replay refused it: {e}")]),
    };
    let actual = introspect(conn, "_migrate_history")
        .await
        .expect("introspect");
    let mut differences: Vec<String> = diff(&replayed, &actual)
        .iter()
        .map(ToString::to_string)
        .collect();
    if dialect == Dialect::Postgres && constraint_names(&replayed) != constraint_names(&actual) {
        differences.push(format!(
            "constraint names: replay {:?}, database {:?}",
            constraint_names(&replayed),
            constraint_names(&actual)
        ));
    }
    if differences.is_empty() {
        Outcome::Agree
    } else {
        Outcome::Differ(differences)
    }
}

/// Views first, then tables (their indexes go with them).
async fn sqlite_objects(conn: &mut AnyConnection) -> Vec<(String, String)> {
    match conn {
        AnyConnection::Sqlite(c) => sqlx::query_as(
            "SELECT upper(type), name FROM sqlite_schema WHERE type IN ('table', 'view') \
             AND name NOT LIKE 'sqlite_%' ORDER BY type = 'table', name",
        )
        .fetch_all(&mut *c)
        .await
        .unwrap(),
        _ => Vec::new(),
    }
}

/// Drops statements while the sequence still differs (and the database accepts the rest).
async fn shrink(
    conn: &mut AnyConnection,
    dialect: Dialect,
    mut statements: Vec<String>,
) -> (Vec<String>, Vec<String>) {
    let mut differences = Vec::new();
    loop {
        let mut smaller = false;
        for i in 0..statements.len() {
            let mut candidate = statements.clone();
            candidate.remove(i);
            if let Outcome::Differ(d) = run(conn, dialect, &candidate).await {
                statements = candidate;
                differences = d;
                smaller = true;
                break;
            }
        }
        if !smaller {
            if differences.is_empty()
                && let Outcome::Differ(d) = run(conn, dialect, &statements).await
            {
                differences = d;
            }
            return (statements, differences);
        }
    }
}

/// The first seed: `MIGRATE_PROPERTY_SEED`, else a fresh one drawn from the clock.
fn first_seed() -> u64 {
    if let Some(seed) = std::env::var("MIGRATE_PROPERTY_SEED")
        .ok()
        .and_then(|v| v.trim().parse().ok())
    {
        return seed;
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    (nanos ^ u64::from(std::process::id()).rotate_left(32)) % 1_000_000_000
}

/// Straight to stderr, not through libtest's capture: shown for a passing test too.
pub(crate) fn say(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

async fn property(dialect: Dialect, url: &str) {
    let cases: u64 = std::env::var("MIGRATE_PROPERTY_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let first = first_seed();
    say(&format!(
        "random DDL on {dialect}: seeds {first}..{}; replay one with MIGRATE_PROPERTY_SEED=<seed> MIGRATE_PROPERTY_CASES=1",
        first + cases
    ));
    let mut conn = AnyConnection::connect(url, &ConnectOptions::default())
        .await
        .unwrap();
    let mut statements_run = 0;
    for seed in first..first + cases {
        let statements = generate(seed, dialect);
        statements_run += statements.len();
        match run(&mut conn, dialect, &statements).await {
            Outcome::Agree => {}
            Outcome::Rejected(e) => panic!(
                "seed {seed}: the generator wrote a statement {dialect} refuses: {e}\n{statements:#?}"
            ),
            Outcome::Differ(_) => {
                let (minimal, differences) = shrink(&mut conn, dialect, statements).await;
                panic!(
                    "seed {seed}: the replay and {dialect} disagree (replay: MIGRATE_PROPERTY_SEED={seed} MIGRATE_PROPERTY_CASES=1).\n\
                     minimal sequence:\n  {}\ndifferences:\n  {}\n\
                     Fix the replay and add the sequence to tests/tests/replay_property/corpus.txt as a `case`\n\
                     (or as `known-failing` until it is fixed, and stop generating that shape).",
                    minimal.join(";\n  "),
                    differences.join("\n  ")
                );
            }
        }
    }
    say(&format!(
        "random DDL on {dialect}: {cases} sequences ({statements_run} statements), 0 divergences"
    ));
    conn.close().await;
}

#[tokio::test]
async fn random_ddl_replays_like_postgres() {
    let Some(db) = pg_database().await else {
        return;
    };
    property(Dialect::Postgres, &db.url).await;
}

#[tokio::test]
async fn random_ddl_replays_like_sqlite() {
    let db = sqlite_database();
    property(Dialect::Sqlite, &format!("{}?mode=rwc", db.url)).await;
}

#[tokio::test]
async fn regression_corpus_replays_like_postgres() {
    let Some(db) = pg_database().await else {
        return;
    };
    corpus::check(Dialect::Postgres, &db.url).await;
}

#[tokio::test]
async fn regression_corpus_replays_like_sqlite() {
    let db = sqlite_database();
    corpus::check(Dialect::Sqlite, &format!("{}?mode=rwc", db.url)).await;
}

/// The generator must keep drawing every kind of statement: a kind it stopped making would
/// leave the property test green and blind.
#[test]
fn the_generator_draws_every_kind_of_statement() {
    for (dialect, kinds) in [
        (
            Dialect::Postgres,
            &[
                "CREATE TABLE",
                "ALTER TABLE ",
                "CREATE TYPE",
                "CREATE UNIQUE INDEX",
                "CREATE INDEX ON",
                "CREATE INDEX i",
                "DESC",
                "NULLS FIRST",
                "lower(",
                " + 1)",
                ") WHERE ",
                "DROP INDEX",
                "ALTER INDEX",
                "CREATE VIEW",
                " AS a",
                "DROP VIEW",
                "CREATE DOMAIN",
                "CHECK (VALUE",
                "DROP DOMAIN",
                "CREATE SCHEMA",
                " SET SCHEMA ",
                "DROP TABLE",
                "ALTER DOMAIN",
                "ALTER VIEW",
                "EXCLUDE USING gist",
                "DO $$ BEGIN IF",
                "CREATE SEQUENCE",
                "DROP SEQUENCE",
            ][..],
        ),
        (
            Dialect::Sqlite,
            &[
                "CREATE TABLE",
                "CREATE UNIQUE INDEX",
                "CREATE INDEX i",
                "DESC",
                "lower(",
                ") WHERE ",
                "DROP INDEX",
                "CREATE VIEW",
                "DROP VIEW",
            ][..],
        ),
    ] {
        // The generator draws many kinds: 600 sequences (two CI runs) show each at least once.
        let statements: Vec<String> = (1..600).flat_map(|s| generate(s, dialect)).collect();
        for kind in kinds {
            assert!(
                statements.iter().any(|s| s.contains(kind)),
                "{dialect}: no `{kind}` in 600 sequences"
            );
        }
        let multi_column_index = statements.iter().any(|s| {
            s.contains("INDEX")
                && s.split_once(" (")
                    .is_some_and(|(_, cols)| cols.contains(", "))
        });
        assert!(multi_column_index, "{dialect}: no multi-column index");
    }
}
