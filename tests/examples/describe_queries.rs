//! Describes checked queries two ways, for the survey of real projects' queries
//! (`bench/survey/queries.py`): ours (`migrate_core::query::describe` over the schema the
//! migrations folder replays to) and PostgreSQL's (the statement prepared through sqlx, its
//! result columns' names and types, its parameters' types, and the nullability the server
//! knows: `pg_attribute.attnotnull` of a result column that is a plain table column, as the
//! differential corpus test reads it).
//!
//! `cargo run -p migrate-tests --example describe_queries -- <migrations dir> <database url>
//! < queries.json`, where queries.json is `[{"id": "…", "sql": "…"}, …]` and the database
//! already holds the folder's migrations. Prints one JSON object per query:
//! `{"id", "ours": {"columns": [{"name", "type", "not_null"}], "params": [type|null]} or
//! {"error"}, "server": {"columns": [{"name", "type", "not_null": true|false|null}],
//! "params": [type]} or {"error"}}`.

use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;

use migrate_core::query::describe;
use migrate_core::replay::replay_despite_errors;
use migrate_core::{Dialect, LoadOptions, load};
use serde_json::{Value, json};
use sqlx::postgres::PgStatement;
use sqlx::{AssertSqlSafe, Column, Connection, Executor, SqlSafeStr, Statement, TypeInfo};

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(url)) = (args.next(), args.next()) else {
        eprintln!("usage: describe_queries <migrations dir> <database url> < queries.json");
        std::process::exit(2);
    };
    let migrations = load(&PathBuf::from(&dir), &LoadOptions::new(Dialect::Postgres))
        .unwrap_or_else(|e| panic!("{dir}: {e}"));
    let (schema, errors) = replay_despite_errors(&migrations, Dialect::Postgres);
    for e in &errors {
        eprintln!("replay: {e}");
    }
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    let queries: Vec<Value> = serde_json::from_str(&input).expect("a JSON array of queries");
    let mut conn = sqlx::PgConnection::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    let mut cache = HashMap::new();
    for q in queries {
        let sql = q["sql"].as_str().unwrap_or_default().to_owned();
        let ours = match describe(&schema, &sql) {
            Ok(d) => json!({
                "columns": d.columns.iter().map(|c| json!({
                    "name": c.name, "type": c.sql_type, "not_null": c.not_null,
                })).collect::<Vec<_>>(),
                "params": d.parameters.iter().map(|p| p.sql_type.clone()).collect::<Vec<_>>(),
            }),
            Err(e) => json!({ "error": e.to_string() }),
        };
        let server = match conn
            .prepare(AssertSqlSafe(sql.clone()).into_sql_str())
            .await
        {
            Ok(statement) => {
                let not_null = not_null(&mut conn, &mut cache, &statement).await;
                let params = match statement.parameters() {
                    Some(sqlx::Either::Left(types)) => {
                        types.iter().map(|t| t.name().to_owned()).collect()
                    }
                    _ => Vec::new(),
                };
                json!({
                    "columns": statement.columns().iter().zip(not_null).map(|(c, n)| json!({
                        "name": c.name(), "type": c.type_info().name(), "not_null": n,
                    })).collect::<Vec<_>>(),
                    "params": params,
                })
            }
            Err(e) => json!({ "error": e.to_string() }),
        };
        println!(
            "{}",
            json!({ "id": q["id"], "ours": ours, "server": server })
        );
    }
}

/// `pg_attribute.attnotnull` of each result column that is a plain table column, else `None`.
async fn not_null(
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
        if let std::collections::hash_map::Entry::Vacant(entry) = cache.entry((rel.0, att)) {
            let found: Option<bool> = sqlx::query_scalar(
                "SELECT attnotnull FROM pg_attribute WHERE attrelid = $1 AND attnum = $2",
            )
            .bind(rel)
            .bind(att)
            .fetch_optional(&mut *conn)
            .await
            .unwrap_or(None);
            entry.insert(found.unwrap_or(false));
        }
        out.push(cache.get(&(rel.0, att)).copied());
    }
    out
}
