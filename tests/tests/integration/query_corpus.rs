//! The differential corpus: several hundred generated queries over varied schemas
//! (`migrate_tests::query_corpus`), each described by the inference (`migrate_core::query::
//! describe`, over the replayed schema) and by the real database (sqlx's `prepare`).
//!
//! Compared, per column: its name, its type (where the inference gives one), and on
//! PostgreSQL its nullability where the server knows it: a result column that is a plain
//! table column (`relation_id`/`relation_attribute_no`) is NOT NULL by `pg_attribute.attnotnull`.
//! We may say nullable where the server says NOT NULL (an outer join's far side, or simply
//! unproven: counted), never the reverse (a failure). Per parameter (PostgreSQL): its type.
//! A query shape the inference does not handle yet ("not inferred yet") is counted, not failed.
//! The figures are printed; `docs/src/checked-queries.md` reports them.

use std::collections::HashMap;
use std::path::Path;

use migrate_core::Dialect;
use migrate_core::files::source::{LoadOptions, load};
use migrate_core::query::{Described, ResultColumn, describe};
use migrate_core::replay::replay;
use migrate_core::schema::Schema;
use migrate_tests::example_queries::{ExampleQuery, example_queries};
use migrate_tests::query_corpus::{Corpus, Flavor, PG_PRELUDE, corpus, has_column_of, pg_types};
use migrate_tests::{pg_database, sqlite_database};
use sqlx::postgres::PgStatement;
use sqlx::{
    AssertSqlSafe, Column, Connection, Executor, Row, SqlSafeStr, Statement, TypeInfo, ValueRef,
};

use crate::query_describe::{pg_name, replayed};

/// Schemas per dialect; each gives up to 64 (SQLite) or 102 (PostgreSQL) queries (the whole
/// corpus runs in a few seconds).
/// 48: each column type of the PostgreSQL list occurs in some schema (checked).
pub(crate) const SCHEMAS: u64 = 48;

/// Agreement counts for one dialect.
#[derive(Default)]
pub(crate) struct Figures {
    pub(crate) queries: usize,
    pub(crate) not_inferred: usize,
    pub(crate) columns: usize,
    pub(crate) names_agree: usize,
    pub(crate) types_compared: usize,
    pub(crate) types_agree: usize,
    pub(crate) types_unknown: usize,
    /// The database gives no type (SQLite: an expression has no declared type).
    pub(crate) types_untold: usize,
    pub(crate) params_compared: usize,
    pub(crate) params_agree: usize,
    pub(crate) params_unknown: usize,
    pub(crate) null_compared: usize,
    pub(crate) null_agree: usize,
    /// We say nullable, the server NOT NULL: allowed.
    pub(crate) null_looser: usize,
    /// Queries without parameters run over the corpus's rows (in a transaction rolled back).
    pub(crate) runs: usize,
    /// Result columns of those runs that held a NULL; each must be nullable in ours.
    pub(crate) nulls_seen: usize,
    /// Of those, NOT NULL in ours (each a failure).
    pub(crate) nulls_claimed: usize,
    /// SQLite: non-NULL values whose storage class was checked against our declared type.
    pub(crate) classes_seen: usize,
    pub(crate) failures: Vec<String>,
}

impl Figures {
    pub(crate) fn fail(&mut self, query: &str, what: String) {
        self.failures.push(format!("{query}\n  {what}"));
    }

    /// `Ok(None)` for a shape not inferred yet (counted), an error for anything else.
    pub(crate) fn ours(
        &mut self,
        schema: &migrate_core::schema::Schema,
        query: &str,
    ) -> Option<Described> {
        self.queries += 1;
        match describe(schema, query) {
            Ok(d) => Some(d),
            Err(e) if e.message.contains("not inferred yet") => {
                self.not_inferred += 1;
                None
            }
            Err(e) => {
                self.fail(query, format!("the inference fails: {e}"));
                None
            }
        }
    }

