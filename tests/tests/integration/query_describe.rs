//! The query inference (`migrate_core::query::describe`, over the replayed schema) against
//! the database's own description of the same queries (sqlx's `prepare`: PostgreSQL's and
//! SQLite's result columns and parameter types), on a corpus of queries over one schema.
//!
//! Compared: column count, names, types, and the type of each parameter the inference types.
//! Nullability is not part of a prepared statement's description; the unit tests of
//! migrate-core's `query` module cover it.

use migrate_core::query::{Described, describe};
use migrate_core::replay::replay_script;
use migrate_core::schema::Schema;
use migrate_core::{Dialect, Script};
use migrate_tests::{pg_database, sqlite_database};
use sqlx::{AssertSqlSafe, Column, Connection, Executor, SqlSafeStr, Statement, TypeInfo};

const PG_SCHEMA: &str = "CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name text,
    age integer,
    mood mood NOT NULL DEFAULT 'sad',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE posts (
    id serial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id),
    title varchar(200) NOT NULL,
    score numeric(10, 2),
    tags text[] NOT NULL DEFAULT '{}',
    published date
);
";

const PG_QUERIES: &[&str] = &[
    "SELECT id, email, name, age, mood, created_at FROM users",
    "SELECT * FROM posts",
    "SELECT u.id, p.title FROM users u JOIN posts p ON p.user_id = u.id WHERE u.email = $1",
    "SELECT u.email, p.* FROM users u LEFT JOIN posts p ON p.user_id = u.id",
    "SELECT id FROM users WHERE age > $1 AND name LIKE $2 LIMIT $3 OFFSET $4",
    "SELECT id FROM users WHERE mood IN ($1, $2)",
    "SELECT id FROM users WHERE id = ANY($1)",
    "SELECT count(*), sum(age), avg(age), max(email), min(created_at) FROM users",
    "SELECT sum(id) AS total, avg(score) AS mean FROM posts",
    "SELECT coalesce(name, email) AS shown, coalesce(age, $1) AS years FROM users",
    "SELECT 1, 3000000000, 1.5, 'a', true, age::bigint, 1::bigint, lower(email) FROM users",
    "SELECT age + 1 AS a, age * 2.5 AS b, id - age AS c, created_at - created_at AS d FROM users",
    "SELECT email || '!' AS e, CASE WHEN age > 1 THEN 'old' ELSE 'young' END AS f FROM users",
    "SELECT EXISTS (SELECT 1 FROM posts) AS h, age IS NULL AS i FROM users",
    "SELECT age::smallint + 1::smallint AS j, age::real + 1 AS k FROM users",
    "SELECT published - published AS days, published + 1 AS next FROM posts",
    "WITH recent AS (SELECT id, email FROM users WHERE created_at > $1) \
     SELECT r.email, (SELECT count(*) FROM posts p WHERE p.user_id = r.id) AS n FROM recent r",
    "SELECT t.x FROM (SELECT age AS x FROM users) t",
    "SELECT email AS v FROM users UNION SELECT name FROM users",
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT i FROM n",
    "SELECT $1::int4 + 1 AS n, $2::varchar(5) AS v",
    "INSERT INTO users (email, name, age) VALUES ($1, $2, $3) RETURNING id, created_at",
    "INSERT INTO posts (user_id, title) SELECT id, $1 FROM users WHERE email = $2 RETURNING id",
    "UPDATE posts SET title = $1, score = $2 WHERE id = $3 RETURNING *",
    "DELETE FROM posts WHERE user_id = $1 RETURNING id, score",
    "SELECT string_agg(email, ',') AS emails, array_agg(age) AS ages, now() AS at FROM users",
    "SELECT row_number() OVER (ORDER BY id) AS n, lag(age) OVER (ORDER BY id) AS prev FROM users",
];

const LITE_SCHEMA: &str = "CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    body TEXT NOT NULL,
    rating REAL,
    kind TEXT
);
CREATE TABLE tags (note_id INTEGER NOT NULL REFERENCES notes (id), tag TEXT NOT NULL);
";

