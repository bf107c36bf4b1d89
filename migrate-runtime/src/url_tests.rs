use super::*;

#[test]
fn passwords_are_redacted() {
    assert_eq!(
        redact_url("postgres://app:s3cret@db:5432/prod"),
        "postgres://app:***@db:5432/prod"
    );
    assert_eq!(
        redact_url("postgres://app@db/prod"),
        "postgres://app@db/prod"
    );
    assert_eq!(
        redact_url("postgres://db/prod?user=a&password=s3cret"),
        "postgres://db/prod?user=a&password=***"
    );
    assert_eq!(
        redact_url("postgres://db/prod?password=s3cret&sslmode=require"),
        "postgres://db/prod?password=***&sslmode=require"
    );
    assert_eq!(redact_url("sqlite:app.db"), "sqlite:app.db");
    assert_eq!(redact_url("sqlite:/tmp/a:b@c.db"), "sqlite:/tmp/a:b@c.db");
    assert_eq!(
        redact_url("postgres://u:p%40ss@h/d"),
        "postgres://u:***@h/d"
    );
    assert_eq!(redact_url("postgres://u:a@b@h/d"), "postgres://u:***@h/d");
    assert_eq!(redact_url("postgres://u:a/b@h/d"), "postgres://u:***@h/d");
    assert_eq!(
        redact_url("postgres://u:pw@[::1]:5432/d"),
        "postgres://u:***@[::1]:5432/d"
    );
}

#[test]
fn a_url_without_slashes_is_redacted() {
    assert_eq!(
        redact_url("postgres:app:S3cret@host/db"),
        "postgres:app:***@host/db"
    );
}

#[test]
fn key_value_strings_lose_their_passwords() {
    assert_eq!(
        redact_url("host=127.0.0.1 user=app password=S3cret dbname=app"),
        "host=127.0.0.1 user=app password=*** dbname=app"
    );
    assert_eq!(
        redact_url("host=h password = 'a b\\' c' dbname=x"),
        "host=h password = *** dbname=x"
    );
    assert_eq!(
        secrets_of("host=h password='a b\\' c'"),
        vec!["'a b\\' c'".to_owned(), "a b' c".to_owned()]
    );
}

#[test]
fn url_kinds_and_what_is_wrong_with_the_others() {
    assert_eq!(dialect_of("postgres://h/d"), Ok(Dialect::Postgres));
    assert_eq!(dialect_of("postgresql://h/d"), Ok(Dialect::Postgres));
    assert_eq!(dialect_of("sqlite:app.db"), Ok(Dialect::Sqlite));
    assert_eq!(dialect_of(""), Err(UrlError::Empty));
    assert_eq!(dialect_of("  "), Err(UrlError::Empty));
    assert_eq!(
        dialect_of("host=h user=app password=S3cret"),
        Err(UrlError::KeyValue)
    );
    assert!(matches!(
        dialect_of("postgress://h/d"),
        Err(UrlError::UnknownScheme { .. })
    ));
    assert!(matches!(
        dialect_of("foo.db"),
        Err(UrlError::NoScheme { .. })
    ));
    assert!(matches!(
        dialect_of("/tmp/app.db"),
        Err(UrlError::NoScheme { .. })
    ));
    let e = dialect_of("postgres:app:S3cret@host/db").unwrap_err();
    assert!(matches!(e, UrlError::NoSlashes { .. }));
    assert!(!e.to_string().contains("S3cret"), "{e}");
    let e = dialect_of("host=h password=S3cret").unwrap_err();
    assert!(!e.to_string().contains("S3cret"), "{e}");
}

#[test]
fn sqlite_urls_that_keep_nothing() {
    for url in [
        "sqlite:",
        "sqlite://",
        "sqlite::memory:",
        "sqlite://:memory:",
        "sqlite:x.db?mode=memory",
    ] {
        assert!(is_ephemeral_sqlite(url), "{url}");
    }
    for url in [
        "sqlite:app.db",
        "sqlite://./app.db",
        "sqlite:/tmp/a.db?mode=rwc",
        "postgres://h/d",
    ] {
        assert!(!is_ephemeral_sqlite(url), "{url}");
    }
}

