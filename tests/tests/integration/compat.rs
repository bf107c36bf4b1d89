//! The type rules of `migrate_core::compat` agree with sqlx itself: for every (Rust type, SQL
//! type) pair, real values of the SQL type are written to a real database and decoded through
//! sqlx, and sqlx's type check accepts them exactly when our verdict says `Compatible`. Every
//! Rust type sqlx decodes is probed against every SQL type, both ways, and a walk over the rule
//! tables (`RustType::all`, `postgres_reads`, `sqlite_reads`, `SQLITE_RULES`) proves that no
//! rule is left unprobed.
//!
//! sqlx fails a decode in two ways: its type check ("mismatched types") — the rule we model —
//! or the value itself (text `'x'` is not a UUID). Only the first counts as incompatible; a
//! value error means the type was accepted.

use std::collections::BTreeSet;

use migrate_core::Dialect;
use migrate_core::compat::{
    RustType, SQLITE_RULES, Verdict, check, postgres_reads, sqlite_reads, sqlite_rule,
};
use migrate_tests::{pg_database, sqlite_database};
use sqlx::{AssertSqlSafe, Row};

/// Calls `$m!(Type)` for every Rust type sqlx decodes from PostgreSQL.
macro_rules! postgres_types {
    ($m:ident) => {
        $m!(bool);
        $m!(i8);
        $m!(i16);
        $m!(i32);
        $m!(i64);
        $m!(f32);
        $m!(f64);
        $m!(String);
        $m!(sqlx::postgres::types::PgCiText);
        $m!(Vec<u8>);
        $m!(serde_json::Value);
        $m!(sqlx::types::Json<serde_json::Value>);
        $m!(uuid::Uuid);
        $m!(chrono::NaiveDate);
        $m!(chrono::NaiveTime);
        $m!(chrono::NaiveDateTime);
        $m!(chrono::DateTime<chrono::Utc>);
        $m!(sqlx::types::time::Date);
        $m!(sqlx::types::time::Time);
        $m!(sqlx::types::time::PrimitiveDateTime);
        $m!(sqlx::types::time::OffsetDateTime);
        $m!(rust_decimal::Decimal);
        $m!(sqlx::types::BigDecimal);
        $m!(sqlx::postgres::types::PgInterval);
        $m!(sqlx::postgres::types::PgTimeTz<chrono::NaiveTime, chrono::FixedOffset>);
        $m!(sqlx::postgres::types::PgMoney);
        $m!(sqlx::postgres::types::Oid);
        $m!(sqlx::types::ipnetwork::IpNetwork);
        $m!(sqlx::types::ipnet::IpNet);
        $m!(std::net::IpAddr);
        $m!(sqlx::types::mac_address::MacAddress);
        $m!(sqlx::types::BitVec);
        $m!(sqlx::postgres::types::PgLTree);
        $m!(sqlx::postgres::types::PgLQuery);
        $m!(sqlx::postgres::types::PgHstore);
        $m!(sqlx::postgres::types::PgCube);
        $m!(sqlx::postgres::types::PgPoint);
        $m!(sqlx::postgres::types::PgLine);
        $m!(sqlx::postgres::types::PgLSeg);
        $m!(sqlx::postgres::types::PgBox);
        $m!(sqlx::postgres::types::PgPath);
        $m!(sqlx::postgres::types::PgPolygon);
        $m!(sqlx::postgres::types::PgCircle);
        $m!(sqlx::postgres::types::PgRange<i32>);
        $m!(sqlx::postgres::types::PgRange<i64>);
        $m!(sqlx::postgres::types::PgRange<rust_decimal::Decimal>);
        $m!(sqlx::postgres::types::PgRange<chrono::NaiveDate>);
        $m!(sqlx::postgres::types::PgRange<chrono::NaiveDateTime>);
        $m!(sqlx::postgres::types::PgRange<chrono::DateTime<chrono::Utc>>);
        $m!(sqlx::postgres::types::PgRange<sqlx::types::time::Date>);
        $m!(sqlx::postgres::types::PgRange<sqlx::types::time::PrimitiveDateTime>);
        $m!(sqlx::postgres::types::PgRange<sqlx::types::time::OffsetDateTime>);
        $m!(sqlx::postgres::types::PgRange<sqlx::types::BigDecimal>);
    };
}

