//! A repair migration: SQL that brings a drifted database back to the schema of its applied
//! migrations (`cargo migrate diff --script`). What SQL cannot undo in the dialect —
//! PostgreSQL cannot drop or reorder enum labels, SQLite cannot alter a column without
//! rebuilding its table, neither reorders columns — becomes a `-- TODO:` comment saying what
//! to do by hand.

use super::Difference;
use super::review::{find_column, find_enum, find_index, find_table};
use crate::Dialect;
use crate::schema::{
    Schema, column_def, create_enum, create_index, create_table, quote_ident, quote_literal,
    quote_name,
};

/// The repair script and what it leaves to be done by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    /// The whole script: a header, then each step as a comment and its SQL (or `-- TODO:`).
    pub script: String,
    /// SQL statements in the script.
    pub statements: usize,
    /// `-- TODO:` items: what the script cannot do.
    pub todos: usize,
}

/// One step: the comment that explains it, and SQL or a TODO, in the phase it runs in.
struct Step {
    phase: u8,
    comment: String,
    sql: Vec<String>,
    todo: Option<String>,
}

/// The script that turns `actual` into `expected`, step by step for `differences` (as
/// [`super::diff`] gives them): new types first, then tables and columns, then changes of
/// columns, then drops, then indexes.
pub fn repair(expected: &Schema, actual: &Schema, differences: &[Difference]) -> Repair {
    let d = expected.dialect;
    let mut steps: Vec<(Step, u8)> = differences
        .iter()
        .map(|x| (step(d, expected, actual, x), rank(x)))
        .collect();
    steps.sort_by_key(|(s, rank)| (s.phase, *rank));
    let steps: Vec<Step> = steps.into_iter().map(|(s, _)| s).collect();
    let mut script = format!(
        "-- Repair migration: brings the database back to the schema of its applied migrations ({d}).\n\
         -- Written by `cargo migrate diff --script`. Review it: DROP statements lose data.\n"
    );
    let (mut statements, mut todos) = (0, 0);
    let mut written: Vec<&String> = Vec::new();
    for s in &steps {
        script.push_str(&format!("\n-- {}\n", s.comment));
        for sql in &s.sql {
            // MySQL's MODIFY COLUMN fixes type, nullability and default at once.
            if written.contains(&sql) {
                script.push_str("-- (the statement above does it)\n");
                continue;
            }
            written.push(sql);
            script.push_str(sql);
            script.push('\n');
            statements += 1;
        }
        if let Some(todo) = &s.todo {
            script.push_str(&format!("-- TODO: {todo}\n"));
            todos += 1;
        }
    }
    if steps.is_empty() {
        script.push_str("\n-- Nothing to repair: the database has the migrations' schema.\n");
    }
    Repair {
        script,
        statements,
        todos,
    }
}

/// The order of steps within a phase: a foreign key is dropped before the key it refers to
/// (or the index behind it), and added after it.
fn rank(x: &Difference) -> u8 {
    match x {
        Difference::ExtraForeignKey { .. } => 0,
        Difference::MissingUnique { .. } => 0,
        Difference::MissingForeignKey { .. } => 2,
        _ => 1,
    }
}

