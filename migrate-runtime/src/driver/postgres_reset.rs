//! PostgreSQL `reset`: the database made equal to a fresh one (`CREATE DATABASE` from the
//! stock `template1`), so that applying the migrations gives what a new database gives.
//!
//! What it removes, in order (docs/src/reset.md lists the same):
//! 0. event triggers (first, so none fires on the drops);
//! 1. every extension except `plpgsql` (the one `initdb` puts in `template1`), with `CASCADE`;
//! 2. every schema except `pg_catalog`, `information_schema`, `pg_toast` and the temporary
//!    ones, with `CASCADE` (their tables, views, sequences, types, functions, triggers,
//!    default privileges `IN SCHEMA`, …);
//! 3. publications, casts between built-in types and large objects, which
//!    live in no schema;
//! 4. default privileges not tied to a schema (`ALTER DEFAULT PRIVILEGES FOR ROLE r …`),
//!    set back to PostgreSQL's built-in defaults so their catalog entries disappear.
//!
//! Then `public` is created as `initdb` creates it: PostgreSQL 15 and later, owned by
//! `pg_database_owner` with `USAGE` for `PUBLIC`; before 15, owned by the bootstrap
//! superuser with `CREATE` and `USAGE` for `PUBLIC`; with its stock comment.

use sqlx::{AssertSqlSafe, Executor, PgConnection, Row};

use super::quote_ident;

/// `oid`s below this are PostgreSQL's own (`FirstNormalObjectId`).
const FIRST_USER_OID: i64 = 16384;

/// The extension a fresh database has (`initdb` creates it in `template1`).
const FRESH_EXTENSION: &str = "plpgsql";

pub(super) async fn drop_everything(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    let version: i32 = text_list(conn, "SELECT current_setting('server_version_num')")
        .await?
        .first()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);

    // First, so that no trigger of the user's fires on the DROPs below.
    // (An extension's own go with it.)
    let triggers = text_list(
        conn,
        "SELECT evtname::text FROM pg_event_trigger e WHERE NOT EXISTS (SELECT 1 FROM pg_depend d \
         WHERE d.classid = 'pg_event_trigger'::regclass AND d.objid = e.oid AND d.deptype = 'e')",
    )
    .await?;
    for trigger in triggers {
        run(
            conn,
            format!("DROP EVENT TRIGGER IF EXISTS {}", quote_ident(&trigger)),
        )
        .await?;
    }

    let extensions = text_list(
        conn,
        &format!("SELECT extname::text FROM pg_extension WHERE extname <> '{FRESH_EXTENSION}'"),
    )
    .await?;
    for extension in extensions {
        // IF EXISTS: an earlier CASCADE may have dropped an extension that needed it.
        run(
            conn,
            format!(
                "DROP EXTENSION IF EXISTS {} CASCADE",
                quote_ident(&extension)
            ),
        )
        .await?;
    }

    let schemas = text_list(
        conn,
        "SELECT nspname::text FROM pg_namespace \
         WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') \
         AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%'",
    )
    .await?;
    for schema in schemas {
        run(
            conn,
            format!("DROP SCHEMA IF EXISTS {} CASCADE", quote_ident(&schema)),
        )
        .await?;
    }

    for publication in text_list(conn, "SELECT pubname::text FROM pg_publication").await? {
        run(
            conn,
            format!("DROP PUBLICATION IF EXISTS {}", quote_ident(&publication)),
        )
        .await?;
    }
    let casts = text_list(
        conn,
        &format!(
            "SELECT format('DROP CAST IF EXISTS (%s AS %s)', castsource::regtype, casttarget::regtype) \
             FROM pg_cast WHERE oid >= {FIRST_USER_OID}"
        ),
    )
    .await?;
    for cast in casts {
        run(conn, cast).await?;
    }
    run(
        conn,
        "SELECT lo_unlink(oid) FROM pg_largeobject_metadata".to_owned(),
    )
    .await?;

    reset_default_privileges(conn).await?;

    if text_list(
        conn,
        &format!("SELECT extname::text FROM pg_extension WHERE extname = '{FRESH_EXTENSION}'"),
    )
    .await?
    .is_empty()
    {
        run(conn, format!("CREATE EXTENSION {FRESH_EXTENSION}")).await?;
    }

    for statement in public_schema(conn, version).await? {
        run(conn, statement).await?;
    }
    Ok(())
}

