//! SQLite: sqlite_schema and the table-valued pragmas.

use migrate_core::replay::{index_from_sql, replay_script};
use migrate_core::schema::{
    Check, Column, ForeignKey, Generated, Index, IndexKey, Name, Origin, Schema, Table, Unique,
    View, referential_action,
};
use migrate_core::{Dialect, Script};
use sqlx::{AssertSqlSafe, SqliteConnection};

use super::Introspect;

impl Introspect for SqliteConnection {
    async fn introspect(&mut self, history_table: &str) -> Result<Schema, sqlx::Error> {
        let mut schema = Schema::new(Dialect::Sqlite);
        let objects: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT type, name, tbl_name, sql FROM sqlite_schema \
             WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND type IN ('table', 'view', 'index') ORDER BY rowid",
        )
        .fetch_all(&mut *self)
        .await?;
        let flags: Vec<(String, String, bool, bool)> = sqlx::query_as(
            "SELECT name, type, strict, wr FROM pragma_table_list WHERE schema = 'main'",
        )
        .fetch_all(&mut *self)
        .await?;
        for (kind, name, table_name, sql) in objects {
            if name.eq_ignore_ascii_case(history_table) {
                continue;
            }
            // Virtual tables (FTS, R*Tree) and their shadow tables are not modelled.
            let table_type = flags.iter().find(|f| f.0 == name).map(|f| f.1.as_str());
            if matches!(table_type, Some("virtual" | "shadow")) {
                continue;
            }
            match kind.as_str() {
                "table" => {
                    let (strict, without_rowid) = flags
                        .iter()
                        .find(|(n, _, _, _)| *n == name)
                        .map_or((false, false), |(_, _, s, w)| (*s, *w));
                    let (mut columns, primary_key) = self.columns(&name).await?;
                    let defined = sql.as_deref().and_then(definition);
                    // The expression of a generated column is only in the table's SQL.
                    for c in columns.iter_mut() {
                        let written = defined
                            .as_ref()
                            .and_then(|t| t.column(Dialect::Sqlite, &c.name))
                            .and_then(|w| w.generated.as_ref());
                        if let (Some(g), Some(w)) = (c.generated.as_mut(), written) {
                            g.expr = w.expr.clone();
                        }
                    }
                    let uniques = self.uniques(&name).await?;
                    let foreign_keys = self.foreign_keys(&name).await?;
                    schema.tables.push(Table {
                        name: Name::new(None, &name),
                        columns,
                        primary_key,
                        primary_key_name: None,
                        uniques,
                        foreign_keys,
                        checks: defined.map(checks).unwrap_or_default(),
                        exclusions: Vec::new(),
                        strict,
                        without_rowid,
                        origin: Origin::default(),
                    });
                }
                "view" => {
                    // A view over a table that is gone cannot be read: its columns are
                    // unknown, and it is still there.
                    let columns = self.columns(&name).await.ok().map(|(c, _)| c);
                    schema.views.push(View {
                        name: Name::new(None, &name),
                        columns,
                        depends_on: Vec::new(),
                        origin: Origin::default(),
                    });
                }
                // Only indexes made by CREATE INDEX have SQL; the others back keys.
                "index" => {
                    let Some(sql) = sql else { continue };
                    // Read by the replay's own reading of CREATE INDEX: keys, order,
                    // collations, expressions and the WHERE of a partial index.
                    let mut index = match index_from_sql(Dialect::Sqlite, &sql) {
                        Some(index) => index,
                        None => Index {
                            name: Name::new(None, ""),
                            table: Name::new(None, ""),
                            columns: vec![sql],
                            keys: vec![IndexKey::default()],
                            include: Vec::new(),
                            unique: false,
                            method: None,
                            predicate: None,
                            origin: Origin::default(),
                        },
                    };
                    index.name = Name::new(None, &name);
                    index.table = Name::new(None, &table_name);
                    schema.indexes.push(index);
                }
                _ => {}
            }
        }
        Ok(schema)
    }
}

