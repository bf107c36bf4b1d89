//! The PostgreSQL checks of one statement: locks, rewrites, and changes that break the code
//! still running.

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnOption, ObjectName, ObjectType,
    Statement as Ast, TableConstraint,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::Context;
use super::rules::*;
use super::types::{column_types, fold, free_type_change, long_names, name_of, volatile};
use crate::Statement;
use crate::schema::Name;

/// The findings of one statement; also notes a `SET lock_timeout` for later statements.
pub(super) fn check(cx: &mut Context<'_>, statement: &Statement<'_>) -> Vec<Found> {
    let words: Vec<String> = statement.words().take(8).collect();
    let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    let mut out = Vec::new();
    let timeout = |w: &str| w == "LOCK_TIMEOUT" || w == "STATEMENT_TIMEOUT";
    if w(0) == "SET" && (timeout(w(1)) || (w(1) == "LOCAL" && timeout(w(2)))) {
        cx.lock_timeout_set = true;
        return out;
    }
    if w(0) == "REINDEX" && !words.iter().any(|w| w == "CONCURRENTLY") {
        out.push(found(REINDEX, "REINDEX without CONCURRENTLY".to_owned()));
        return out;
    }
    if w(0) == "ALTER" && w(1) == "TABLE" && cx.options.postgres_version >= 14 {
        let all: Vec<String> = statement.words().collect();
        let detach = all
            .windows(2)
            .any(|p| p[0] == "DETACH" && p[1] == "PARTITION");
        if detach && !all.iter().any(|w| w == "CONCURRENTLY" || w == "FINALIZE") {
            out.push(found(
                DETACH_PARTITION,
                "DETACH PARTITION without CONCURRENTLY".to_owned(),
            ));
            return out;
        }
    }
    if matches!(w(0), "CREATE" | "ALTER") {
        long_names(&mut out, statement.sql);
    }
    let Ok(asts) = Parser::parse_sql(&PostgreSqlDialect {}, statement.sql) else {
        return out; // what the replay cannot read, lint does not judge
    };
    for ast in asts {
        match ast {
            Ast::CreateIndex(index) => {
                let table = name_of(&index.table_name);
                if !index.concurrently && cx.is_existing(&table) {
                    out.push(found(
                        CREATE_INDEX,
                        format!("CREATE INDEX on existing table {table} without CONCURRENTLY"),
                    ));
                }
            }
            Ast::Drop {
                object_type,
                names,
                cascade,
                ..
            } => drop(cx, &mut out, object_type, &names, cascade, &words),
            Ast::Truncate(truncate)
                if truncate
                    .cascade
                    .as_ref()
                    .is_some_and(|c| c.to_string() == "CASCADE") =>
            {
                out.push(found(TRUNCATE_CASCADE, "TRUNCATE … CASCADE".to_owned()));
            }
            Ast::AlterType(alter)
                if matches!(
                    alter.operation,
                    sqlparser::ast::AlterTypeOperation::AddValue(_)
                ) && cx.transactional
                    && cx.options.postgres_version < 12 =>
            {
                out.push(found(
                    ENUM_IN_TRANSACTION,
                    format!(
                        "ALTER TYPE {} ADD VALUE in a transaction, on PostgreSQL {}",
                        alter.name, cx.options.postgres_version
                    ),
                ));
            }
            Ast::AlterType(alter) => {
                if let sqlparser::ast::AlterTypeOperation::RenameValue(rename) = &alter.operation
                    && cx.is_existing_enum(&name_of(&alter.name))
                {
                    out.push(found(
                        ENUM_LABEL_REMOVED,
                        format!(
                            "label {} of enum {} renamed to {}",
                            rename.from, alter.name, rename.to
                        ),
                    ));
                }
            }
            Ast::CreateTable(create) => {
                let keyed: Vec<String> = create
                    .constraints
                    .iter()
                    .filter_map(|c| match c {
                        TableConstraint::PrimaryKey(pk) if pk.columns.len() == 1 => {
                            Some(pk.columns[0].to_string().trim_matches('"').to_lowercase())
                        }
                        _ => None,
                    })
                    .collect();
                for def in &create.columns {
                    let key = keyed.contains(&def.name.value.to_lowercase());
                    column_types(&mut out, def, key);
                }
            }
            Ast::AlterTable(alter) => {
                let table = name_of(&alter.name);
                if !cx.is_existing(&table) {
                    // Created by a migration not yet deployed: nothing runs against it yet.
                    for op in &alter.operations {
                        if let AlterTableOperation::AddColumn { column_def, .. } = op {
                            column_types(&mut out, column_def, false);
                        }
                    }
                    continue;
                }
                let before = out.len();
                for op in &alter.operations {
                    alter_existing(cx, &mut out, &table, op);
                    if let AlterTableOperation::RenameColumn {
                        old_column_name: old,
                        new_column_name: new,
                    } = op
                    {
                        let old = cx.original_column(&table, &fold(&old.value, old.quote_style));
                        cx.renamed
                            .push((table.clone(), fold(&new.value, new.quote_style), old));
                    }
                }
                let strong = out.len() > before
                    || alter.operations.iter().any(|op| {
                        !matches!(
                            op,
                            AlterTableOperation::AddConstraint {
                                not_valid: true,
                                ..
                            } | AlterTableOperation::ValidateConstraint { .. }
                        )
                    });
                if strong && !cx.lock_timeout_set {
                    // Once per migration: one `SET lock_timeout` at its top covers it all.
                    cx.lock_timeout_set = true;
                    out.push(found(
                        LOCK_TIMEOUT,
                        format!("ALTER TABLE {table} takes an ACCESS EXCLUSIVE lock with no lock_timeout set"),
                    ));
                }
            }
            _ => {}
        }
    }
    out
}

