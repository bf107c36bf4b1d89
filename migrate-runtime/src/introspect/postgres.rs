//! PostgreSQL: pg_catalog, every user schema.

use migrate_core::Dialect;
use migrate_core::replay::{check_from_sql, exclusion_from_sql, index_from_sql};
use migrate_core::schema::{
    Column, Domain, EnumType, Exclusion, ExclusionElement, ForeignKey, Generated, Identity, Index,
    IndexKey, Label, Name, Origin, Schema, Table, Unique, View,
};
use sqlx::PgConnection;

use super::Introspect;

const USER_SCHEMAS: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'";

/// Not a member of an extension (`CREATE EXTENSION pg_stat_statements` makes views): `{0}`
/// is the catalog, `{1}` the object's oid.
fn not_extension_member(catalog: &str, oid: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM pg_depend ext WHERE ext.classid = '{catalog}'::regclass \
         AND ext.objid = {oid} AND ext.deptype = 'e')"
    )
}

impl Introspect for PgConnection {
    /// One read-only transaction: one snapshot of the catalog, and through a transaction
    /// pooler (PgBouncer) every query on the same server connection, so the unnamed
    /// statements it prepares are not lost between their parse and their execution.
    async fn introspect(&mut self, history_table: &str) -> Result<Schema, sqlx::Error> {
        use sqlx::Executor;
        self.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await?;
        let result = read(self, history_table).await;
        let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
        let ended = self.execute(end).await;
        let schema = result?;
        ended?;
        Ok(schema)
    }
}

