//! MySQL and MariaDB: `information_schema` of the connection's current database, in the model
//! the replay builds (see the replay's MySQL module for what the model keeps): column types
//! in MySQL 8's spelling (display widths dropped), every index an [`Index`] (the primary key
//! is the table's key), MariaDB's `json_valid` check of a `JSON` column read back as the
//! `json` type, `RESTRICT` as no action.

use migrate_core::Dialect;
use migrate_core::replay::types::normalize;
use migrate_core::schema::{
    Check, Column, ForeignKey, Generated, Identity, Index, IndexKey, Name, Origin, Schema, Table,
    View,
};
use sqlx::MySqlConnection;

/// Reads the schema of the connection's database, leaving out the history table.
pub async fn introspect(
    conn: &mut MySqlConnection,
    history_table: &str,
) -> Result<Schema, sqlx::Error> {
    let mut schema = Schema::new(Dialect::Mysql);
    let relations: Vec<(String, String)> = sqlx::query_as(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(TABLE_TYPE AS CHAR) FROM information_schema.TABLES \
         WHERE TABLE_SCHEMA = DATABASE() ORDER BY CREATE_TIME, TABLE_NAME",
    )
    .fetch_all(&mut *conn)
    .await?;
    let columns = columns(conn).await?;
    for (name, kind) in relations {
        if name.eq_ignore_ascii_case(history_table) {
            continue;
        }
        if kind == "VIEW" {
            schema.views.push(View {
                name: Name::new(None, &name),
                columns: None,
                depends_on: Vec::new(),
                origin: Origin::default(),
            });
            continue;
        }
        if !matches!(kind.as_str(), "BASE TABLE" | "SYSTEM VERSIONED") {
            continue;
        }
        schema.tables.push(Table {
            name: Name::new(None, &name),
            columns: columns
                .iter()
                .filter(|(t, _)| *t == name)
                .map(|(_, c)| c.clone())
                .collect(),
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
    indexes(conn, &mut schema).await?;
    foreign_keys(conn, &mut schema).await?;
    checks(conn, &mut schema).await?;
    Ok(schema)
}

type ColumnRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
);

async fn columns(conn: &mut MySqlConnection) -> Result<Vec<(String, Column)>, sqlx::Error> {
    let rows: Vec<ColumnRow> = sqlx::query_as(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR), CAST(COLUMN_TYPE AS CHAR), \
         CAST(IS_NULLABLE AS CHAR), CAST(COLUMN_DEFAULT AS CHAR), CAST(EXTRA AS CHAR), \
         CAST(GENERATION_EXPRESSION AS CHAR) \
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
         ORDER BY TABLE_NAME, ORDINAL_POSITION",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(table, name, sql_type, nullable, default, extra, generation)| {
                let extra = extra.to_ascii_lowercase();
                let generated = (extra.contains("generated")).then(|| Generated {
                    expr: generation.unwrap_or_default(),
                    stored: extra.contains("stored"),
                });
                // MariaDB prints `NULL` for a nullable column without a default.
                let default = default.filter(|d| d != "NULL" && generated.is_none());
                let column = Column {
                    name,
                    sql_type: normalize(Dialect::Mysql, &sql_type).sql_type,
                    not_null: nullable == "NO",
                    default,
                    identity: extra
                        .contains("auto_increment")
                        .then_some(Identity::ByDefault),
                    generated,
                    owns_sequence: false,
                    origin: Origin::default(),
                };
                (table, column)
            },
        )
        .collect())
}

type IndexRow = (
    String,
    String,
    i64,
    String,
    Option<i64>,
    String,
    Option<String>,
);