trait Pragmas {
    async fn columns(&mut self, table: &str) -> Result<(Vec<Column>, Vec<String>), sqlx::Error>;
    async fn uniques(&mut self, table: &str) -> Result<Vec<Unique>, sqlx::Error>;
    async fn foreign_keys(&mut self, table: &str) -> Result<Vec<ForeignKey>, sqlx::Error>;
}

impl Pragmas for SqliteConnection {
    /// Columns in order, and the primary key in key order.
    async fn columns(&mut self, table: &str) -> Result<(Vec<Column>, Vec<String>), sqlx::Error> {
        let rows: Vec<(String, String, bool, Option<String>, i64, i64)> =
            sqlx::query_as("SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?1, 'main') ORDER BY cid")
                .bind(table)
                .fetch_all(&mut *self)
                .await?;
        let mut key: Vec<(i64, String)> = Vec::new();
        let columns = rows
            .into_iter()
            .map(|(name, sql_type, not_null, default, pk, hidden)| {
                if pk > 0 {
                    key.push((pk, name.clone()));
                }
                Column {
                    name,
                    sql_type: sql_type.to_ascii_uppercase(),
                    not_null,
                    default,
                    identity: None,
                    // 2: VIRTUAL, 3: STORED; the expression comes from the table's SQL.
                    generated: (hidden == 2 || hidden == 3).then(|| Generated {
                        expr: String::new(),
                        stored: hidden == 3,
                    }),
                    owns_sequence: false,
                    origin: Origin::default(),
                }
            })
            .collect();
        key.sort();
        Ok((columns, key.into_iter().map(|(_, n)| n).collect()))
    }

    async fn uniques(&mut self, table: &str) -> Result<Vec<Unique>, sqlx::Error> {
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM pragma_index_list(?1, 'main') WHERE origin = 'u' ORDER BY seq DESC",
        )
        .bind(table)
        .fetch_all(&mut *self)
        .await?;
        let mut out = Vec::new();
        for index in names {
            let sql = format!(
                "SELECT name FROM pragma_index_info('{}', 'main') ORDER BY seqno",
                index.replace('\'', "''")
            );
            out.push(Unique {
                name: None,
                columns: sqlx::query_scalar(AssertSqlSafe(sql))
                    .fetch_all(&mut *self)
                    .await?,
                origin: Origin::default(),
            });
        }
        Ok(out)
    }

    /// In declaration order; `to` is NULL when the clause names no column (the referenced
    /// table's primary key).
    async fn foreign_keys(&mut self, table: &str) -> Result<Vec<ForeignKey>, sqlx::Error> {
        type Row = (i64, String, String, Option<String>, String, String);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete \
             FROM pragma_foreign_key_list(?1, 'main') ORDER BY id DESC, seq",
        )
        .bind(table)
        .fetch_all(&mut *self)
        .await?;
        let mut out: Vec<(i64, ForeignKey)> = Vec::new();
        for (id, target, from, to, on_update, on_delete) in rows {
            if out.last().is_none_or(|(last, _)| *last != id) {
                out.push((
                    id,
                    ForeignKey {
                        name: None,
                        columns: Vec::new(),
                        foreign_table: Name::new(None, &target),
                        referred_columns: Vec::new(),
                        on_delete: referential_action(&on_delete),
                        on_update: referential_action(&on_update),
                        origin: Origin::default(),
                    },
                ));
            }
            let Some((_, fk)) = out.last_mut() else {
                continue;
            };
            fk.columns.push(from);
            if let Some(to) = to {
                fk.referred_columns.push(to);
            }
        }
        Ok(out.into_iter().map(|(_, fk)| fk).collect())
    }
}

/// A table as its definition in `sqlite_schema` makes it, read by the replay's parser.
fn definition(create_table: &str) -> Option<Table> {
    let mut schema = Schema::new(Dialect::Sqlite);
    let script = Script::parse(
        "sqlite_schema",
        create_table.to_owned(),
        Dialect::Sqlite,
        true,
    )
    .ok()?;
    replay_script(&mut schema, &script).ok()?;
    schema.tables.pop()
}

/// The CHECK constraints of a table's definition.
fn checks(table: Table) -> Vec<Check> {
    table
        .checks
        .into_iter()
        .map(|c| Check {
            origin: Origin::default(),
            ..c
        })
        .collect()
}