const LITE_QUERIES: &[&str] = &[
    "SELECT id, body, rating, kind FROM notes",
    "SELECT * FROM notes",
    "SELECT n.body, t.tag FROM notes n JOIN tags t ON t.note_id = n.id WHERE t.tag = ?",
    "SELECT id FROM notes WHERE body = ?1 AND rating > ?2 LIMIT ?3",
    "SELECT n.id, t.* FROM notes n LEFT JOIN tags t ON t.note_id = n.id",
    "INSERT INTO notes (body, kind) VALUES (?, ?) RETURNING id, body",
    "UPDATE notes SET rating = ? WHERE id = ? RETURNING rating",
    "DELETE FROM tags WHERE note_id = ? RETURNING tag",
];

pub(crate) fn replayed(dialect: Dialect, sql: &str) -> Schema {
    let script = Script::parse(
        "migrations/1_init.sql".to_owned(),
        sql.to_owned(),
        dialect,
        false,
    )
    .unwrap();
    let mut schema = Schema::new(dialect);
    replay_script(&mut schema, &script).unwrap_or_else(|e| panic!("{e}"));
    schema
}

/// The schema model's type name as sqlx names the database's type (`bigint` -> `INT8`,
/// `character varying(200)` -> `VARCHAR`, `text[]` -> `TEXT[]`, an enum keeps its name).
pub(crate) fn pg_name(ours: &str) -> String {
    if let Some(element) = ours.strip_suffix("[]") {
        return format!("{}[]", pg_name(element));
    }
    let base = ours.split('(').next().unwrap_or(ours).trim();
    match base {
        "bigint" => "INT8",
        "integer" => "INT4",
        "smallint" => "INT2",
        "text" => "TEXT",
        "character varying" => "VARCHAR",
        "character" => "CHAR",
        "numeric" => "NUMERIC",
        "boolean" => "BOOL",
        "real" => "FLOAT4",
        "double precision" => "FLOAT8",
        "timestamp with time zone" => "TIMESTAMPTZ",
        "timestamp without time zone" => "TIMESTAMP",
        "date" => "DATE",
        "interval" => "INTERVAL",
        "uuid" => "UUID",
        "json" => "JSON",
        "jsonb" => "JSONB",
        "money" => "MONEY",
        "oid" => "OID",
        "time with time zone" => "TIMETZ",
        "inet" => "INET",
        "cidr" => "CIDR",
        "macaddr" => "MACADDR",
        "bit" => "BIT",
        "bit varying" => "VARBIT",
        "int4range" => "INT4RANGE",
        "int8range" => "INT8RANGE",
        "numrange" => "NUMRANGE",
        "daterange" => "DATERANGE",
        "tsrange" => "TSRANGE",
        "tstzrange" => "TSTZRANGE",
        other => return other.to_owned(),
    }
    .to_owned()
}

/// Each column of a prepared statement: its name and its type's name.
fn columns_of(statement: &impl Statement) -> Vec<(String, String)> {
    statement
        .columns()
        .iter()
        .map(|c| (c.name().to_owned(), c.type_info().name().to_owned()))
        .collect()
}

/// What the database says, in the inference's terms: each column's `name type` and each
/// parameter's type, for the lines the inference types.
struct Tally {
    compared: usize,
    unknown: usize,
    mismatches: Vec<String>,
}

impl Tally {
    fn new() -> Tally {
        Tally {
            compared: 0,
            unknown: 0,
            mismatches: Vec::new(),
        }
    }

    fn check(&mut self, query: &str, what: &str, ours: Option<String>, theirs: String) {
        match ours {
            None => self.unknown += 1,
            Some(ours) => {
                self.compared += 1;
                if ours != theirs {
                    self.mismatches.push(format!(
                        "{query}\n  {what}: ours {ours}, the database's {theirs}"
                    ));
                }
            }
        }
    }