/// `postgres_types!`, and the arrays.
macro_rules! postgres_types_and_arrays {
    ($m:ident) => {
        postgres_types!($m);
        $m!(Vec<String>);
        $m!(Vec<i32>);
        $m!(Vec<i64>);
    };
}

/// PostgreSQL types (as `format_type()` spells them) and a real value of each.
const PG: &[(&str, &str)] = &[
    ("boolean", "true"),
    ("\"char\"", "'a'"),
    ("smallint", "1"),
    ("integer", "1"),
    ("bigint", "1"),
    ("real", "1.5"),
    ("double precision", "1.5"),
    ("numeric(10,2)", "1.5"),
    ("text", "'x'"),
    ("character varying(20)", "'x'"),
    ("character(3)", "'abc'"),
    ("bpchar", "'abc'"),
    ("name", "'x'"),
    ("citext", "'x'"),
    ("bytea", "'\\x01'"),
    ("json", "'{}'"),
    ("jsonb", "'{}'"),
    ("uuid", "'67e55044-10b1-426f-9247-bb680e5fe0c8'"),
    ("date", "'2024-01-02'"),
    ("time without time zone", "'03:04:05'"),
    ("time with time zone", "'03:04:05+02'"),
    ("timestamp without time zone", "'2024-01-02 03:04:05'"),
    ("timestamp with time zone", "'2024-01-02 03:04:05+00'"),
    ("interval", "'1 day 2 hours'"),
    ("money", "'1.50'"),
    ("oid", "1"),
    ("inet", "'10.0.0.1'"),
    ("cidr", "'10.0.0.0/8'"),
    ("macaddr", "'08:00:2b:01:02:03'"),
    ("bit(3)", "B'101'"),
    ("bit varying(8)", "B'101'"),
    ("ltree", "'a.b'"),
    ("lquery", "'a.*'"),
    ("hstore", "'a=>1'"),
    ("cube", "'(1,2)'"),
    ("point", "'(1,2)'"),
    ("line", "'{1,2,3}'"),
    ("lseg", "'[(0,0),(1,1)]'"),
    ("box", "'((0,0),(1,1))'"),
    ("path", "'[(0,0),(1,1)]'"),
    ("polygon", "'((0,0),(1,1),(1,0))'"),
    ("circle", "'<(0,0),1>'"),
    ("int4range", "'[1,3)'"),
    ("int8range", "'[1,3)'"),
    ("numrange", "'[1.5,2.5)'"),
    ("daterange", "'[2024-01-01,2024-02-01)'"),
    ("tsrange", "'[2024-01-01 00:00,2024-02-01 00:00)'"),
    ("tstzrange", "'[2024-01-01 00:00+00,2024-02-01 00:00+00)'"),
    ("text[]", "'{a}'"),
    ("integer[]", "'{1}'"),
    ("bigint[]", "'{1}'"),
];

/// Calls `$m!(Type)` for every Rust type sqlx decodes from SQLite.
macro_rules! sqlite_types {
    ($m:ident) => {
        $m!(bool);
        $m!(i8);
        $m!(i16);
        $m!(i32);
        $m!(i64);
        $m!(u8);
        $m!(u16);
        $m!(u32);
        $m!(u64);
        $m!(f32);
        $m!(f64);
        $m!(String);
        $m!(Vec<u8>);
        $m!(serde_json::Value);
        $m!(uuid::Uuid);
        $m!(chrono::NaiveDate);
        $m!(chrono::NaiveTime);
        $m!(chrono::NaiveDateTime);
        $m!(chrono::DateTime<chrono::Utc>);
        $m!(sqlx::types::time::Date);
        $m!(sqlx::types::time::Time);
        $m!(sqlx::types::time::PrimitiveDateTime);
        $m!(sqlx::types::time::OffsetDateTime);
    };
}

