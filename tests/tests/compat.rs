//! The type rules of `migrate_core::compat` agree with sqlx itself: for every (Rust type, SQL
//! type) pair, a real value of the SQL type is written to a real database and decoded through
//! sqlx, and sqlx's type check accepts it exactly when our verdict says `Compatible`.
//!
//! sqlx fails a decode in two ways: its type check ("mismatched types") — the rule we model —
//! or the value itself (text `'x'` is not a UUID). Only the first counts as incompatible; a
//! value error means the type was accepted.

use migrate_core::Dialect;
use migrate_core::compat::{RustType, Verdict, check};
use migrate_tests::{pg_database, sqlite_database};
use sqlx::{AssertSqlSafe, Row};

/// Calls `$m!(name, Type)` for every Rust type the table covers.
macro_rules! rust_types {
    ($m:ident) => {
        $m!("bool", bool);
        $m!("i16", i16);
        $m!("i32", i32);
        $m!("i64", i64);
        $m!("f32", f32);
        $m!("f64", f64);
        $m!("String", String);
        $m!("Vec<u8>", Vec<u8>);
        $m!("serde_json::Value", serde_json::Value);
        $m!("uuid::Uuid", uuid::Uuid);
        $m!("chrono::NaiveDate", chrono::NaiveDate);
        $m!("chrono::NaiveTime", chrono::NaiveTime);
        $m!("chrono::NaiveDateTime", chrono::NaiveDateTime);
        $m!(
            "chrono::DateTime<chrono::Utc>",
            chrono::DateTime<chrono::Utc>
        );
        $m!("rust_decimal::Decimal", rust_decimal::Decimal);
        $m!("Vec<String>", Vec<String>);
        $m!("Vec<i32>", Vec<i32>);
        $m!("Vec<i64>", Vec<i64>);
    };
}

/// PostgreSQL types (as `format_type()` spells them) and a real value of each.
const PG: &[(&str, &str)] = &[
    ("boolean", "true"),
    ("smallint", "1"),
    ("integer", "1"),
    ("bigint", "1"),
    ("real", "1.5"),
    ("double precision", "1.5"),
    ("numeric(10,2)", "1.5"),
    ("text", "'x'"),
    ("character varying(20)", "'x'"),
    ("character(3)", "'abc'"),
    ("bytea", "'\\x01'"),
    ("json", "'{}'"),
    ("jsonb", "'{}'"),
    ("uuid", "'67e55044-10b1-426f-9247-bb680e5fe0c8'"),
    ("date", "'2024-01-02'"),
    ("time without time zone", "'03:04:05'"),
    ("timestamp without time zone", "'2024-01-02 03:04:05'"),
    ("timestamp with time zone", "'2024-01-02 03:04:05+00'"),
    ("text[]", "'{a}'"),
    ("integer[]", "'{1}'"),
    ("bigint[]", "'{1}'"),
];

/// SQLite declared types and a value an application writes into each.
const SQLITE: &[(&str, &str)] = &[
    ("INTEGER", "42"),
    ("BIGINT", "42"),
    ("BOOLEAN", "1"),
    ("TEXT", "'x'"),
    ("VARCHAR(20)", "'x'"),
    ("CLOB", "'x'"),
    ("REAL", "1.5"),
    ("DOUBLE PRECISION", "1.5"),
    ("FLOAT", "1.5"),
    ("NUMERIC", "1.5"),
    ("DECIMAL(10,2)", "12.5"),
    ("DATE", "'2024-01-02'"),
    ("DATETIME", "'2024-01-02 03:04:05'"),
    ("TIMESTAMP", "'2024-01-02T03:04:05Z'"),
    ("BLOB", "x'0102'"),
];

#[derive(Default)]
struct Disagreements(Vec<String>);