    fn columns(
        &mut self,
        query: &str,
        ours: &Described,
        theirs: &[(String, String)],
        map: fn(&str) -> String,
    ) {
        if ours.columns.len() != theirs.len() {
            self.mismatches.push(format!(
                "{query}\n  {} columns, the database's {}",
                ours.columns.len(),
                theirs.len()
            ));
            return;
        }
        for (i, (c, (name, ty))) in ours.columns.iter().zip(theirs).enumerate() {
            self.check(
                query,
                &format!("column {i} name"),
                Some(c.name.clone()),
                name.clone(),
            );
            self.check(
                query,
                &format!("column {} type", c.name),
                c.sql_type.as_deref().map(map),
                ty.clone(),
            );
        }
    }

    #[track_caller]
    fn assert_agrees(&self, what: &str) {
        eprintln!(
            "query inference vs {what}: {} facts compared, {} agree, {} left unknown by the inference",
            self.compared,
            self.compared - self.mismatches.len(),
            self.unknown
        );
        assert!(
            self.mismatches.is_empty(),
            "{} disagreement(s):\n{}",
            self.mismatches.len(),
            self.mismatches.join("\n")
        );
    }
}

#[tokio::test]
async fn the_inference_agrees_with_postgres_on_names_and_types() {
    let Some(db) = pg_database().await else {
        return;
    };
    let schema = replayed(Dialect::Postgres, PG_SCHEMA);
    let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
    conn.execute(sqlx::raw_sql(AssertSqlSafe(PG_SCHEMA)))
        .await
        .unwrap();
    let major = migrate_tests::pg_major(&db.url).await;
    let mut tally = Tally::new();
    for query in PG_QUERIES {
        let ours = describe(&schema, query).unwrap_or_else(|e| panic!("{query}\n{e}"));
        let theirs = (&mut conn)
            .prepare(AssertSqlSafe(*query).into_sql_str())
            .await
            .unwrap_or_else(|e| panic!("{query}\n{e}"));
        let mut columns = columns_of(&theirs);
        // Before PostgreSQL 15 `true` was parsed as a cast and its column named `bool`; the
        // inference names it as 15 and later do (an unnamed column needs an alias in the
        // macros either way).
        if major < 15 {
            for (name, ty) in &mut columns {
                if name == "bool" && ty == "BOOL" {
                    *name = "?column?".to_owned();
                }
            }
        }
        tally.columns(query, &ours, &columns, pg_name);
        let params = match theirs.parameters() {
            Some(sqlx::Either::Left(types)) => types.to_vec(),
            _ => Vec::new(),
        };
        assert_eq!(ours.parameters.len(), params.len(), "{query}");
        for (p, ty) in ours.parameters.iter().zip(params) {
            let ours = p.sql_type.as_deref().map(pg_name);
            tally.check(query, &format!("${}", p.number), ours, ty.name().to_owned());
        }
    }
    conn.close().await.unwrap();
    tally.assert_agrees("PostgreSQL");
}

#[tokio::test]
async fn the_inference_agrees_with_sqlite_on_names_and_declared_types() {
    let db = sqlite_database();
    let schema = replayed(Dialect::Sqlite, LITE_SCHEMA);
    let mut conn = sqlx::SqliteConnection::connect(&format!("{}?mode=rwc", db.url))
        .await
        .unwrap();
    conn.execute(sqlx::raw_sql(AssertSqlSafe(LITE_SCHEMA)))
        .await
        .unwrap();
    let mut tally = Tally::new();
    for query in LITE_QUERIES {
        let ours = describe(&schema, query).unwrap_or_else(|e| panic!("{query}\n{e}"));
        let theirs = (&mut conn)
            .prepare(AssertSqlSafe(*query).into_sql_str())
            .await
            .unwrap_or_else(|e| panic!("{query}\n{e}"));
        tally.columns(query, &ours, &columns_of(&theirs), str::to_owned);
        if let Some(sqlx::Either::Right(count)) = theirs.parameters() {
            assert_eq!(ours.parameters.len(), count, "{query}");
        }
    }
    conn.close().await.unwrap();
    tally.assert_agrees("SQLite");
}