/// The statements that create `public` as a fresh database of this server version has it.
async fn public_schema(conn: &mut PgConnection, version: i32) -> Result<Vec<String>, sqlx::Error> {
    let mut statements = Vec::new();
    if version >= 150_000 {
        statements.push("CREATE SCHEMA public AUTHORIZATION pg_database_owner".to_owned());
        statements.push("GRANT USAGE ON SCHEMA public TO PUBLIC".to_owned());
    } else {
        // Before 15 `public` belongs to the bootstrap superuser (oid 10), as in template1.
        let owner = text_list(conn, "SELECT rolname::text FROM pg_roles WHERE oid = 10")
            .await?
            .pop()
            .unwrap_or_else(|| "postgres".to_owned());
        statements.push(format!(
            "CREATE SCHEMA public AUTHORIZATION {}",
            quote_ident(&owner)
        ));
        statements.push("GRANT CREATE, USAGE ON SCHEMA public TO PUBLIC".to_owned());
    }
    statements.push("COMMENT ON SCHEMA public IS 'standard public schema'".to_owned());
    Ok(statements)
}

/// Sets every default privilege left (those `FOR ROLE` without `IN SCHEMA`) back to the
/// built-in one; PostgreSQL then deletes its `pg_default_acl` entry.
async fn reset_default_privileges(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    let rows = sqlx::raw_sql(
        "SELECT pg_get_userbyid(d.defaclrole)::text AS role, d.defaclobjtype::text AS kind, \
         coalesce((SELECT array_agg(DISTINCT CASE WHEN a.grantee = 0 THEN '' ELSE pg_get_userbyid(a.grantee)::text END) \
                   FROM aclexplode(d.defaclacl) a WHERE a.grantee <> d.defaclrole), '{}') AS grantees \
         FROM pg_default_acl d WHERE d.defaclnamespace = 0",
    )
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        let role: String = row.try_get("role")?;
        let kind: String = row.try_get("kind")?;
        let grantees: Vec<String> = row.try_get("grantees")?;
        let Some((objects, public_default)) = default_acl_kind(&kind) else {
            continue;
        };
        let role = quote_ident(&role);
        let prefix = format!("ALTER DEFAULT PRIVILEGES FOR ROLE {role}");
        for grantee in grantees {
            let grantee = if grantee.is_empty() {
                "PUBLIC".to_owned()
            } else {
                quote_ident(&grantee)
            };
            run(
                conn,
                format!("{prefix} REVOKE ALL ON {objects} FROM {grantee}"),
            )
            .await?;
        }
        run(conn, format!("{prefix} GRANT ALL ON {objects} TO {role}")).await?;
        if public_default {
            run(conn, format!("{prefix} GRANT ALL ON {objects} TO PUBLIC")).await?;
        }
    }
    Ok(())
}

/// The object kind of a `pg_default_acl.defaclobjtype`, and whether PUBLIC holds its
/// privileges by default (functions and types).
fn default_acl_kind(kind: &str) -> Option<(&'static str, bool)> {
    Some(match kind {
        "r" => ("TABLES", false),
        "S" => ("SEQUENCES", false),
        "f" => ("FUNCTIONS", true),
        "T" => ("TYPES", true),
        "n" => ("SCHEMAS", false),
        "L" => ("LARGE OBJECTS", false),
        _ => return None,
    })
}

async fn text_list(conn: &mut PgConnection, sql: &str) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| r.try_get(0)).collect()
}

async fn run(conn: &mut PgConnection, sql: String) -> Result<(), sqlx::Error> {
    Executor::execute(&mut *conn, sqlx::raw_sql(AssertSqlSafe(sql)))
        .await
        .map(drop)
}