fn step(d: Dialect, expected: &Schema, actual: &Schema, x: &Difference) -> Step {
    let pg = d == Dialect::Postgres;
    let rebuild = |table: &str| {
        format!(
            "SQLite cannot alter a column in place: rebuild table {table} by hand — create it anew \
             under another name with the migrations' definition (`cargo migrate schema`), copy the \
             rows (INSERT INTO … SELECT …), drop the old table and rename the new one"
        )
    };
    let table_sql = |shown: &str| {
        find_table(expected, shown)
            .or_else(|| find_table(actual, shown))
            .map_or_else(|| shown.to_owned(), |t| quote_name(d, &t.name))
    };
    let col = |c: &str| quote_ident(d, c);
    let mut s = Step {
        phase: 4,
        comment: super::review(x, expected),
        sql: Vec::new(),
        todo: None,
    };
    if let Some((phase, sql)) = super::repair_mysql::mysql_sql(d, expected, actual, x)
        .or_else(|| super::repair_constraints::constraint_sql(d, expected, actual, x))
    {
        s.phase = phase;
        match sql {
            Ok(sql) => s.sql = sql,
            Err(todo) => s.todo = Some(todo),
        }
        if matches!(
            x,
            Difference::MissingForeignKey { .. }
                | Difference::MissingCheck { .. }
                | Difference::MissingUnique { .. }
                | Difference::CheckValues { .. }
                | Difference::MissingExclusion { .. }
                | Difference::ExclusionShape { .. }
        ) && pg
        {
            s.comment
                .push_str(" (fails while rows break it: fix those rows first)");
        }
        return s;
    }
    match x {
        Difference::MissingEnum { name } => {
            s.phase = 0;
            match find_enum(expected, name) {
                Some(e) if pg => s.sql.push(create_enum(d, e)),
                _ => s.todo = Some(format!("create enum type {name} by hand")),
            }
        }
        Difference::EnumLabels {
            name,
            expected: e,
            actual: a,
        } => {
            s.phase = 0;
            let common_e: Vec<&String> = e.iter().filter(|l| a.contains(l)).collect();
            let common_a: Vec<&String> = a.iter().filter(|l| e.contains(l)).collect();
            let typ =
                find_enum(expected, name).map_or_else(|| name.clone(), |t| quote_name(d, &t.name));
            if common_e == common_a {
                for (i, label) in e.iter().enumerate() {
                    if a.contains(label) {
                        continue;
                    }
                    let place = match i.checked_sub(1).and_then(|p| e.get(p)) {
                        Some(prev) => format!(" AFTER {}", quote_literal(prev)),
                        None => a
                            .first()
                            .map(|first| format!(" BEFORE {}", quote_literal(first)))
                            .unwrap_or_default(),
                    };
                    s.sql.push(format!(
                        "ALTER TYPE {typ} ADD VALUE IF NOT EXISTS {}{place};",
                        quote_literal(label)
                    ));
                }
            }
            let extra: Vec<String> = a
                .iter()
                .filter(|l| !e.contains(l))
                .map(|l| quote_literal(l))
                .collect();
            if !extra.is_empty() || common_e != common_a {
                let what = if extra.is_empty() {
                    "reorder enum labels".to_owned()
                } else {
                    format!("drop an enum label ({})", extra.join(", "))
                };
                s.todo = Some(format!(
                    "PostgreSQL cannot {what}. By hand: move the rows off those labels, then \
                     CREATE TYPE a new type with the labels ({}), ALTER every column of type {typ} \
                     to it (USING col::text::new_type), DROP TYPE {typ} and rename the new type",
                    e.iter()
                        .map(|l| quote_literal(l))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        Difference::ExtraIndex { name } => {
            s.phase = 1;
            let index =
                find_index(actual, name).map_or_else(|| name.clone(), |i| quote_name(d, &i.name));
            s.sql.push(format!("DROP INDEX {index};"));
        }
        Difference::MissingTable { table } => {
            s.phase = 2;
            match find_table(expected, table) {
                Some(t) => s.sql.push(create_table(d, t)),
                None => s.todo = Some(format!("create table {table} by hand")),
            }
        }
        Difference::MissingColumn { table, column } => {
            s.phase = 3;
            match find_column(expected, table, column) {
                Some(c) if d == Dialect::Sqlite && c.not_null && c.default.is_none() => {
                    s.todo = Some(format!(
                        "SQLite cannot add a NOT NULL column without a default: rebuild table {table} \
                         (see `cargo migrate schema`), or add {} and backfill it",
                        column_def(d, c)
                    ));
                }
                Some(c) => {
                    s.sql.push(format!(
                        "ALTER TABLE {} ADD COLUMN {};",
                        table_sql(table),
                        column_def(d, c)
                    ));
                    if pg && c.not_null && c.default.is_none() {
                        s.comment.push_str(
                            " (NOT NULL without a default: fails on a table with rows; add it nullable, fill it, then SET NOT NULL)",
                        );
                    }
                }
                None => s.todo = Some(format!("add column {column} to {table} by hand")),
            }
        }
        Difference::Type {
            table,
            column,
            expected: e,
            ..
        } => {
            if pg {
                s.sql.push(format!(
                    "ALTER TABLE {} ALTER COLUMN {} TYPE {e} USING {}::{e};",
                    table_sql(table),
                    col(column),
                    col(column)
                ));
            } else {
                s.todo = Some(rebuild(table));
            }
        }
        Difference::Nullability {
            table,
            column,
            expected_not_null,
        } => {
            if pg {
                let change = if *expected_not_null { "SET" } else { "DROP" };
                s.sql.push(format!(
                    "ALTER TABLE {} ALTER COLUMN {} {change} NOT NULL;",
                    table_sql(table),
                    col(column)
                ));
            } else {
                s.todo = Some(rebuild(table));
            }
        }
        Difference::Default {
            table,
            column,
            expected: e,
            ..
        } => {
            if pg {
                let change = match e {
                    Some(default) => format!("SET DEFAULT {default}"),
                    None => "DROP DEFAULT".to_owned(),
                };
                s.sql.push(format!(
                    "ALTER TABLE {} ALTER COLUMN {} {change};",
                    table_sql(table),
                    col(column)
                ));
            } else {
                s.todo = Some(rebuild(table));
            }
        }
        Difference::PrimaryKey {
            table,
            expected: e,
            actual: a,
        } => {
            let cols = e.iter().map(|c| col(c)).collect::<Vec<_>>().join(", ");
            if pg && a.is_empty() && !e.is_empty() {
                s.sql.push(format!(
                    "ALTER TABLE {} ADD PRIMARY KEY ({cols});",
                    table_sql(table)
                ));
            } else if pg {
                s.todo = Some(format!(
                    "drop the primary key constraint of {table} (`\\d {table}` names it){}",
                    if e.is_empty() {
                        String::new()
                    } else {
                        format!(
                            ", then ALTER TABLE {} ADD PRIMARY KEY ({cols})",
                            table_sql(table)
                        )
                    }
                ));
            } else {
                s.todo = Some(rebuild(table));
            }
        }
        Difference::ColumnOrder { table, .. } => {
            s.todo = Some(format!(
                "{d} cannot reorder columns: rebuild table {table} by hand if the order matters \
                 (it does not for queries that name their columns)"
            ));
        }
        Difference::ExtraColumn { table, column } => {
            s.phase = 5;
            s.comment.push_str(" (this drops its data)");
            s.sql.push(format!(
                "ALTER TABLE {} DROP COLUMN {};",
                table_sql(table),
                col(column)
            ));
        }
        Difference::ExtraTable { table } => {
            s.phase = 6;
            s.comment.push_str(" (this drops its data)");
            s.sql.push(format!("DROP TABLE {};", table_sql(table)));
        }
        Difference::ExtraEnum { name } => {
            s.phase = 7;
            let typ =
                find_enum(actual, name).map_or_else(|| name.clone(), |t| quote_name(d, &t.name));
            s.sql.push(format!("DROP TYPE {typ};"));
        }
        Difference::MissingIndex { name } => {
            s.phase = 8;
            match find_index(expected, name) {
                Some(i) => s.sql.push(create_index(d, i)),
                None => s.todo = Some(format!("create index {name} by hand")),
            }
        }
        Difference::IndexShape { name, .. } => {
            s.phase = 8;
            match (find_index(expected, name), find_index(actual, name)) {
                (Some(want), Some(have)) => {
                    s.sql
                        .push(format!("DROP INDEX {};", quote_name(d, &have.name)));
                    s.sql.push(create_index(d, want));
                }
                _ => s.todo = Some(format!("recreate index {name} by hand")),
            }
        }
        Difference::Identity { .. }
        | Difference::Generated { .. }
        | Difference::SequenceOwner { .. } => {
            super::repair_columns::column_kind_sql(d, expected, actual, x, &mut s.sql, &mut s.todo);
            if let Some(note) = super::repair_columns::note(d, x) {
                s.comment.push_str(note);
            }
        }
        Difference::MissingView { name } | Difference::ViewColumns { name, .. } => {
            s.phase = 8;
            let at = super::origin(x, expected)
                .map(|o| format!(" at {o}"))
                .unwrap_or_default();
            s.todo = Some(format!(
                "recreate view {name} as its migration defines it{at} (CREATE OR REPLACE VIEW …): the schema model keeps a view's columns, not its query"
            ));
        }
        Difference::ExtraView { name } => {
            s.phase = 1;
            s.todo = Some(format!(
                "drop view {name} by hand if nothing uses it (DROP VIEW, or DROP MATERIALIZED VIEW)"
            ));
        }
        Difference::MissingDomain { name } => {
            s.phase = 0;
            match expected
                .domains
                .iter()
                .find(|x| x.name.to_string() == *name)
            {
                Some(domain) if pg => s.sql.push(crate::schema::create_domain(d, domain)),
                _ => s.todo = Some(format!("create domain {name} by hand")),
            }
        }
        Difference::DomainType {
            name,
            expected: e,
            actual: a,
        } => {
            s.phase = 0;
            let base = |t: &str| t.trim_end_matches(" NOT NULL").to_owned();
            let typ = expected
                .domains
                .iter()
                .find(|x| x.name.to_string() == *name)
                .map_or_else(|| name.clone(), |x| quote_name(d, &x.name));
            if base(e) == base(a) {
                let change = if e.ends_with(" NOT NULL") {
                    "SET"
                } else {
                    "DROP"
                };
                s.sql.push(format!("ALTER DOMAIN {typ} {change} NOT NULL;"));
            } else {
                s.todo = Some(format!(
                    "PostgreSQL cannot change a domain's base type: create a new domain {e}, move                      the columns of domain {typ} to it, and drop {typ}"
                ));
            }
        }
        Difference::ExtraDomain { name } => {
            s.phase = 7;
            let typ = actual
                .domains
                .iter()
                .find(|x| x.name.to_string() == *name)
                .map_or_else(|| name.clone(), |x| quote_name(d, &x.name));
            s.sql.push(format!("DROP DOMAIN {typ};"));
        }
        // Constraints are handled above.
        _ => {}
    }
    s
}
