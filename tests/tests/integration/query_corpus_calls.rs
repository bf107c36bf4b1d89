//! The catalog's differential corpus: a generated call of each built-in PostgreSQL function
//! and operator over columns of the corpus's types (`migrate_tests::query_calls`), described by
//! the inference and prepared by the server.
//!
//! Compared, per call the server accepts: the result type (ours without its modifier against
//! `format_type(oid, NULL)` of the server's), the parameter's type, and, for calls of immutable
//! functions run over the table's two rows (one with NULLs), that a column we say is NOT NULL
//! never holds NULL. A type we leave unknown is counted; a different one fails the test. Calls
//! the server rejects (ambiguous ones, ordered-set aggregates without `WITHIN GROUP`) and
//! operators sqlparser does not parse are counted, not compared.

use std::collections::HashMap;

use migrate_core::Dialect;
use migrate_core::query::describe;
use migrate_tests::pg_database;
use migrate_tests::query_calls::{Call, calls};
use sqlx::postgres::types::Oid;
use sqlx::{AssertSqlSafe, Column, Connection, Executor, Row, SqlSafeStr, Statement, ValueRef};

use crate::query_describe::replayed;

/// Counts of one kind of call (`function` or `operator`).
#[derive(Default)]
struct Figures {
    calls: usize,
    rejected: usize,
    not_parsed: usize,
    compared: usize,
    agree: usize,
    unknown: usize,
    params_compared: usize,
    params_agree: usize,
    params_unknown: usize,
    runs: usize,
    not_null_claims: usize,
    failures: Vec<String>,
}

/// `character varying(40)` -> `character varying`.
fn base(t: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in t.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn type_name(
    conn: &mut sqlx::PgConnection,
    cache: &mut HashMap<u32, String>,
    oid: Option<Oid>,
) -> String {
    let Some(oid) = oid else {
        return "?".to_owned();
    };
    if let Some(name) = cache.get(&oid.0) {
        return name.clone();
    }
    let name: String = sqlx::query_scalar("SELECT format_type($1, NULL)")
        .bind(oid)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    cache.insert(oid.0, name.clone());
    name
}

/// Every overload of function or operator `name` is immutable: running it changes nothing
/// and reads no state.
async fn immutable(
    conn: &mut sqlx::PgConnection,
    cache: &mut HashMap<String, bool>,
    kind: &str,
    name: &str,
) -> bool {
    let key = format!("{kind} {name}");
    if let Some(&i) = cache.get(&key) {
        return i;
    }
    let sql = match kind {
        "function" => {
            "SELECT bool_and(provolatile = 'i') FROM pg_proc \
             WHERE proname = $1 AND pronamespace = 'pg_catalog'::regnamespace"
        }
        _ => {
            "SELECT bool_and(p.provolatile = 'i') FROM pg_operator o \
             JOIN pg_proc p ON p.oid = o.oprcode WHERE o.oprname = $1"
        }
    };
    let i: Option<bool> = sqlx::query_scalar(AssertSqlSafe(sql))
        .bind(name)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let i = i.unwrap_or(false);
    cache.insert(key, i);
    i
}

#[tokio::test]
async fn the_catalog_calls_agree_with_postgres() {
    let Some(db) = pg_database().await else {
        return;
    };
    let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
    let corpus = calls();
    conn.execute(sqlx::raw_sql(AssertSqlSafe(
        corpus.schema.clone() + &corpus.rows,
    )))
    .await
    .unwrap();
    conn.execute("SET statement_timeout = '2s'").await.unwrap();
    let schema = replayed(Dialect::Postgres, &corpus.schema);
    let mut figures: HashMap<&str, Figures> = HashMap::new();
    let mut names = HashMap::new();
    let mut volatility = HashMap::new();
    let show = std::env::var_os("CORPUS_UNKNOWN").is_some();
    for Call { sql, kind, name } in &corpus.calls {
        let f = figures.entry(kind).or_default();
        f.calls += 1;
        let theirs = match conn
            .prepare(AssertSqlSafe(sql.clone()).into_sql_str())
            .await
        {
            Ok(s) => s,
            Err(_) => {
                f.rejected += 1;
                continue;
            }
        };
        let ours = match describe(&schema, sql) {
            Ok(d) => d,
            Err(e) if e.message.contains("does not parse") => {
                f.not_parsed += 1;
                continue;
            }
            Err(e) => {
                f.failures
                    .push(format!("{sql}\n  the inference fails: {e}"));
                continue;
            }
        };
        let column = &theirs.columns()[0];
        let their_type = type_name(&mut conn, &mut names, column.type_info().oid()).await;
        let ours_column = &ours.columns[0];
        match ours_column.sql_type.as_deref().map(base) {
            None => {
                f.unknown += 1;
                if show {
                    eprintln!("unknown: {sql} (server: {their_type})");
                }
            }
            Some(t) => {
                f.compared += 1;
                if t == their_type {
                    f.agree += 1;
                } else {
                    f.failures
                        .push(format!("{sql}\n  ours {t}, the server's {their_type}"));
                }
            }
        }
        let their_params: Vec<Option<Oid>> = match theirs.parameters() {
            Some(sqlx::Either::Left(types)) => types.iter().map(|t| t.oid()).collect(),
            _ => Vec::new(),
        };
        for (p, oid) in ours.parameters.iter().zip(their_params) {
            let their = type_name(&mut conn, &mut names, oid).await;
            match p.sql_type.as_deref().map(base) {
                None => f.params_unknown += 1,
                Some(t) => {
                    f.params_compared += 1;
                    if t == their {
                        f.params_agree += 1;
                    } else {
                        f.failures
                            .push(format!("{sql}\n  $1: ours {t}, the server's {their}"));
                    }
                }
            }
        }
        if ours_column.not_null {
            f.not_null_claims += 1;
        }
        if ours.parameters.is_empty()
            && ours_column.not_null
            && immutable(&mut conn, &mut volatility, kind, name).await
        {
            // Immutable: no transaction needed.
            let rows = sqlx::raw_sql(AssertSqlSafe(sql.clone()))
                .fetch_all(&mut conn)
                .await;
            // A call may fail on the table's values (`sqrt` of a negative): not ours to judge.
            if let Ok(rows) = rows {
                f.runs += 1;
                if rows
                    .iter()
                    .any(|r| r.try_get_raw(0).is_ok_and(|v| v.is_null()))
                {
                    f.failures
                        .push(format!("{sql}\n  ours NOT NULL, a row has NULL"));
                }
            }
        }
    }
    conn.close().await.unwrap();
    let mut failures = Vec::new();
    for kind in ["function", "operator"] {
        let f = figures.remove(kind).unwrap_or_default();
        eprintln!(
            "catalog corpus, {kind} calls: {} generated, {} rejected by the server, {} not \
             parsed; result types {}/{} agree, {} left unknown; parameters {}/{} agree, {} \
             untyped; {} NOT NULL claims, {} of them run over NULLs: 0 NULL seen unless listed \
             below",
            f.calls,
            f.rejected,
            f.not_parsed,
            f.agree,
            f.compared,
            f.unknown,
            f.params_agree,
            f.params_compared,
            f.params_unknown,
            f.not_null_claims,
            f.runs,
        );
        failures.extend(f.failures);
    }
    assert!(
        failures.is_empty(),
        "{} disagreement(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
