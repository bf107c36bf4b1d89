//! `reset --force` on PostgreSQL: afterwards the database equals a fresh one (CREATE
//! DATABASE) plus the migrations, compared catalog by catalog.

use crate::support::Project;
use migrate_tests::pg_database;
use snapbox::str;
use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection, Row};

const MIGRATION: &str = "CREATE TYPE mood AS ENUM ('ok', 'sad');\n\
CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL, mood mood);\n\
CREATE FUNCTION one() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;\n";

/// What a fresh database does not have: schemas, extensions, changed owner and grants of
/// `public`, default privileges, and objects that live in no schema.
const MESS: &str = "CREATE SCHEMA extra;\n\
CREATE TABLE extra.t (x int);\n\
CREATE TYPE extra.color AS ENUM ('red');\n\
CREATE FUNCTION extra.f() RETURNS int LANGUAGE sql AS 'SELECT 1';\n\
ALTER DEFAULT PRIVILEGES IN SCHEMA extra REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;\n\
ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC;\n\
ALTER DEFAULT PRIVILEGES REVOKE USAGE ON TYPES FROM PUBLIC;\n\
REVOKE ALL ON SCHEMA public FROM PUBLIC;\n\
GRANT CREATE ON SCHEMA public TO PUBLIC;\n\
ALTER SCHEMA public OWNER TO postgres;\n\
COMMENT ON SCHEMA public IS 'mine';\n\
CREATE TABLE public.leftover (y int);\n\
CREATE CAST (money AS text) WITH INOUT;\n\
SELECT lo_create(0);\n\
CREATE PUBLICATION everything FOR ALL TABLES;\n";

/// An event trigger that refuses every DDL statement: reset must remove it before dropping.
const NO_DDL: &str = "CREATE FUNCTION public.no_ddl() RETURNS event_trigger LANGUAGE plpgsql \
AS $$ BEGIN RAISE EXCEPTION 'no DDL here'; END $$;\n\
CREATE EVENT TRIGGER no_ddl ON ddl_command_start EXECUTE FUNCTION public.no_ddl();\n";

/// The catalog rows a fresh database plus the migrations fixes, as sorted text lines.
const CATALOG: &[(&str, &str)] = &[
    (
        "schema",
        "SELECT nspname || ' owner=' || nspowner::regrole || ' acl=' || coalesce(nspacl::text, '-') \
         || ' comment=' || coalesce(obj_description(oid, 'pg_namespace'), '-') FROM pg_namespace \
         WHERE nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%'",
    ),
    (
        "extension",
        "SELECT extname || ' ' || extversion || ' in ' || extnamespace::regnamespace FROM pg_extension",
    ),
    (
        "relation",
        "SELECT c.oid::regclass::text || ' ' || c.relkind::text || ' acl=' || coalesce(c.relacl::text, '-') \
         FROM pg_class c WHERE c.oid >= 16384 AND c.relnamespace <> 'pg_toast'::regnamespace",
    ),
    // TOAST tables' row types (PostgreSQL 12 and 13 make them) are named by OID: left out.
    (
        "type",
        "SELECT t.oid::regtype || ' acl=' || coalesce(t.typacl::text, '-') FROM pg_type t WHERE t.oid >= 16384 \
         AND t.typnamespace <> 'pg_toast'::regnamespace",
    ),
    (
        "function",
        "SELECT p.oid::regprocedure || ' acl=' || coalesce(p.proacl::text, '-') FROM pg_proc p WHERE p.oid >= 16384",
    ),
    (
        "default acl",
        "SELECT defaclrole::regrole || ' ' || defaclnamespace || ' ' || defaclobjtype::text || ' ' \
         || defaclacl::text FROM pg_default_acl",
    ),
    (
        "cast",
        "SELECT castsource::regtype || ' -> ' || casttarget::regtype FROM pg_cast WHERE oid >= 16384",
    ),
    (
        "language",
        "SELECT lanname || ' acl=' || coalesce(lanacl::text, '-') FROM pg_language",
    ),
    (
        "event trigger",
        "SELECT evtname::text FROM pg_event_trigger",
    ),
    ("publication", "SELECT pubname::text FROM pg_publication"),
    (
        "large object",
        "SELECT count(*)::text FROM pg_largeobject_metadata",
    ),
];

async fn catalog(url: &str) -> Vec<String> {
    let mut conn = PgConnection::connect(url).await.unwrap();
    let mut lines = Vec::new();
    for (what, sql) in CATALOG {
        let rows = sqlx::raw_sql(AssertSqlSafe(*sql))
            .fetch_all(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let mut these: Vec<String> = rows
            .iter()
            .map(|r| format!("{what}: {}", r.get::<String, _>(0)))
            .collect();
        these.sort();
        lines.extend(these);
    }
    conn.close().await.unwrap();
    lines
}

/// The extensions of `wanted` this server can install.
async fn available(url: &str, wanted: &[&str]) -> Vec<String> {
    let mut conn = PgConnection::connect(url).await.unwrap();
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name::text FROM pg_available_extensions WHERE name = ANY($1) ORDER BY name",
    )
    .bind(wanted)
    .fetch_all(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    names
}

#[test]
fn reset_force_leaves_a_postgres_database_equal_to_a_fresh_one_plus_the_migrations() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(used) = rt.block_on(pg_database()) else {
        return;
    };
    let Some(fresh) = rt.block_on(pg_database()) else {
        return;
    };
    let p = Project::new("dialect = \"postgres\"");
    p.write("migrations/1_users.sql", MIGRATION);
    p.run(&["deploy", "--database-url", &used.url]).expect(0);

    let mut mess = MESS.to_owned();
    let extensions = rt.block_on(available(&used.url, &["citext", "hstore", "pg_trgm"]));
    for (i, name) in extensions.iter().enumerate() {
        // In `public`, in `pg_catalog` (no DROP SCHEMA reaches it), in a schema of its own.
        let sql = match i {
            0 => format!("CREATE EXTENSION {name};\n"),
            1 => format!("CREATE EXTENSION {name} SCHEMA pg_catalog;\n"),
            _ => format!("CREATE SCHEMA ext_{name};\nCREATE EXTENSION {name} SCHEMA ext_{name};\n"),
        };
        mess.push_str(&sql);
    }
    rt.block_on(async {
        let mut conn = PgConnection::connect(&used.url).await.unwrap();
        conn.execute(sqlx::raw_sql(AssertSqlSafe(mess + NO_DDL)))
            .await
            .expect("make the database differ from a fresh one");
        conn.close().await.unwrap();
    });
    assert_ne!(
        rt.block_on(catalog(&used.url)),
        rt.block_on(catalog(&fresh.url))
    );

    let out = p
        .run(&["reset", "--force", "--database-url", &used.url])
        .expect(0);
    out.stderr_eq_with(
        &p,
        &[("[URL]", &used.url)],
        str![[r#"
     Dropped every object in [URL]
    Applying 1 users (migrations/1_users.sql)
     Applied 1 users in [ELAPSED]
    Finished reset, 1 migration(s) applied

"#]],
    );
    p.run(&["deploy", "--database-url", &fresh.url]).expect(0);
    let after_reset = rt.block_on(catalog(&used.url));
    let fresh_plus_migrations = rt.block_on(catalog(&fresh.url));
    assert_eq!(
        after_reset.join("\n"),
        fresh_plus_migrations.join("\n"),
        "reset + deploy differs from a fresh database + deploy"
    );
    assert!(
        after_reset
            .iter()
            .any(|l| l.starts_with("relation: users ")),
        "{after_reset:#?}"
    );
}