fn drop(
    cx: &Context<'_>,
    out: &mut Vec<Found>,
    object_type: ObjectType,
    names: &[ObjectName],
    cascade: bool,
    words: &[String],
) {
    match object_type {
        ObjectType::Index if !words.iter().any(|w| w == "CONCURRENTLY") => {
            for name in names {
                let index = name_of(name);
                let on_existing = cx
                    .schema
                    .indexes
                    .iter()
                    .find(|i| cx.schema.same_name(&i.name, &index))
                    .is_some_and(|i| cx.is_existing(&i.table));
                if on_existing {
                    out.push(found(
                        DROP_INDEX,
                        format!("DROP INDEX {index} without CONCURRENTLY"),
                    ));
                }
            }
        }
        ObjectType::Table => {
            for name in names.iter().map(name_of).filter(|n| cx.is_existing(n)) {
                let how = if cascade { " CASCADE" } else { "" };
                out.push(found(DROP_TABLE, format!("DROP TABLE {name}{how}")));
            }
        }
        ObjectType::Schema | ObjectType::Database => {
            for name in names {
                // A schema the migrations made that holds no table (views and functions
                // recreated on every deploy) loses no data.
                let schema = name_of(name).name;
                let known = cx.schema.schemas.iter().any(|s| cx.schema.same(s, &schema));
                let tables = cx.schema.tables.iter().any(|t| {
                    t.name
                        .schema
                        .as_ref()
                        .is_some_and(|s| cx.schema.same(s, &schema))
                });
                if object_type == ObjectType::Schema && known && !tables {
                    continue;
                }
                out.push(found(DROP_TABLE, format!("DROP {object_type} {name}")));
            }
        }
        _ => {}
    }
}