async fn read(conn: &mut PgConnection, history_table: &str) -> Result<Schema, sqlx::Error> {
    let mut schema = Schema::new(Dialect::Postgres);
    let history = match history_table.split_once('.') {
        Some((s, t)) => (s.to_owned(), t.to_owned()),
        None => ("public".to_owned(), history_table.to_owned()),
    };

    schema.schemas = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT n.nspname::text FROM pg_namespace n WHERE {USER_SCHEMAS} AND n.nspname <> 'public' ORDER BY n.oid"
        )))
        .persistent(false)
        .fetch_all(&mut *conn)
        .await?;

    type ColumnRow = (
        String,
        String,
        String,
        String,
        bool,
        Option<String>,
        String,
        String,
        String,
        bool,
    );
    let columns: Vec<ColumnRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT n.nspname::text, c.relname::text, c.relkind::text, a.attname::text, a.attnotnull, \
                    pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text, \
                    format_type(a.atttypid, a.atttypmod), \
                    EXISTS (SELECT 1 FROM pg_depend dep JOIN pg_class seq ON seq.oid = dep.objid \
                            WHERE dep.classid = 'pg_class'::regclass AND seq.relkind = 'S' \
                              AND dep.refobjid = c.oid AND dep.refobjsubid = a.attnum AND dep.deptype = 'a') \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
             LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum \
             WHERE c.relkind IN ('r', 'p', 'v', 'm') AND {USER_SCHEMAS} AND {} \
             ORDER BY c.oid, a.attnum",
            not_extension_member("pg_class", "c.oid")
        )))
        .persistent(false)
        .fetch_all(&mut *conn)
        .await?;
    for row in columns {
        let (nsp, rel, kind, name, not_null, default, identity, generated, sql_type, owns) = row;
        // The history table and its lease table (`<history>_lock`) are ours, not the schema's.
        if nsp == history.0 && (rel == history.1 || rel.strip_suffix("_lock") == Some(&history.1)) {
            continue;
        }
        let column = Column {
            name,
            sql_type,
            not_null,
            default: if generated.is_empty() {
                default.clone()
            } else {
                None
            },
            identity: match identity.as_str() {
                "a" => Some(Identity::Always),
                "d" => Some(Identity::ByDefault),
                _ => None,
            },
            // `s` STORED, `v` VIRTUAL (PostgreSQL 18); the expression is the default's.
            generated: (!generated.is_empty()).then(|| Generated {
                expr: default.unwrap_or_default(),
                stored: generated == "s",
            }),
            owns_sequence: owns,
            origin: Origin::default(),
        };
        let table_name = Name {
            schema: Some(nsp),
            name: rel,
        };
        if kind == "v" || kind == "m" {
            match schema.views.iter_mut().find(|v| v.name == table_name) {
                Some(v) => v.columns.get_or_insert_with(Vec::new).push(column),
                None => schema.views.push(View {
                    name: table_name,
                    columns: Some(vec![column]),
                    depends_on: Vec::new(),
                    origin: Origin::default(),
                }),
            }
            continue;
        }
        match schema.tables.iter_mut().find(|t| t.name == table_name) {
            Some(t) => t.columns.push(column),
            None => schema.tables.push(Table {
                name: table_name,
                columns: vec![column],
                primary_key: Vec::new(),
                primary_key_name: None,
                uniques: Vec::new(),
                foreign_keys: Vec::new(),
                checks: Vec::new(),
                exclusions: Vec::new(),
                strict: false,
                without_rowid: false,
                origin: Origin::default(),
            }),
        }
    }

    // A table without columns (`CREATE TABLE t ()`, legal in PostgreSQL) has no row above.
    let empty: Vec<(String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT n.nspname::text, c.relname::text FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'p') AND {USER_SCHEMAS} AND {} \
               AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid \
                               AND a.attnum > 0 AND NOT a.attisdropped) \
             ORDER BY c.oid",
        not_extension_member("pg_class", "c.oid")
    )))
    .persistent(false)
    .fetch_all(&mut *conn)
    .await?;
    for (nsp, rel) in empty {
        schema.tables.push(Table {
            name: Name {
                schema: Some(nsp),
                name: rel,
            },
            columns: Vec::new(),
            primary_key: Vec::new(),
            primary_key_name: None,
            uniques: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            exclusions: Vec::new(),
            strict: false,
            without_rowid: false,
            origin: Origin::default(),
        });
    }

    constraints(conn, &mut schema).await?;

    // LEFT JOIN: an enum without labels (`AS ENUM ()`, kitsune's) exists too.
    let labels: Vec<(String, String, Option<String>)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT n.nspname::text, t.typname::text, e.enumlabel::text FROM pg_type t \
             LEFT JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace \
             WHERE t.typtype = 'e' AND {USER_SCHEMAS} AND {} ORDER BY t.oid, e.enumsortorder",
            not_extension_member("pg_type", "t.oid")
        )))
        .persistent(false)
        .fetch_all(&mut *conn)
        .await?;
    for (nsp, typ, label) in labels {
        let name = Name {
            schema: Some(nsp),
            name: typ,
        };
        let label = label.map(|name| Label {
            name,
            origin: Origin::default(),
        });
        match schema.enums.iter_mut().find(|e| e.name == name) {
            Some(e) => e.labels.extend(label),
            None => schema.enums.push(EnumType {
                name,
                labels: label.into_iter().collect(),
                origin: Origin::default(),
            }),
        }
    }

    let domains: Vec<(String, String, String, bool)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT n.nspname::text, t.typname::text, format_type(t.typbasetype, t.typtypmod), t.typnotnull \
             FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'd' AND {USER_SCHEMAS} AND {} ORDER BY t.oid",
            not_extension_member("pg_type", "t.oid")
        )))
        .persistent(false)
        .fetch_all(&mut *conn)
        .await?;
    schema.domains = domains
        .into_iter()
        .map(|(nsp, name, base_type, not_null)| Domain {
            name: Name {
                schema: Some(nsp),
                name,
            },
            base_type,
            not_null,
            origin: Origin::default(),
        })
        .collect();

    // Indexes made by CREATE INDEX (not the ones behind a key constraint), read from their
    // definition by the replay's own reading of CREATE INDEX.
    let indexes: Vec<(String, String, String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT n.nspname::text, ic.relname::text, tc.relname::text, pg_get_indexdef(i.indexrelid) \
             FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class tc ON tc.oid = i.indrelid \
             JOIN pg_namespace n ON n.oid = ic.relnamespace \
             WHERE {USER_SCHEMAS} AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x')) \
               AND {} ORDER BY ic.oid",
            not_extension_member("pg_class", "ic.oid")
        )))
        .persistent(false)
        .fetch_all(&mut *conn)
        .await?;
    schema.indexes = indexes
        .into_iter()
        .map(|(nsp, name, table, definition)| {
            let shape = index_from_sql(Dialect::Postgres, &definition);
            let mut index = shape.unwrap_or_else(|| Index {
                name: Name::new(None, ""),
                table: Name::new(None, ""),
                // What cannot be read compares as its whole definition.
                columns: vec![definition],
                keys: vec![IndexKey::default()],
                include: Vec::new(),
                unique: false,
                method: None,
                predicate: None,
                origin: Origin::default(),
            });
            index.name = Name {
                schema: Some(nsp.clone()),
                name,
            };
            index.table = Name {
                schema: Some(nsp),
                name: table,
            };
            index
        })
        .collect();

    schema.extensions = sqlx::query_scalar(
        "SELECT extname::text FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY oid",
    )
    .persistent(false)
    .fetch_all(&mut *conn)
    .await?;
    Ok(schema)
}