    /// Names and types of the columns; `theirs` is each column's name and type name.
    pub(crate) fn columns(
        &mut self,
        query: &str,
        ours: &Described,
        theirs: &[(String, String)],
        map: fn(&str) -> String,
    ) -> bool {
        if ours.columns.len() != theirs.len() {
            let (o, t) = (ours.columns.len(), theirs.len());
            self.fail(query, format!("{o} columns, the database's {t}"));
            return false;
        }
        for (c, (name, ty)) in ours.columns.iter().zip(theirs) {
            self.columns += 1;
            if &c.name == name {
                self.names_agree += 1;
            } else {
                self.fail(
                    query,
                    format!("column name: ours {}, the database's {name}", c.name),
                );
            }
            match c.sql_type.as_deref().map(map) {
                None => {
                    self.types_unknown += 1;
                    if std::env::var_os("CORPUS_UNKNOWN").is_some() {
                        eprintln!("unknown: {query} :: {} (the database's {ty})", c.name);
                    }
                }
                // SQLite: no declared type (an expression), or one sqlx does not map.
                Some(_) if ty == "NULL" => self.types_untold += 1,
                Some(ours) => {
                    self.types_compared += 1;
                    if &ours == ty {
                        self.types_agree += 1;
                    } else {
                        self.fail(
                            query,
                            format!("column {name}: ours {ours}, the database's {ty}"),
                        );
                    }
                }
            }
        }
        true
    }

    pub(crate) fn nullability(
        &mut self,
        query: &str,
        ours: &Described,
        server_not_null: &[Option<bool>],
    ) {
        for (c, theirs) in ours.columns.iter().zip(server_not_null) {
            let Some(theirs) = *theirs else { continue };
            self.null_compared += 1;
            match (c.not_null, theirs) {
                (a, b) if a == b => self.null_agree += 1,
                (false, true) => {
                    self.null_looser += 1;
                    if std::env::var_os("CORPUS_LOOSER").is_some() {
                        eprintln!("looser: {query} :: {}", c.name);
                    }
                }
                _ => self.fail(
                    query,
                    format!("column {}: ours NOT NULL, the server's nullable", c.name),
                ),
            }
        }
    }

    /// The result of running `query`: a column that held NULL must not be NOT NULL in ours.
    /// With `classes` (SQLite), each value's storage class must fit the column's declared type
    /// in ours ([`Figures::classes`]).
    pub(crate) fn ran<R: Row>(
        &mut self,
        query: &str,
        ours: &Described,
        rows: Result<Vec<R>, sqlx::Error>,
        classes: bool,
    ) where
        usize: sqlx::ColumnIndex<R>,
    {
        let rows = match rows {
            Ok(rows) => rows,
            Err(e) => return self.fail(query, format!("running it fails: {e}")),
        };
        self.runs += 1;
        for (i, c) in ours.columns.iter().enumerate() {
            let null = rows
                .iter()
                .any(|r| r.try_get_raw(i).is_ok_and(|v| v.is_null()));
            if classes {
                self.classes(query, c, rows.iter().filter_map(|r| r.try_get_raw(i).ok()));
            }
            if null {
                self.nulls_seen += 1;
                if c.not_null {
                    self.nulls_claimed += 1;
                    self.fail(
                        query,
                        format!("column {}: ours NOT NULL, a row has NULL", c.name),
                    );
                }
            }
        }
    }

    /// SQLite: the storage class of each non-NULL value of column `c` fits the declared type
    /// we give it: INTEGER, REAL, TEXT, BLOB hold their own class, BOOLEAN an INTEGER, NUMERIC
    /// an INTEGER or a REAL.
    fn classes<'v, V: ValueRef<'v>>(
        &mut self,
        query: &str,
        c: &ResultColumn,
        values: impl Iterator<Item = V>,
    ) {
        let Some(ours) = c.sql_type.as_deref() else {
            return;
        };
        for v in values.filter(|v| !v.is_null()) {
            let class = v.type_info().name().to_owned();
            let fits = match ours {
                "BOOLEAN" => class == "INTEGER",
                "NUMERIC" => class == "INTEGER" || class == "REAL",
                other => class == other,
            };
            self.classes_seen += 1;
            if !fits {
                self.fail(
                    query,
                    format!("column {}: ours {ours}, a value {class}", c.name),
                );
            }
        }
    }

