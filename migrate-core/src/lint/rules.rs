//! The lint rules: each an id, why it matters, and the safe alternative; and the checks that
//! find them in one statement (PostgreSQL).

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnDef, ColumnOption, DataType, Expr, ObjectName,
    ObjectNamePart, ObjectType, Statement as Ast, TableConstraint,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::Context;
use crate::schema::Name;
use crate::{Dialect, Statement};

/// A lint rule, as `cargo migrate lint --list` and the book show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The id findings and `-- migrate:allow` name.
    pub id: &'static str,
    /// Why it is unsafe, in one line.
    pub why: &'static str,
    /// The safe alternative.
    pub fix: &'static str,
}

macro_rules! rules {
    ($($name:ident = $id:literal: $why:literal => $fix:literal;)*) => {
        $(const $name: Rule = Rule { id: $id, why: $why, fix: $fix };)*
        /// Every rule, in the order the book lists them.
        pub const RULES: &[Rule] = &[$($name),*];
    };
}

rules! {
    CREATE_INDEX = "create-index-concurrently":
        "CREATE INDEX without CONCURRENTLY blocks writes to the table until the index is built"
        => "CREATE INDEX CONCURRENTLY, in a migration marked `-- migrate:no-transaction`";
    DROP_INDEX = "drop-index-concurrently":
        "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table"
        => "DROP INDEX CONCURRENTLY, in a migration marked `-- migrate:no-transaction`";
    REINDEX = "reindex-concurrently":
        "REINDEX without CONCURRENTLY blocks writes (and reads through the index) while it runs"
        => "REINDEX … CONCURRENTLY (PostgreSQL 12+), in a `-- migrate:no-transaction` migration";
    NOT_VALID = "constraint-not-valid":
        "adding a foreign key or CHECK validates every row under a lock that blocks writes"
        => "add it with NOT VALID, then `ALTER TABLE … VALIDATE CONSTRAINT` in a later migration";
    SET_NOT_NULL = "set-not-null":
        "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock"
        => "add `CHECK (c IS NOT NULL) NOT VALID`, VALIDATE it, then SET NOT NULL (PostgreSQL 12+ skips the scan) and drop the check";
    NOT_NULL_NO_DEFAULT = "add-column-not-null-without-default":
        "a NOT NULL column without a default cannot be added to a table that has rows, and the code still running cannot insert rows without it"
        => "add the column nullable (or with a DEFAULT), backfill, then SET NOT NULL";
    VOLATILE_DEFAULT = "add-column-volatile-default":
        "a column added with a volatile default (or any default before PostgreSQL 11) rewrites the table under an ACCESS EXCLUSIVE lock"
        => "add the column without a default, SET DEFAULT afterwards, and backfill in batches";
    CHANGE_TYPE = "change-column-type":
        "changing a column's type rewrites the table (and its indexes) under an ACCESS EXCLUSIVE lock, and breaks code that reads the old type"
        => "add a new column, backfill, switch the code over, then drop the old column (only varchar(n) to a longer varchar or to text is free)";
    UNIQUE_NO_INDEX = "add-unique-without-index":
        "adding UNIQUE or PRIMARY KEY builds its index under a lock that blocks writes"
        => "CREATE UNIQUE INDEX CONCURRENTLY first, then `ADD CONSTRAINT … UNIQUE USING INDEX …`";
    RENAME = "rename":
        "renaming a column or table breaks the code still running, which uses the old name"
        => "add the new column or a view, move the code over, and drop the old name in a later release";
    DROP_COLUMN = "drop-column":
        "dropping a column breaks the code still running that reads or writes it"
        => "stop using the column in one release, drop it in the next";
    DROP_TABLE = "drop-table":
        "dropping a table (or schema, or database) loses its data and breaks code still using it"
        => "stop using it in one release, drop it in the next; keep a backup";
    TRUNCATE_CASCADE = "truncate-cascade":
        "TRUNCATE … CASCADE empties every table that references this one, too"
        => "truncate the tables you mean by name";
    ENUM_IN_TRANSACTION = "add-enum-value-in-transaction":
        "before PostgreSQL 12, ALTER TYPE … ADD VALUE cannot run inside a transaction"
        => "mark the migration `-- migrate:no-transaction`";
    LOCK_TIMEOUT = "lock-timeout":
        "a statement that needs an ACCESS EXCLUSIVE lock waits behind long queries and blocks every query queued after it"
        => "`SET lock_timeout = '5s';` before it (or deploy with --statement-lock-timeout), and retry on failure";
    SERIAL = "prefer-identity":
        "serial columns own a sequence with separate permissions and surprising ownership"
        => "`bigint GENERATED ALWAYS AS IDENTITY` (or BY DEFAULT)";
    INT_KEY = "prefer-bigint-primary-key":
        "an integer primary key runs out at 2,147,483,647 rows, and widening it later rewrites the table"
        => "bigint (or bigserial / bigint identity)";
    TIMESTAMP = "prefer-timestamptz":
        "timestamp without time zone stores wall-clock times that mean different instants in different zones"
        => "timestamptz";
    VARCHAR = "prefer-text":
        "char(n) pads with spaces and varchar(n) needs a table-locking change to raise its limit"
        => "text, with a CHECK (length(c) <= n) if the limit matters";
    LONG_NAME = "identifier-too-long":
        "PostgreSQL silently cuts identifiers longer than 63 bytes, so two names can collide"
        => "a name of at most 63 bytes";
}

/// `(rule, message, help)` of one finding.
pub(super) type Found = (&'static str, String, &'static str);