fn alter_existing(cx: &Context<'_>, out: &mut Vec<Found>, table: &Name, op: &AlterTableOperation) {
    match op {
        AlterTableOperation::AddColumn { column_def, .. } => {
            column_types(out, column_def, false);
            let mut not_null = false;
            let mut default = None;
            let mut generated = false;
            for option in &column_def.options {
                match &option.option {
                    ColumnOption::NotNull => not_null = true,
                    ColumnOption::Default(expr) => default = Some(expr),
                    ColumnOption::Generated { .. } => generated = true,
                    ColumnOption::PrimaryKey(_) => not_null = true,
                    _ => {}
                }
            }
            let column = &column_def.name;
            if column_def.options.iter().any(|o| {
                matches!(
                    o.option,
                    ColumnOption::Unique(_) | ColumnOption::PrimaryKey(_)
                )
            }) {
                out.push(found(
                    UNIQUE_NO_INDEX,
                    format!("column {column} added to existing table {table} as UNIQUE or PRIMARY KEY, which builds its index under lock"),
                ));
            }
            if not_null && default.is_none() && !generated {
                out.push(found(
                    NOT_NULL_NO_DEFAULT,
                    format!("column {column} added to {table} as NOT NULL without a default"),
                ));
            }
            if let Some(expr) = default {
                if cx.options.postgres_version < 11 {
                    out.push(found(
                        VOLATILE_DEFAULT,
                        format!(
                            "column {column} added to {table} with a default, on PostgreSQL {}",
                            cx.options.postgres_version
                        ),
                    ));
                } else if let Some(function) = volatile(expr) {
                    out.push(found(
                        VOLATILE_DEFAULT,
                        format!("column {column} added to {table} with the volatile default {function}()"),
                    ));
                }
            }
        }
        AlterTableOperation::AddConstraint {
            constraint,
            not_valid,
        } => {
            match constraint {
                TableConstraint::ForeignKey(_) | TableConstraint::Check(_) if !not_valid => {
                    let kind = if matches!(constraint, TableConstraint::Check(_)) {
                        "CHECK"
                    } else {
                        "FOREIGN KEY"
                    };
                    out.push(found(
                        NOT_VALID,
                        format!("{kind} added to existing table {table} without NOT VALID"),
                    ));
                }
                TableConstraint::Unique(_) | TableConstraint::PrimaryKey(_) => {
                    out.push(found(
                    UNIQUE_NO_INDEX,
                    format!("UNIQUE or PRIMARY KEY added to existing table {table} without USING INDEX"),
                ));
                }
                _ => {}
            }
        }
        AlterTableOperation::AlterColumn { column_name, op } => match op {
            AlterColumnOperation::SetNotNull => out.push(found(
                SET_NOT_NULL,
                format!("SET NOT NULL on {table}.{column_name}"),
            )),
            AlterColumnOperation::DropNotNull => out.push(found(
                DROP_NOT_NULL,
                format!("DROP NOT NULL on {table}.{column_name}"),
            )),
            AlterColumnOperation::SetDataType { data_type, .. } => {
                let column =
                    cx.original_column(table, &fold(&column_name.value, column_name.quote_style));
                let old = cx
                    .schema
                    .table(table)
                    .and_then(|t| t.column(cx.schema.dialect, &column))
                    .map(|c| c.sql_type.clone());
                if !free_type_change(old.as_deref(), data_type) {
                    let from = old.map(|o| format!(" from {o}")).unwrap_or_default();
                    out.push(found(
                        CHANGE_TYPE,
                        format!("{table}.{column_name} changes type{from} to {data_type}"),
                    ));
                }
            }
            _ => {}
        },
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => out.push(found(
            RENAME,
            format!("column {table}.{old_column_name} renamed to {new_column_name}"),
        )),
        AlterTableOperation::RenameTable { .. } => {
            out.push(found(RENAME, format!("table {table} renamed")))
        }
        AlterTableOperation::DropColumn { column_names, .. } => {
            for column in column_names {
                out.push(found(
                    DROP_COLUMN,
                    format!("column {table}.{column} dropped"),
                ));
            }
        }
        _ => {}
    }
}