#[test]
fn database_name_is_replaced() {
    assert_eq!(
        with_database("postgres://u:p@h:5432/test", "x"),
        "postgres://u:p@h:5432/x"
    );
    assert_eq!(
        with_database("postgres://h/test?sslmode=disable", "x"),
        "postgres://h/x?sslmode=disable"
    );
    assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
}

#[test]
fn passwords_split_off() {
    assert_eq!(
        split_password("postgres://u:p%40ss@h:5/d?sslmode=require"),
        (
            "postgres://u@h:5/d?sslmode=require".to_owned(),
            Some("p@ss".to_owned())
        )
    );
    assert_eq!(
        split_password("postgres://u@h/d"),
        ("postgres://u@h/d".to_owned(), None)
    );
    assert_eq!(
        split_password("postgres://u@h/d?password=S%26t&sslmode=require"),
        (
            "postgres://u@h/d?sslmode=require".to_owned(),
            Some("S&t".to_owned())
        )
    );
    assert_eq!(
        split_password("postgres://u@h/d?sslmode=require&password=x"),
        (
            "postgres://u@h/d?sslmode=require".to_owned(),
            Some("x".to_owned())
        )
    );
    assert_eq!(
        split_password("postgres://u@h/d?password=x"),
        ("postgres://u@h/d".to_owned(), Some("x".to_owned()))
    );
}

#[test]
fn secrets_are_scrubbed_from_text() {
    let url = "postgres://u:p%40ss@h/d";
    let text = format!("failed for {url}: password p@ss rejected");
    let clean = scrub(&text, url);
    assert!(
        !clean.contains("p@ss") && !clean.contains("p%40ss"),
        "{clean}"
    );
    assert!(clean.contains("postgres://u:***@h/d"));
}

#[test]
fn a_short_password_is_scrubbed_as_a_token_not_inside_words() {
    let url = "postgres://u:e@h/d";
    let text = "error returned: password \"e\" rejected for e";
    assert_eq!(
        scrub(text, url),
        "error returned: password \"***\" rejected for ***"
    );
}

#[test]
fn sqlite_paths_resolve_against_a_folder() {
    let base = std::path::Path::new("/work/app");
    assert_eq!(
        sqlite_relative_to("sqlite:dev.db", base),
        "sqlite:/work/app/dev.db"
    );
    assert_eq!(
        sqlite_relative_to("sqlite://./data/dev.db?mode=rwc", base),
        "sqlite:/work/app/data/dev.db?mode=rwc"
    );
    assert_eq!(sqlite_relative_to("sqlite:/abs.db", base), "sqlite:/abs.db");
    assert_eq!(
        sqlite_relative_to("sqlite::memory:", base),
        "sqlite::memory:"
    );
    assert_eq!(sqlite_relative_to("postgres://h/d", base), "postgres://h/d");
}

#[test]
fn mysql_and_mariadb_urls() {
    assert_eq!(dialect_of("mysql://app@db/prod"), Ok(Dialect::Mysql));
    assert_eq!(dialect_of("mariadb://app@db/prod"), Ok(Dialect::Mysql));
    assert!(matches!(
        dialect_of("mariadb:app@db/prod"),
        Err(UrlError::NoSlashes { .. })
    ));
    assert_eq!(
        redact_url("mariadb://app:s3cret@db:3306/prod?ssl-mode=REQUIRED"),
        "mariadb://app:***@db:3306/prod?ssl-mode=REQUIRED"
    );
    assert_eq!(
        redact_url("mysql://db/prod?user=app&password=s3cret&ssl-mode=VERIFY_CA"),
        "mysql://db/prod?user=app&password=***&ssl-mode=VERIFY_CA"
    );
    let (bare, password) = split_password("mysql://app:p%40ss@db/prod?ssl-mode=REQUIRED");
    assert_eq!(bare, "mysql://app@db/prod?ssl-mode=REQUIRED");
    assert_eq!(password.as_deref(), Some("p@ss"));
}