fn found(rule: Rule, message: String) -> Found {
    (rule.id, message, rule.fix)
}

/// The findings of one statement; also notes a `SET lock_timeout` for later statements.
pub(super) fn check(
    cx: &mut Context<'_>,
    statement: &Statement<'_>,
    dialect: Dialect,
) -> Vec<Found> {
    if dialect != Dialect::Postgres {
        return Vec::new();
    }
    let words: Vec<String> = statement.words().take(8).collect();
    let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    let mut out = Vec::new();
    if w(0) == "SET" && (w(1) == "LOCK_TIMEOUT" || (w(1) == "LOCAL" && w(2) == "LOCK_TIMEOUT")) {
        cx.lock_timeout_set = true;
        return out;
    }
    if w(0) == "REINDEX" && !words.iter().any(|w| w == "CONCURRENTLY") {
        out.push(found(REINDEX, "REINDEX without CONCURRENTLY".to_owned()));
        return out;
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
                long_name(&mut out, index.name.as_ref());
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
            Ast::CreateTable(create) => {
                long_name(&mut out, Some(&create.name));
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
            AlterColumnOperation::SetDataType { data_type, .. } => {
                let old = cx
                    .schema
                    .table(table)
                    .and_then(|t| {
                        t.column(
                            cx.schema.dialect,
                            &fold(&column_name.value, column_name.quote_style),
                        )
                    })
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

/// Type rules that hold for every column, new table or not.
fn column_types(out: &mut Vec<Found>, def: &ColumnDef, primary_key: bool) {
    let column = &def.name;
    if column.value.len() > 63 {
        out.push(found(
            LONG_NAME,
            format!("column name {column} is {} bytes long", column.value.len()),
        ));
    }
    let written = def.data_type.to_string().to_ascii_lowercase();
    let key = primary_key
        || def
            .options
            .iter()
            .any(|o| matches!(o.option, ColumnOption::PrimaryKey(_)));
    if matches!(
        written.as_str(),
        "serial" | "bigserial" | "smallserial" | "serial4" | "serial8"
    ) {
        out.push(found(SERIAL, format!("column {column} is {written}")));
    }
    if key
        && matches!(
            written.as_str(),
            "int" | "integer" | "int4" | "serial" | "serial4" | "smallint" | "int2"
        )
    {
        out.push(found(INT_KEY, format!("primary key {column} is {written}")));
    }
    if matches!(
        def.data_type,
        DataType::Timestamp(
            _,
            sqlparser::ast::TimezoneInfo::None | sqlparser::ast::TimezoneInfo::WithoutTimeZone
        )
    ) {
        out.push(found(TIMESTAMP, format!("column {column} is {written}")));
    }
    if written.starts_with("varchar(")
        || written.starts_with("character varying(")
        || written.starts_with("char(")
        || written.starts_with("character(")
        || written == "char"
        || written == "character"
    {
        out.push(found(VARCHAR, format!("column {column} is {written}")));
    }
}

fn long_name(out: &mut Vec<Found>, name: Option<&ObjectName>) {
    let Some(name) = name else { return };
    if let Some(ObjectNamePart::Identifier(last)) = name.0.last()
        && last.value.len() > 63
    {
        out.push(found(
            LONG_NAME,
            format!("name {last} is {} bytes long", last.value.len()),
        ));
    }
}

/// The volatile function a default calls, if any.
fn volatile(expr: &Expr) -> Option<String> {
    const VOLATILE: &[&str] = &[
        "random",
        "gen_random_uuid",
        "uuid_generate_v1",
        "uuid_generate_v4",
        "uuidv4",
        "uuidv7",
        "clock_timestamp",
        "timeofday",
        "nextval",
        "txid_current",
    ];
    let text = expr.to_string().to_ascii_lowercase();
    VOLATILE
        .iter()
        .find(|f| text.contains(&format!("{f}(")))
        .map(|f| (*f).to_owned())
}

/// Changes PostgreSQL makes without a rewrite: a longer varchar, varchar to text.
fn free_type_change(old: Option<&str>, new: &DataType) -> bool {
    let Some(old) = old else { return false };
    let new = new.to_string().to_ascii_lowercase();
    let limit = |t: &str| -> Option<Option<u64>> {
        let t = t.trim();
        let rest = t
            .strip_prefix("character varying")
            .or_else(|| t.strip_prefix("varchar"))?
            .trim();
        if rest.is_empty() {
            return Some(None);
        }
        rest.strip_prefix('(')?
            .strip_suffix(')')?
            .trim()
            .parse()
            .ok()
            .map(Some)
    };
    match (limit(&old.to_ascii_lowercase()), new.as_str()) {
        (Some(_), "text") => true,
        (Some(Some(from)), _) => {
            matches!(limit(&new), Some(None)) || limit(&new).flatten().is_some_and(|to| to >= from)
        }
        (Some(None), _) => matches!(limit(&new), Some(None)),
        _ => false,
    }
}

/// A written name as PostgreSQL folds it (`public` when no schema is written).
fn name_of(name: &ObjectName) -> Name {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(i) => fold(&i.value, i.quote_style),
            other => other.to_string(),
        })
        .collect();
    let last = parts.last().cloned().unwrap_or_default();
    let schema = if parts.len() >= 2 {
        parts[parts.len() - 2].clone()
    } else {
        "public".to_owned()
    };
    Name {
        schema: Some(schema),
        name: last,
    }
}

fn fold(value: &str, quote: Option<char>) -> String {
    match quote {
        Some(_) => value.to_owned(),
        None => value.to_lowercase(),
    }
}
