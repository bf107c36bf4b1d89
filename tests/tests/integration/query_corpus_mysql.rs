//! The differential corpus on MariaDB: each generated query (`Flavor::Mysql`) described by the
//! inference and by the server through sqlx's `Executor::describe` (a prepared statement's
//! column definitions: name, type, `NOT_NULL` flag; MySQL's prepare gives parameter counts,
//! not types).
//!
//! Compared, per column: its name; its type as the Rust type each side implies (ours through
//! `migrate_core::compat::mysql_rust_type`, the server's from the type name sqlx reports, so
//! `int` and `INT` are both `i32`); its nullability (we may say nullable where the server says
//! NOT NULL, never the reverse). A `json` column is reported by MariaDB as the `longtext` it
//! stores (sqlx's `TEXT` or, with its binary collation, `BLOB`): that is counted apart and
//! allowed, since sqlx reads either into `serde_json::Value`. Queries without parameters run
//! over the corpus's rows (rolled back): a column that held NULL must be nullable in ours.

use migrate_core::Dialect;
use migrate_core::compat::mysql_rust_type;
use migrate_tests::mysql_database;
use migrate_tests::query_corpus::{Corpus, Flavor, corpus};
use sqlx::{AssertSqlSafe, Column, Connection, Executor, Row, SqlSafeStr, TypeInfo};

use crate::query_corpus::{Figures, SCHEMAS};
use crate::query_describe::replayed;

/// The Rust type sqlx's `query!` gives a type of ours (the model's MySQL spelling).
fn ours_rust(sql_type: &str) -> String {
    mysql_rust_type(sql_type)
        .map(|r| format!("{r:?}"))
        .unwrap_or_else(|| format!("unmapped {sql_type}"))
}

/// The Rust type for a type name sqlx reports (`BIGINT UNSIGNED`, `BOOLEAN`, `VARCHAR`).
fn theirs_rust(name: &str) -> String {
    match name {
        "NULL" => "NULL".to_owned(),
        "BOOLEAN" => ours_rust("tinyint(1)"),
        other => ours_rust(&other.to_ascii_lowercase()),
    }
}

#[tokio::test]
async fn the_corpus_agrees_with_mariadb() {
    let Some(db) = mysql_database().await else {
        return;
    };
    let mut conn = sqlx::MySqlConnection::connect(&db.url).await.unwrap();
    let mut f = Figures::default();
    let (mut json_as_text, mut params, mut params_typed) = (0, 0, 0);
    let (mut returning_unreported, mut returning_run) = (0, 0);
    for n in 0..SCHEMAS {
        let Corpus {
            schema,
            rows,
            queries,
            ..
        } = corpus(Flavor::Mysql, n);
        conn.execute(sqlx::raw_sql(AssertSqlSafe(schema.clone() + &rows)))
            .await
            .unwrap_or_else(|e| panic!("{e}\n{schema}{rows}"));
        let replayed = replayed(Dialect::Mysql, &schema);
        for query in &queries {
            let theirs = match (&mut conn)
                .describe(AssertSqlSafe(query.clone()).into_sql_str())
                .await
            {
                Ok(described) => described,
                Err(e) => {
                    f.fail(
                        query,
                        format!("the corpus has a query MariaDB rejects: {e}"),
                    );
                    continue;
                }
            };
            let Some(ours) = f.ours(&replayed, query) else {
                continue;
            };
            let mut columns: Vec<(String, String)> = theirs
                .columns()
                .iter()
                .map(|c| (c.name().to_owned(), theirs_rust(c.type_info().name())))
                .collect();
            // MariaDB's prepare describes no columns for `… RETURNING`: the rows of a run
            // (when the query has no parameters) do.
            let returning = columns.is_empty() && !ours.columns.is_empty();
            if returning {
                returning_unreported += 1;
                if !ours.parameters.is_empty() {
                    continue;
                }
                let mut tx = conn.begin().await.unwrap();
                let rows = sqlx::raw_sql(AssertSqlSafe(query.clone()))
                    .fetch_all(&mut *tx)
                    .await;
                tx.rollback().await.unwrap();
                let Some(row) = rows.as_ref().ok().and_then(|r| r.first()) else {
                    f.ran(query, &ours, rows, false);
                    continue;
                };
                returning_run += 1;
                columns = row
                    .columns()
                    .iter()
                    .map(|c| (c.name().to_owned(), theirs_rust(c.type_info().name())))
                    .collect();
                f.ran(query, &ours, rows, false);
            }
            for (c, (_, ty)) in ours.columns.iter().zip(&mut columns) {
                let json = c.sql_type.as_deref() == Some("json");
                if json && matches!(ty.as_str(), "String" | "Bytes") {
                    json_as_text += 1;
                    *ty = ours_rust("json");
                }
            }
            if std::env::var_os("CORPUS_UNKNOWN").is_some() {
                for c in ours.columns.iter().filter(|c| c.sql_type.is_none()) {
                    eprintln!("unknown: {query} :: {}", c.name);
                }
            }
            if !f.columns(query, &ours, &columns, ours_rust) {
                continue;
            }
            let not_null: Vec<Option<bool>> = (0..columns.len())
                .map(|i| theirs.nullable(i).map(|nullable| !nullable))
                .collect();
            f.nullability(query, &ours, &not_null);
            if ours.parameters.is_empty() && !returning {
                let mut tx = conn.begin().await.unwrap();
                let rows = sqlx::raw_sql(AssertSqlSafe(query.clone()))
                    .fetch_all(&mut *tx)
                    .await;
                tx.rollback().await.unwrap();
                f.ran(query, &ours, rows, false);
            }
            let count = match theirs.parameters() {
                Some(sqlx::Either::Right(count)) => count,
                Some(sqlx::Either::Left(types)) => types.len(),
                None => 0,
            };
            if ours.parameters.len() != count {
                let o = ours.parameters.len();
                f.fail(query, format!("{o} parameters, the database's {count}"));
            }
            params += count;
            params_typed += ours
                .parameters
                .iter()
                .filter(|p| p.sql_type.is_some())
                .count();
        }
    }
    conn.close().await.unwrap();
    eprintln!(
        "query corpus, MariaDB: {json_as_text} json columns reported as longtext (allowed); \
         {params} parameters counted alike, {params_typed} of them typed by their context; \
         {returning_unreported} RETURNING queries whose columns the prepare does not report, \
         {returning_run} of them compared by running them"
    );
    f.report_and_assert("MariaDB");
}
