use super::*;

#[test]
fn rust_types_from_tokens() {
    assert_eq!(
        RustType::parse("Option<chrono::NaiveDate>"),
        RustType::Option(Box::new(RustType::Date))
    );
    assert_eq!(RustType::parse("Vec<u8>"), RustType::Bytes);
    assert_eq!(
        RustType::parse("Vec<String>"),
        RustType::Array(Box::new(RustType::String))
    );
    assert_eq!(RustType::parse("sqlx::types::Json<Prefs>"), RustType::Json);
    assert_eq!(RustType::parse("serde_json::Value"), RustType::Json);
    assert_eq!(
        RustType::parse("chrono::DateTime<chrono::Utc>"),
        RustType::DateTimeTz
    );
    assert_eq!(RustType::parse("::std::string::String"), RustType::String);
    assert_eq!(
        RustType::parse("TaskStatus"),
        RustType::Other("TaskStatus".into())
    );
    assert_eq!(
        RustType::parse("Value"),
        RustType::Other("Value".into()),
        "a bare `Value` is not assumed JSON"
    );
}

#[test]
fn postgres_is_strict_both_ways() {
    let pg = |r: &str, s: &str| check(Dialect::Postgres, &RustType::parse(r), s, false);
    assert_eq!(pg("i64", "bigint"), Verdict::Compatible);
    assert!(
        matches!(pg("i32", "bigint"), Verdict::Incompatible { hint } if hint.contains("`i64`"))
    );
    assert!(
        matches!(pg("i64", "integer"), Verdict::Incompatible { hint } if hint.contains("`i32`"))
    );
    assert!(
        matches!(pg("bool", "jsonb"), Verdict::Incompatible { hint } if hint.contains("serde_json::Value"))
    );
    assert_eq!(pg("String", "character varying(320)"), Verdict::Compatible);
    assert_eq!(pg("Vec<String>", "text[]"), Verdict::Compatible);
    assert_eq!(pg("Vec<i32>", "integer[]"), Verdict::Compatible);
    assert!(matches!(
        pg("Vec<i64>", "integer[]"),
        Verdict::Incompatible { .. }
    ));
    assert_eq!(
        pg("rust_decimal::Decimal", "numeric(10,2)"),
        Verdict::Compatible
    );
    assert_eq!(pg("TaskStatus", "task_status"), Verdict::Unknown);
}

#[test]
fn sqlite_by_affinity() {
    let lite = |r: &str, s: &str| check(Dialect::Sqlite, &RustType::parse(r), s, false);
    assert_eq!(Affinity::of("VARCHAR(20)"), Affinity::Text);
    assert_eq!(
        Affinity::of("FLOATING POINT"),
        Affinity::Integer,
        "\"POINT\" contains INT: SQLite's own rule"
    );
    assert_eq!(Affinity::of("DATETIME"), Affinity::Numeric);
    assert_eq!(lite("i64", "INTEGER"), Verdict::Compatible);
    assert_eq!(lite("bool", "BOOLEAN"), Verdict::Compatible);
    assert!(
        matches!(lite("String", "INTEGER"), Verdict::Incompatible { hint } if hint.contains("INTEGER affinity"))
    );
    assert!(matches!(
        lite("f64", "INTEGER"),
        Verdict::Incompatible { .. }
    ));
    assert_eq!(
        lite("chrono::NaiveDateTime", "DATETIME"),
        Verdict::Compatible
    );
    assert_eq!(lite("String", "DATETIME"), Verdict::Compatible);
    assert_eq!(lite("uuid::Uuid", "BLOB"), Verdict::Compatible);
    assert_eq!(
        lite("i64", ""),
        Verdict::Unknown,
        "an untyped column cannot be judged"
    );
    assert_eq!(
        check(Dialect::Sqlite, &RustType::I64, "ANY", true),
        Verdict::Unknown
    );
    assert_eq!(
        check(Dialect::Sqlite, &RustType::String, "TEXT", true),
        Verdict::Compatible
    );
}

#[test]
fn every_type_of_the_rules_has_its_own_kind() {
    let all = RustType::all();
    let kinds: Vec<Kind> = all.iter().map(|r| r.kind().expect("a kind")).collect();
    for (i, k) in kinds.iter().enumerate() {
        assert!(
            !kinds[..i]
                .iter()
                .any(|j| crate::compat::kind::same_kind(*j, *k)),
            "{:?} and another type share {k:?}",
            all[i]
        );
    }
    assert_eq!(
        RustType::parse("PgRange<i64>").kind(),
        Some(Kind::Range(&Kind::I64))
    );
    assert_eq!(RustType::parse("Option<i64>").kind(), None);
}