    #[track_caller]
    pub(crate) fn report_and_assert(&self, dialect: &str) {
        let f = self;
        eprintln!(
            "query corpus, {dialect}: {} queries, {} not inferred yet; {} columns: names {}/{} \
             agree; types {}/{} agree, {} left unknown by the inference, {} untold by the database; parameters {}/{} agree, \
             {} untyped; nullability {} compared: {} agree, {} nullable where the server says \
             NOT NULL (allowed), {} NOT NULL where the server says nullable; {} queries run, {} \
             columns held NULL, {} of them NOT NULL in ours; {} \
             values' storage classes checked",
            f.queries,
            f.not_inferred,
            f.columns,
            f.names_agree,
            f.columns,
            f.types_agree,
            f.types_compared,
            f.types_unknown,
            f.types_untold,
            f.params_agree,
            f.params_compared,
            f.params_unknown,
            f.null_compared,
            f.null_agree,
            f.null_looser,
            f.null_compared - f.null_agree - f.null_looser,
            f.runs,
            f.nulls_seen,
            f.nulls_claimed,
            f.classes_seen,
        );
        assert!(
            f.failures.is_empty(),
            "{} disagreement(s):\n{}",
            f.failures.len(),
            f.failures.join("\n")
        );
    }
}

pub(crate) fn columns_of(statement: &impl Statement) -> Vec<(String, String)> {
    statement
        .columns()
        .iter()
        .map(|c| (c.name().to_owned(), c.type_info().name().to_owned()))
        .collect()
}

/// `pg_attribute.attnotnull` of each result column that is a plain table column.
async fn pg_not_null(
    conn: &mut sqlx::PgConnection,
    cache: &mut HashMap<(u32, i16), bool>,
    statement: &PgStatement,
) -> Vec<Option<bool>> {
    let mut out = Vec::new();
    for c in statement.columns() {
        let (Some(rel), Some(att)) = (c.relation_id(), c.relation_attribute_no()) else {
            out.push(None);
            continue;
        };
        let key = (rel.0, att);
        if let std::collections::hash_map::Entry::Vacant(entry) = cache.entry(key) {
            let not_null: bool = sqlx::query_scalar(
                "SELECT attnotnull FROM pg_attribute WHERE attrelid = $1 AND attnum = $2",
            )
            .bind(rel)
            .bind(att)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
            entry.insert(not_null);
        }
        out.push(cache.get(&key).copied());
    }
    out
}

/// Describes `query` by the inference over `replayed` and by PostgreSQL, and counts the
/// agreements (and runs it when it has no parameters).
async fn pg_query(
    conn: &mut sqlx::PgConnection,
    f: &mut Figures,
    cache: &mut HashMap<(u32, i16), bool>,
    replayed: &migrate_core::schema::Schema,
    query: &str,
) {
    let theirs = match (&mut *conn)
        .prepare(AssertSqlSafe(query.to_owned()).into_sql_str())
        .await
    {
        Ok(statement) => statement,
        Err(e) => {
            return f.fail(
                query,
                format!("the corpus has a query PostgreSQL rejects: {e}"),
            );
        }
    };
    let Some(ours) = f.ours(replayed, query) else {
        return;
    };
    if !f.columns(query, &ours, &columns_of(&theirs), pg_name) {
        return;
    }
    if ours.parameters.is_empty() {
        let mut tx = conn.begin().await.unwrap();
        let rows = sqlx::raw_sql(AssertSqlSafe(query.to_owned()))
            .fetch_all(&mut *tx)
            .await;
        tx.rollback().await.unwrap();
        f.ran(query, &ours, rows, false);
    }
    let not_null = pg_not_null(conn, cache, &theirs).await;
    f.nullability(query, &ours, &not_null);
    let params = match theirs.parameters() {
        Some(sqlx::Either::Left(types)) => types.to_vec(),
        _ => Vec::new(),
    };
    if ours.parameters.len() != params.len() {
        let (o, t) = (ours.parameters.len(), params.len());
        return f.fail(query, format!("{o} parameters, the database's {t}"));
    }
    for (p, ty) in ours.parameters.iter().zip(params) {
        match p.sql_type.as_deref().map(pg_name) {
            None => f.params_unknown += 1,
            Some(o) => {
                f.params_compared += 1;
                if o == ty.name() {
                    f.params_agree += 1;
                } else {
                    let t = ty.name();
                    f.fail(
                        query,
                        format!("${}: ours {o}, the database's {t}", p.number),
                    );
                }
            }
        }
    }
}