/// One row of `pg_constraint`: table, name, kind, columns, the referenced table and columns,
/// the referential actions and a check's expression (an exclusion's whole definition).
type ConstraintRow = (
    String,
    String,
    String,
    String,
    Vec<String>,
    Option<String>,
    Option<String>,
    Vec<String>,
    String,
    String,
    Option<String>,
);

/// Primary keys, unique constraints, foreign keys, checks and exclusion constraints.
async fn constraints(conn: &mut PgConnection, schema: &mut Schema) -> Result<(), sqlx::Error> {
    let rows: Vec<ConstraintRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT n.nspname::text, c.relname::text, con.conname::text, con.contype::text, \
                ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord) \
                      JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord), \
                fn.nspname::text, fc.relname::text, \
                ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord) \
                      JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord), \
                con.confdeltype::text, con.confupdtype::text, \
                CASE con.contype WHEN 'x' THEN pg_get_constraintdef(con.oid) \
                     ELSE pg_get_expr(con.conbin, con.conrelid) END \
         FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         LEFT JOIN pg_class fc ON fc.oid = con.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace \
         WHERE con.contype IN ('p', 'u', 'f', 'c', 'x') AND con.conparentid = 0 AND {USER_SCHEMAS} \
         ORDER BY con.oid"
    )))
    .persistent(false)
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        let (nsp, rel, name, kind, columns, f_nsp, f_rel, f_columns, on_delete, on_update, expr) =
            row;
        let table_name = Name {
            schema: Some(nsp),
            name: rel,
        };
        let Some(t) = schema.tables.iter_mut().find(|t| t.name == table_name) else {
            continue;
        };
        match kind.as_str() {
            "p" => {
                t.primary_key = columns;
                t.primary_key_name = Some(name);
            }
            "u" => t.uniques.push(Unique {
                name: Some(name),
                columns,
                origin: Origin::default(),
            }),
            "f" => t.foreign_keys.push(ForeignKey {
                name: Some(name),
                columns,
                foreign_table: Name {
                    schema: f_nsp,
                    name: f_rel.unwrap_or_default(),
                },
                referred_columns: f_columns,
                on_delete: action(&on_delete),
                on_update: action(&on_update),
                origin: Origin::default(),
            }),
            "x" => {
                let definition = expr.unwrap_or_default();
                t.exclusions
                    .push(
                        exclusion_from_sql(&name, &definition).unwrap_or_else(|| Exclusion {
                            // What cannot be read compares as its whole definition.
                            name: Some(name),
                            method: None,
                            elements: vec![ExclusionElement {
                                key: definition,
                                options: IndexKey::default(),
                                operator: String::new(),
                            }],
                            include: Vec::new(),
                            predicate: None,
                            origin: Origin::default(),
                        }),
                    )
            }
            _ => t.checks.push(check_from_sql(
                Dialect::Postgres,
                Some(name),
                expr.as_deref().unwrap_or_default(),
            )),
        }
    }
    Ok(())
}

/// `confdeltype` / `confupdtype` -> the model's referential action.
fn action(code: &str) -> Option<String> {
    match code {
        "r" => Some("RESTRICT".to_owned()),
        "c" => Some("CASCADE".to_owned()),
        "n" => Some("SET NULL".to_owned()),
        "d" => Some("SET DEFAULT".to_owned()),
        _ => None,
    }
}