/// SQLite declared types, whether the table is STRICT, and the values an application writes
/// into each (more than one where SQLite stores them in different storage classes).
const SQLITE: &[(&str, bool, &[&str])] = &[
    ("INTEGER", false, &["42"]),
    ("BIGINT", false, &["42"]),
    ("BOOLEAN", false, &["1", "0"]),
    ("TEXT", false, &["'x'"]),
    ("VARCHAR(20)", false, &["'x'"]),
    ("CLOB", false, &["'x'"]),
    ("REAL", false, &["1.5", "3"]),
    ("DOUBLE PRECISION", false, &["1.5"]),
    ("FLOAT", false, &["1.5"]),
    ("BLOB", false, &["x'0102'"]),
    ("NUMERIC", false, &["1.5", "3"]),
    ("DECIMAL(10,2)", false, &["12.5", "12.0"]),
    ("DATE", false, &["'2024-01-02'"]),
    ("DATETIME", false, &["'2024-01-02 03:04:05'"]),
    ("TIMESTAMP", false, &["'2024-01-02T03:04:05Z'"]),
    ("INTEGER", true, &["42"]),
    ("INT", true, &["42"]),
    ("REAL", true, &["1.5", "3"]),
    ("TEXT", true, &["'x'"]),
    ("BLOB", true, &["x'0102'"]),
];

/// What the probes found: disagreements, and every (Rust type, SQL type) pair sqlx accepted.
#[derive(Default)]
struct Probes {
    disagreements: Vec<String>,
    accepted: BTreeSet<(String, String)>,
    rust_types: BTreeSet<String>,
    pairs: usize,
}

impl Probes {
    fn record(&mut self, dialect: Dialect, rust: &str, sql: &str, strict: bool, errors: &[String]) {
        self.pairs += 1;
        let rust_type = RustType::parse(rust);
        self.rust_types.insert(format!("{rust_type:?}"));
        let mismatch = errors.iter().find(|e| e.contains("mismatched types"));
        let sqlx_ok = mismatch.is_none();
        if sqlx_ok {
            self.accepted
                .insert((format!("{rust_type:?}"), base_type(sql)));
        }
        let verdict = check(dialect, &rust_type, sql, strict);
        let strict = if strict { " (STRICT)" } else { "" };
        if verdict == Verdict::Unknown {
            self.disagreements.push(format!(
                "{dialect}: `{rust}` from `{sql}`{strict}: our rules have no verdict"
            ));
            return;
        }
        let ours = verdict == Verdict::Compatible;
        if ours != sqlx_ok {
            self.disagreements.push(format!(
                "{dialect}: `{rust}` from `{sql}`{strict}: we say {}, sqlx says {} ({})",
                if ours { "compatible" } else { "incompatible" },
                if sqlx_ok {
                    "compatible"
                } else {
                    "incompatible"
                },
                mismatch.cloned().unwrap_or_default()
            ));
        }
    }

    fn assert_agree(&self) {
        assert!(
            self.disagreements.is_empty(),
            "{} of {} pairs disagree:\n{}",
            self.disagreements.len(),
            self.pairs,
            self.disagreements.join("\n")
        );
    }
}

/// `bit varying(8)` -> `bit varying`, as the rules name types.
fn base_type(sql: &str) -> String {
    let lower = sql.to_ascii_lowercase();
    match (lower.find('('), lower.rfind(')')) {
        (Some(open), Some(close)) if close > open => {
            format!("{}{}", lower[..open].trim_end(), &lower[close + 1..])
        }
        _ => lower,
    }
}