/// The same on SQLite: names, declared types, storage classes of a run, parameter count.
async fn lite_query(
    conn: &mut sqlx::SqliteConnection,
    f: &mut Figures,
    replayed: &migrate_core::schema::Schema,
    query: &str,
) {
    let theirs = match (&mut *conn)
        .prepare(AssertSqlSafe(query.to_owned()).into_sql_str())
        .await
    {
        Ok(statement) => statement,
        Err(e) => return f.fail(query, format!("the corpus has a query SQLite rejects: {e}")),
    };
    let Some(ours) = f.ours(replayed, query) else {
        return;
    };
    if !f.columns(query, &ours, &columns_of(&theirs), str::to_owned) {
        return;
    }
    if ours.parameters.is_empty() {
        let mut tx = conn.begin().await.unwrap();
        let rows = sqlx::raw_sql(AssertSqlSafe(query.to_owned()))
            .fetch_all(&mut *tx)
            .await;
        tx.rollback().await.unwrap();
        f.ran(query, &ours, rows, true);
    }
    if let Some(sqlx::Either::Right(count)) = theirs.parameters()
        && ours.parameters.len() != count
    {
        let o = ours.parameters.len();
        f.fail(query, format!("{o} parameters, the database's {count}"));
    }
}

#[tokio::test]
async fn the_corpus_agrees_with_postgres() {
    let Some(db) = pg_database().await else {
        return;
    };
    let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
    conn.execute(sqlx::raw_sql(AssertSqlSafe(PG_PRELUDE.to_owned())))
        .await
        .unwrap();
    // Every type of the generator has a column somewhere in the corpus.
    let schemas: Vec<String> = (0..SCHEMAS)
        .map(|n| corpus(Flavor::Postgres, n).schema)
        .collect();
    for ty in pg_types() {
        let columns = schemas.iter().filter(|s| has_column_of(s, ty)).count();
        assert!(
            columns > 0,
            "no schema of the corpus has a column of type {ty}"
        );
    }
    let mut f = Figures::default();
    let mut cache = HashMap::new();
    for n in 0..SCHEMAS {
        let Corpus {
            schema,
            rows,
            queries,
            ..
        } = corpus(Flavor::Postgres, n);
        conn.execute(sqlx::raw_sql(AssertSqlSafe(schema.clone() + &rows)))
            .await
            .unwrap();
        let replayed = replayed(Dialect::Postgres, &(PG_PRELUDE.to_owned() + &schema));
        for query in &queries {
            pg_query(&mut conn, &mut f, &mut cache, &replayed, query).await;
        }
    }
    conn.close().await.unwrap();
    f.report_and_assert("PostgreSQL");
}

#[tokio::test]
async fn the_corpus_agrees_with_sqlite() {
    let db = sqlite_database();
    let mut conn = sqlx::SqliteConnection::connect(&format!("{}?mode=rwc", db.url))
        .await
        .unwrap();
    let mut f = Figures::default();
    let mut calls = Figures::default();
    for n in 0..SCHEMAS {
        let Corpus {
            schema,
            rows,
            queries,
            function_calls,
        } = corpus(Flavor::Sqlite, n);
        conn.execute(sqlx::raw_sql(AssertSqlSafe(schema.clone() + &rows)))
            .await
            .unwrap();
        let replayed = replayed(Dialect::Sqlite, &schema);
        for query in &queries {
            lite_query(&mut conn, &mut f, &replayed, query).await;
        }
        // Each scalar function of the catalog, run over the rows: every value's storage class
        // fits the type we infer, and a NULL never comes out of a call we say is NOT NULL.
        for query in &function_calls {
            lite_query(&mut conn, &mut calls, &replayed, query).await;
        }
    }
    conn.close().await.unwrap();
    f.report_and_assert("SQLite");
    calls.report_and_assert("SQLite, a call of each catalog function");
}