async fn indexes(conn: &mut MySqlConnection, schema: &mut Schema) -> Result<(), sqlx::Error> {
    let rows: Vec<IndexRow> = sqlx::query_as(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(INDEX_NAME AS CHAR), CAST(NON_UNIQUE AS SIGNED), \
         CAST(COLUMN_NAME AS CHAR), CAST(SUB_PART AS SIGNED), CAST(INDEX_TYPE AS CHAR), \
         CAST(COLLATION AS CHAR) \
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() \
         ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (table, index, non_unique, column, sub_part, index_type, collation) in rows {
        let name = Name::new(None, &table);
        if schema.table(&name).is_none() {
            continue;
        }
        if index == "PRIMARY" {
            if let Some(t) = schema.table_mut(&name) {
                t.primary_key.push(column);
            }
            continue;
        }
        // A SPATIAL key reports a SUB_PART of 32 that no migration writes.
        let key = match sub_part {
            Some(n) if index_type != "SPATIAL" => format!("{column}({n})"),
            _ => column,
        };
        let options = IndexKey {
            descending: collation.as_deref() == Some("D"),
            ..IndexKey::default()
        };
        match schema
            .indexes
            .iter_mut()
            .find(|i| i.table.name == table && i.name.name == index)
        {
            Some(i) => {
                i.columns.push(key);
                i.keys.push(options);
            }
            None => schema.indexes.push(Index {
                name: Name::new(None, &index),
                table: name,
                columns: vec![key],
                keys: vec![options],
                include: Vec::new(),
                unique: non_unique == 0,
                method: matches!(index_type.as_str(), "FULLTEXT" | "SPATIAL")
                    .then(|| index_type.to_ascii_lowercase()),
                predicate: None,
                origin: Origin::default(),
            }),
        }
    }
    Ok(())
}

type ForeignKeyRow = (String, String, String, String, String, String, String);

async fn foreign_keys(conn: &mut MySqlConnection, schema: &mut Schema) -> Result<(), sqlx::Error> {
    let rows: Vec<ForeignKeyRow> = sqlx::query_as(
        "SELECT CAST(k.TABLE_NAME AS CHAR), CAST(k.CONSTRAINT_NAME AS CHAR), \
         CAST(k.COLUMN_NAME AS CHAR), CAST(k.REFERENCED_TABLE_NAME AS CHAR), \
         CAST(k.REFERENCED_COLUMN_NAME AS CHAR), CAST(r.DELETE_RULE AS CHAR), \
         CAST(r.UPDATE_RULE AS CHAR) \
         FROM information_schema.KEY_COLUMN_USAGE k \
         JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
           ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME \
          AND r.TABLE_NAME = k.TABLE_NAME \
         WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL \
         ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
    )
    .fetch_all(&mut *conn)
    .await?;
    let action = |a: &str| migrate_core::schema::referential_action(a).filter(|a| a != "RESTRICT");
    for (table, constraint, column, referenced, referenced_column, on_delete, on_update) in rows {
        let Some(t) = schema.table_mut(&Name::new(None, &table)) else {
            continue;
        };
        match t
            .foreign_keys
            .iter_mut()
            .find(|f| f.name.as_deref() == Some(constraint.as_str()))
        {
            Some(f) => {
                f.columns.push(column);
                f.referred_columns.push(referenced_column);
            }
            None => t.foreign_keys.push(ForeignKey {
                name: Some(constraint),
                columns: vec![column],
                foreign_table: Name::new(None, &referenced),
                referred_columns: vec![referenced_column],
                on_delete: action(&on_delete),
                on_update: action(&on_update),
                origin: Origin::default(),
            }),
        }
    }
    Ok(())
}

async fn checks(conn: &mut MySqlConnection, schema: &mut Schema) -> Result<(), sqlx::Error> {
    // MariaDB names the table in CHECK_CONSTRAINTS (check names are per table there); MySQL 8
    // through TABLE_CONSTRAINTS (check names are per schema).
    let mariadb = sqlx::query_as::<_, (String, String, String)>(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(CONSTRAINT_NAME AS CHAR), CAST(CHECK_CLAUSE AS CHAR) \
         FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() \
         ORDER BY TABLE_NAME, CONSTRAINT_NAME",
    )
    .fetch_all(&mut *conn)
    .await;
    let rows = match mariadb {
        Ok(rows) => rows,
        Err(_) => {
            sqlx::query_as(
                "SELECT CAST(t.TABLE_NAME AS CHAR), CAST(c.CONSTRAINT_NAME AS CHAR), \
                 CAST(c.CHECK_CLAUSE AS CHAR) \
                 FROM information_schema.TABLE_CONSTRAINTS t \
                 JOIN information_schema.CHECK_CONSTRAINTS c \
                   ON c.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA AND c.CONSTRAINT_NAME = t.CONSTRAINT_NAME \
                 WHERE t.TABLE_SCHEMA = DATABASE() AND t.CONSTRAINT_TYPE = 'CHECK' \
                 ORDER BY t.TABLE_NAME, c.CONSTRAINT_NAME",
            )
            .fetch_all(&mut *conn)
            .await?
        }
    };
    for (table, name, clause) in rows {
        let Some(t) = schema.table_mut(&Name::new(None, &table)) else {
            continue;
        };
        // MariaDB's JSON: a longtext with `json_valid(`c`)`, named after the column.
        let json = t.columns.iter_mut().find(|c| {
            c.name == name
                && c.sql_type == "longtext"
                && clause.replace(' ', "") == format!("json_valid(`{}`)", c.name)
        });
        if let Some(column) = json {
            column.sql_type = "json".to_owned();
            continue;
        }
        t.checks.push(Check {
            name: Some(name),
            expr: clause,
            in_list: None,
            origin: Origin::default(),
        });
    }
    Ok(())
}