/// The extension types with binary input and output (which sqlx uses) from PostgreSQL 13 on:
/// on 12 no Rust type reads them, and they are not probed.
fn binary_from_13(sql: &str) -> bool {
    ["ltree", "lquery", "cube"]
        .iter()
        .any(|t| sql.starts_with(t))
}

#[tokio::test]
async fn postgres_verdicts_match_sqlx_for_every_type_and_rule() {
    let Some(db) = pg_database().await else {
        return;
    };
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    sqlx::raw_sql(
        "CREATE EXTENSION IF NOT EXISTS ltree; CREATE EXTENSION IF NOT EXISTS hstore; \
         CREATE EXTENSION IF NOT EXISTS citext; CREATE EXTENSION IF NOT EXISTS cube",
    )
    .execute(&pool)
    .await
    .unwrap();
    let major = migrate_tests::pg_major(&db.url).await;
    let mut probes = Probes::default();
    for (sql, value) in PG {
        if major < 13 && binary_from_13(sql) {
            continue;
        }
        let row = sqlx::query(AssertSqlSafe(format!("SELECT CAST({value} AS {sql})")))
            .fetch_one(&pool)
            .await
            .unwrap();
        macro_rules! probe {
            ($t:ty) => {{
                let got = row.try_get::<$t, _>(0);
                let errors: Vec<String> = got.err().map(|e| e.to_string()).into_iter().collect();
                probes.record(Dialect::Postgres, stringify!($t), sql, false, &errors);
            }};
        }
        postgres_types_and_arrays!(probe);
    }
    pool.close().await;
    probes.assert_agree();

    // Every rule is probed: each Rust type the rules know, and each SQL type it reads.
    let mut unprobed = Vec::new();
    for rust in RustType::all() {
        for sql in postgres_reads(&rust) {
            let skipped = major < 13 && binary_from_13(sql);
            if !skipped
                && !probes
                    .accepted
                    .contains(&(format!("{rust:?}"), sql.to_string()))
            {
                unprobed.push(format!("{rust:?} reads `{sql}`"));
            }
        }
    }
    assert!(
        unprobed.is_empty(),
        "rules never probed on PostgreSQL: {unprobed:?}"
    );
}

#[tokio::test]
async fn sqlite_verdicts_match_sqlx_for_every_type_and_rule() {
    let db = sqlite_database();
    let options: sqlx::sqlite::SqliteConnectOptions = db
        .url
        .parse::<sqlx::sqlite::SqliteConnectOptions>()
        .unwrap()
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let mut probes = Probes::default();
    let mut rules = BTreeSet::new();
    for (i, (sql, strict, values)) in SQLITE.iter().enumerate() {
        if let Some(rule) = sqlite_rule(sql, *strict) {
            rules.insert(rule.name);
        }
        let strict_sql = if *strict { " STRICT" } else { "" };
        let inserts: Vec<String> = values
            .iter()
            .map(|v| format!("INSERT INTO t{i} VALUES ({v});"))
            .collect();
        sqlx::raw_sql(AssertSqlSafe(format!(
            "CREATE TABLE t{i} (c {sql}){strict_sql}; {}",
            inserts.join(" ")
        )))
        .execute(&pool)
        .await
        .unwrap();
        let rows = sqlx::query(AssertSqlSafe(format!("SELECT c FROM t{i}")))
            .fetch_all(&pool)
            .await
            .unwrap();
        macro_rules! probe {
            ($t:ty) => {{
                let errors: Vec<String> = rows
                    .iter()
                    .filter_map(|row| row.try_get::<$t, _>(0).err().map(|e| e.to_string()))
                    .collect();
                probes.record(Dialect::Sqlite, stringify!($t), sql, *strict, &errors);
            }};
        }
        sqlite_types!(probe);
    }
    pool.close().await;
    probes.assert_agree();

    // Every storage rule is probed, and every Rust type with a SQLite rule.
    let unprobed_rules: Vec<&str> = SQLITE_RULES
        .iter()
        .map(|r| r.name)
        .filter(|name| !rules.contains(name))
        .collect();
    assert!(
        unprobed_rules.is_empty(),
        "SQLite storage rules never probed: {unprobed_rules:?}"
    );
    let unprobed_types: Vec<String> = RustType::all()
        .into_iter()
        .filter(|r| !sqlite_reads(r).is_empty())
        .map(|r| format!("{r:?}"))
        .filter(|r| !probes.rust_types.contains(r))
        .collect();
    assert!(
        unprobed_types.is_empty(),
        "Rust types never probed on SQLite: {unprobed_types:?}"
    );
}