/// The generated catalog lists what the SQLite sqlx links lists (`PRAGMA function_list`'s
/// built-in functions, by name, kind and number of arguments), of the same version, and the
/// corpus calls each scalar function of it.
#[tokio::test]
async fn the_sqlite_catalog_is_the_linked_sqlites_and_the_corpus_calls_each_function() {
    use migrate_tests::query_corpus::{
        SQLITE_CALLS, SQLITE_CATALOG, SQLITE_NOT_CALLED, sqlite_scalar_functions,
    };
    let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:")
        .await
        .unwrap();
    let version: String = sqlx::query_scalar("SELECT sqlite_version()")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let header = SQLITE_CATALOG.lines().next().unwrap();
    assert!(
        header.starts_with(&format!("# SQLite {version} ")),
        "functions.tsv is of another SQLite than sqlx links ({version}): {header}; regenerate it \
         with migrate-core/catalog/sqlite/generate.py"
    );
    let rows: Vec<(String, i64, String, i64)> = sqlx::query_as(
        "SELECT DISTINCT name, builtin, type, narg FROM pragma_function_list WHERE builtin = 1",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut linked: Vec<String> = rows
        .iter()
        .map(|(name, _, kind, narg)| format!("{name}\t{kind}\t{narg}"))
        .collect();
    linked.sort();
    let mut listed: Vec<String> = SQLITE_CATALOG
        .lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .map(|l| l.split('\t').take(3).collect::<Vec<_>>().join("\t"))
        .collect();
    listed.sort();
    assert_eq!(
        listed, linked,
        "functions.tsv lists what the linked SQLite lists"
    );
    for name in sqlite_scalar_functions() {
        let called = SQLITE_CALLS.iter().any(|(n, _)| *n == name);
        let skipped = SQLITE_NOT_CALLED.iter().any(|(n, _)| *n == name);
        assert!(
            called != skipped,
            "scalar function {name}: the corpus calls it xor says why not"
        );
    }
    for (name, _) in SQLITE_CALLS {
        assert!(
            sqlite_scalar_functions().contains(name),
            "the corpus calls {name}, which the catalog does not list"
        );
    }
    conn.close().await.unwrap();
}

/// An example application's migrations (as its `Cargo.toml` names their directory), replayed
/// and as SQL scripts to apply, and its checked queries.
fn example(package: &str, dialect: Dialect) -> (Schema, Vec<String>, Vec<ExampleQuery>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let package = root.join("examples").join(package);
    let manifest = std::fs::read_to_string(package.join("Cargo.toml")).unwrap();
    let dir = manifest
        .lines()
        .find_map(|l| l.trim().strip_prefix("dir = "))
        .map(|d| d.trim_matches('"'))
        .expect("the example names its migrations directory");
    let migrations = load(&package.join(dir), &LoadOptions::new(dialect)).unwrap();
    let schema = replay(&migrations, dialect).unwrap();
    let scripts = migrations.iter().map(|m| m.up.sql.to_string()).collect();
    let queries = example_queries(&package);
    assert!(
        queries.len() >= 5,
        "{} queries found in {}: the scanner is broken",
        queries.len(),
        package.display()
    );
    (schema, scripts, queries)
}

#[tokio::test]
async fn the_examples_queries_agree_with_postgres() {
    let Some(db) = pg_database().await else {
        return;
    };
    let (schema, scripts, queries) = example("tasks-postgres", Dialect::Postgres);
    let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
    for script in scripts {
        conn.execute(sqlx::raw_sql(AssertSqlSafe(script)))
            .await
            .unwrap();
    }
    let mut f = Figures::default();
    let mut cache = HashMap::new();
    for q in &queries {
        let query = format!("-- {}\n{}", q.at, q.sql);
        pg_query(&mut conn, &mut f, &mut cache, &schema, &query).await;
    }
    conn.close().await.unwrap();
    f.report_and_assert("examples/tasks-postgres");
}

#[tokio::test]
async fn the_examples_queries_agree_with_sqlite() {
    let db = sqlite_database();
    let (schema, scripts, queries) = example("tasks-sqlite", Dialect::Sqlite);
    let mut conn = sqlx::SqliteConnection::connect(&format!("{}?mode=rwc", db.url))
        .await
        .unwrap();
    for script in scripts {
        conn.execute(sqlx::raw_sql(AssertSqlSafe(script)))
            .await
            .unwrap();
    }
    let mut f = Figures::default();
    for q in &queries {
        let query = format!("-- {}\n{}", q.at, q.sql);
        lite_query(&mut conn, &mut f, &schema, &query).await;
    }
    conn.close().await.unwrap();
    f.report_and_assert("examples/tasks-sqlite");
}
