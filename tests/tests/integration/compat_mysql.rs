//! The MySQL type rules of `migrate_core::compat` agree with sqlx on the real MariaDB: for every
//! (Rust type, column type) pair, the column's extreme values (`-128` and `127` for `tinyint`,
//! `18446744073709551615` for `bigint unsigned`, a value with fractional digits for `decimal`,
//! bytes that are not UTF-8 for the binary types) are written and decoded through sqlx, and
//! every decode succeeds exactly when our verdict says `Compatible`: a Rust type reads a column
//! when it reads every value of its type (sqlx's type check, then its decode).

use migrate_core::Dialect;
use migrate_core::compat::{RustType, Verdict, check};
use migrate_core::replay::types::normalize;
use migrate_tests::mysql_database;
use sqlx::{AssertSqlSafe, Connection, Executor, MySqlConnection, Row};

/// Column types (as written) and the extreme values written into them.
const COLUMNS: &[(&str, &[&str])] = &[
    ("BOOLEAN", &["127", "-128"]),
    ("TINYINT", &["127", "-128"]),
    ("TINYINT UNSIGNED", &["255"]),
    ("SMALLINT", &["32767", "-32768"]),
    ("SMALLINT UNSIGNED", &["65535", "256"]),
    ("MEDIUMINT", &["8388607", "-8388608"]),
    ("MEDIUMINT UNSIGNED", &["16777215", "256"]),
    ("INT", &["2147483647", "-2147483648"]),
    ("INT UNSIGNED", &["4294967295", "256"]),
    ("BIGINT", &["9223372036854775807", "-9223372036854775808"]),
    ("BIGINT UNSIGNED", &["18446744073709551615", "256"]),
    ("FLOAT", &["1.5"]),
    ("DOUBLE", &["1.5e300"]),
    ("DECIMAL(10,2)", &["12345678.91"]),
    ("CHAR(36)", &["'67e55044-10b1-426f-9247-bb680e5fe0c8'"]),
    ("VARCHAR(20)", &["'text'"]),
    ("TEXT", &["'text'"]),
    ("ENUM('a','b')", &["'b'"]),
    ("SET('x','y')", &["'x,y'"]),
    ("BINARY(16)", &["UNHEX('67e5504410b1426f9247bb680e5fe0c8')"]),
    ("VARBINARY(16)", &["X'FF00'"]),
    ("BLOB", &["X'FF00'"]),
    ("JSON", &["'{\"a\": 1}'"]),
    ("DATE", &["'2024-01-02'"]),
    ("TIME", &["'12:34:56'"]),
    ("DATETIME", &["'2024-01-02 03:04:05'"]),
    ("TIMESTAMP", &["'2024-01-02 03:04:05'"]),
    ("YEAR", &["2024"]),
];

/// Pairs where the rule is deliberately stricter than MariaDB's sqlx behaviour, and why.
const STRICTER: &[(&str, &str, &str)] = &[
    (
        "String",
        "json",
        "MariaDB sends its JSON as longtext, MySQL 8 as JSON, which sqlx reads into no String",
    ),
    ("Vec<u8>", "json", "as for String"),
    (
        "f32",
        "double",
        "sqlx truncates a DOUBLE to f32 (1.5e300 becomes infinity) instead of refusing it",
    ),
];

async fn decodes(
    conn: &mut MySqlConnection,
    rust: &str,
    column_type: &str,
    values: &[&str],
) -> bool {
    conn.execute(sqlx::raw_sql(AssertSqlSafe(format!(
        "DROP TABLE IF EXISTS probe; CREATE TABLE probe (v {column_type})"
    ))))
    .await
    .unwrap();
    for v in values {
        conn.execute(sqlx::raw_sql(AssertSqlSafe(format!(
            "INSERT INTO probe VALUES ({v})"
        ))))
        .await
        .unwrap_or_else(|e| panic!("{column_type} {v}: {e}"));
    }
    let rows = sqlx::query("SELECT v FROM probe")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    macro_rules! all {
        ($t:ty) => {
            rows.iter().all(|r| r.try_get::<$t, _>(0).is_ok())
        };
    }
    match rust {
        "bool" => all!(bool),
        "i8" => all!(i8),
        "i16" => all!(i16),
        "i32" => all!(i32),
        "i64" => all!(i64),
        "u8" => all!(u8),
        "u16" => all!(u16),
        "u32" => all!(u32),
        "u64" => all!(u64),
        "f32" => all!(f32),
        "f64" => all!(f64),
        "String" => all!(String),
        "Vec<u8>" => all!(Vec<u8>),
        "serde_json::Value" => all!(sqlx::types::Json<serde_json::Value>),
        "uuid::Uuid" => all!(uuid::Uuid),
        "chrono::NaiveDate" => all!(chrono::NaiveDate),
        "chrono::NaiveTime" => all!(chrono::NaiveTime),
        "chrono::NaiveDateTime" => all!(chrono::NaiveDateTime),
        "chrono::DateTime<chrono::Utc>" => all!(chrono::DateTime<chrono::Utc>),
        "time::Date" => all!(sqlx::types::time::Date),
        "time::Time" => all!(sqlx::types::time::Time),
        "time::PrimitiveDateTime" => all!(sqlx::types::time::PrimitiveDateTime),
        "time::OffsetDateTime" => all!(sqlx::types::time::OffsetDateTime),
        "rust_decimal::Decimal" => all!(rust_decimal::Decimal),
        "bigdecimal::BigDecimal" => all!(sqlx::types::BigDecimal),
        other => panic!("no probe for {other}"),
    }
}

const RUST: &[&str] = &[
    "bool",
    "i8",
    "i16",
    "i32",
    "i64",
    "u8",
    "u16",
    "u32",
    "u64",
    "f32",
    "f64",
    "String",
    "Vec<u8>",
    "serde_json::Value",
    "uuid::Uuid",
    "chrono::NaiveDate",
    "chrono::NaiveTime",
    "chrono::NaiveDateTime",
    "chrono::DateTime<chrono::Utc>",
    "time::Date",
    "time::Time",
    "time::PrimitiveDateTime",
    "time::OffsetDateTime",
    "rust_decimal::Decimal",
    "bigdecimal::BigDecimal",
];

#[tokio::test]
async fn mysql_rules_agree_with_sqlx_on_mariadb() {
    let Some(db) = mysql_database().await else {
        return;
    };
    let mut conn = MySqlConnection::connect(&db.url).await.unwrap();
    conn.execute("SET time_zone = '+00:00'").await.unwrap();
    let mut disagreements = Vec::new();
    let mut compatible = 0;
    for (column_type, values) in COLUMNS {
        let sql_type = normalize(Dialect::Mysql, column_type).sql_type;
        for rust in RUST {
            let ours = check(Dialect::Mysql, &RustType::parse(rust), &sql_type, false);
            let sqlx_reads = decodes(&mut conn, rust, column_type, values).await;
            let we_say = ours == Verdict::Compatible;
            compatible += usize::from(sqlx_reads);
            let excused = STRICTER
                .iter()
                .any(|(r, t, _)| *r == *rust && *t == sql_type && !we_say);
            if we_say != sqlx_reads && !excused {
                disagreements.push(format!(
                    "{rust} from {sql_type}: sqlx {}, the rule says {ours:?}",
                    if sqlx_reads { "reads it" } else { "does not" }
                ));
            }
        }
    }
    conn.close().await.unwrap();
    assert!(compatible > 60, "the probe really decodes: {compatible}");
    assert!(
        disagreements.is_empty(),
        "{} disagreement(s):\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