/// sqlx 0.9 on SQLite decodes a NULL into `String`, `Vec<u8>`, `bool`, integers and floats as
/// `""`, empty, `false`, `0` and `0.0`, with no error, and fails for other types: what the
/// derives' nullability message says (`sql_types::null_reads_silently`).
#[tokio::test]
async fn sqlite_null_decodes_silently_as_empty_and_zero() {
    let db = sqlite_database();
    let options: sqlx::sqlite::SqliteConnectOptions = db
        .url
        .parse::<sqlx::sqlite::SqliteConnectOptions>()
        .unwrap()
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    sqlx::raw_sql(
        "CREATE TABLE t (s TEXT, n INTEGER, b BLOB, f REAL, ok BOOLEAN, d DATE);
         INSERT INTO t VALUES (NULL, NULL, NULL, NULL, NULL, NULL)",
    )
    .execute(&pool)
    .await
    .unwrap();
    let row = sqlx::query("SELECT s, n, b, f, ok, d FROM t")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(row.try_get::<String, _>("s").unwrap(), "");
    assert_eq!(row.try_get::<i64, _>("n").unwrap(), 0);
    assert_eq!(row.try_get::<u8, _>("n").unwrap(), 0);
    assert_eq!(row.try_get::<Vec<u8>, _>("b").unwrap(), Vec::<u8>::new());
    assert_eq!(row.try_get::<f64, _>("f").unwrap(), 0.0);
    assert!(!row.try_get::<bool, _>("ok").unwrap());
    assert!(
        row.try_get::<chrono::NaiveDate, _>("d").is_err(),
        "a date fails to decode from NULL"
    );
    pool.close().await;
}

/// The trait route agrees with the token route: for every type sqlx decodes, the
/// `ColumnType::KIND` migrate-runtime gives it is the kind the rules (proven above) name it by.
#[test]
fn column_type_kinds_match_the_rules_for_every_type() {
    use migrate_runtime::ColumnType;
    let mut wrong = Vec::new();
    let mut seen = BTreeSet::new();
    macro_rules! kind {
        ($t:ty) => {{
            let rule = format!("{:?}", RustType::parse(stringify!($t)));
            let rule = rule
                .strip_prefix("Pg(")
                .and_then(|r| r.strip_suffix(')'))
                .unwrap_or(&rule)
                .to_owned();
            let kind = format!("{:?}", <$t as ColumnType>::KIND);
            if kind != rule {
                wrong.push(format!("{}: KIND {kind}, rules {rule}", stringify!($t)));
            }
            seen.insert(rule);
        }};
    }
    postgres_types!(kind);
    sqlite_types!(kind);
    assert!(wrong.is_empty(), "{wrong:#?}");
    let unseen: Vec<String> = RustType::all()
        .iter()
        .map(|r| format!("{r:?}"))
        .map(|r| {
            r.strip_prefix("Pg(")
                .and_then(|r| r.strip_suffix(')'))
                .unwrap_or(&r)
                .to_owned()
        })
        .filter(|r| !seen.contains(r))
        .collect();
    assert!(
        unseen.is_empty(),
        "kinds with no ColumnType checked: {unseen:?}"
    );
}