impl Disagreements {
    fn record(&mut self, dialect: Dialect, rust: &str, sql: &str, sqlx_error: Option<String>) {
        let sqlx_ok = !sqlx_error
            .as_deref()
            .is_some_and(|e| e.contains("mismatched types"));
        let verdict = check(dialect, &RustType::parse(rust), sql, false);
        if verdict == Verdict::Unknown {
            self.0.push(format!(
                "{dialect}: `{rust}` from `{sql}`: our rules have no verdict"
            ));
            return;
        }
        let ours = verdict == Verdict::Compatible;
        if ours != sqlx_ok {
            self.0.push(format!(
                "{dialect}: `{rust}` from `{sql}`: we say {}, sqlx says {} ({})",
                if ours { "compatible" } else { "incompatible" },
                if sqlx_ok {
                    "compatible"
                } else {
                    "incompatible"
                },
                sqlx_error.unwrap_or_default()
            ));
        }
    }
}

#[tokio::test]
async fn postgres_verdicts_match_sqlx() {
    let Some(db) = pg_database().await else {
        return;
    };
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let mut bad = Disagreements::default();
    let mut pairs = 0;
    for (sql, value) in PG {
        let row = sqlx::query(AssertSqlSafe(format!("SELECT CAST({value} AS {sql})")))
            .fetch_one(&pool)
            .await
            .unwrap();
        macro_rules! probe {
            ($name:literal, $t:ty) => {{
                let got = row.try_get::<$t, _>(0);
                bad.record(
                    Dialect::Postgres,
                    $name,
                    sql,
                    got.err().map(|e| e.to_string()),
                );
                pairs += 1;
            }};
        }
        rust_types!(probe);
    }
    pool.close().await;
    assert!(
        bad.0.is_empty(),
        "{} of {pairs} pairs disagree:\n{}",
        bad.0.len(),
        bad.0.join("\n")
    );
}

#[tokio::test]
async fn sqlite_verdicts_match_sqlx() {
    let db = sqlite_database();
    let options: sqlx::sqlite::SqliteConnectOptions = db
        .url
        .parse::<sqlx::sqlite::SqliteConnectOptions>()
        .unwrap()
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let mut bad = Disagreements::default();
    let mut pairs = 0;
    for (i, (sql, value)) in SQLITE.iter().enumerate() {
        sqlx::raw_sql(AssertSqlSafe(format!(
            "CREATE TABLE t{i} (c {sql}); INSERT INTO t{i} VALUES ({value})"
        )))
        .execute(&pool)
        .await
        .unwrap();
        let row = sqlx::query(AssertSqlSafe(format!("SELECT c FROM t{i}")))
            .fetch_one(&pool)
            .await
            .unwrap();
        macro_rules! probe {
            ($name:literal, $t:ty) => {{
                let got = row.try_get::<$t, _>(0);
                bad.record(
                    Dialect::Sqlite,
                    $name,
                    sql,
                    got.err().map(|e| e.to_string()),
                );
                pairs += 1;
            }};
        }
        sqlite_types!(probe);
    }
    pool.close().await;
    assert!(
        bad.0.is_empty(),
        "{} of {pairs} pairs disagree:\n{}",
        bad.0.len(),
        bad.0.join("\n")
    );
}

/// The Rust types sqlx can decode from SQLite at all (no arrays, no decimals there).
macro_rules! sqlite_types {
    ($m:ident) => {
        $m!("bool", bool);
        $m!("i16", i16);
        $m!("i32", i32);
        $m!("i64", i64);
        $m!("f32", f32);
        $m!("f64", f64);
        $m!("String", String);
        $m!("Vec<u8>", Vec<u8>);
        $m!("serde_json::Value", serde_json::Value);
        $m!("uuid::Uuid", uuid::Uuid);
        $m!("chrono::NaiveDate", chrono::NaiveDate);
        $m!("chrono::NaiveTime", chrono::NaiveTime);
        $m!("chrono::NaiveDateTime", chrono::NaiveDateTime);
        $m!(
            "chrono::DateTime<chrono::Utc>",
            chrono::DateTime<chrono::Utc>
        );
    };
}
use sqlite_types;
