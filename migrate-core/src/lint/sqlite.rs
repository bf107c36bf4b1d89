//! The SQLite checks: ALTER TABLE operations SQLite refuses (the table must be rebuilt), and
//! rebuilds (`CREATE new / INSERT … SELECT / DROP old / RENAME`) that leave foreign keys on
//! or lose the old table's indexes and triggers, found by comparing the replayed model before
//! and after the migration.

use sqlparser::ast::{AlterTableOperation, ColumnOption, Expr, Statement as Ast, Value};
use sqlparser::dialect::SQLiteDialect;
use sqlparser::parser::Parser;

use super::rules::*;
use super::{Context, Existing, Finding};
use crate::schema::{Name, Schema};
use crate::{LineCol, Migration, Statement, split};

/// The findings of one statement: ALTER TABLE operations SQLite cannot do in place.
pub(super) fn check(cx: &Context<'_>, statement: &Statement<'_>) -> Vec<Found> {
    let words: Vec<String> = statement.words().take(6).collect();
    if words.len() < 2 || words[0] != "ALTER" || words[1] != "TABLE" {
        return Vec::new();
    }
    let Ok(asts) = Parser::parse_sql(&SQLiteDialect {}, statement.sql) else {
        // ALTER COLUMN, ADD CONSTRAINT, …: not SQLite's ALTER TABLE at all.
        let what = words.get(4).map(String::as_str).unwrap_or("this change");
        return vec![found(
            SQLITE_REBUILD,
            format!(
                "SQLite's ALTER TABLE cannot {what} {}",
                words.get(5).map(String::as_str).unwrap_or("")
            )
            .trim_end()
            .to_owned(),
        )];
    };
    let mut out = Vec::new();
    for ast in asts {
        let Ast::AlterTable(alter) = ast else {
            continue;
        };
        let table = name(&alter.name.to_string());
        for op in &alter.operations {
            if let Some(why) = refused(cx, &table, op) {
                out.push(found(SQLITE_REBUILD, format!("{}: {why}", alter.name)));
            }
        }
    }
    out
}

/// Why SQLite refuses this ALTER TABLE operation, if it does.
fn refused(cx: &Context<'_>, table: &Name, op: &AlterTableOperation) -> Option<String> {
    match op {
        AlterTableOperation::AddColumn { column_def, .. } => {
            let column = &column_def.name;
            let mut not_null = false;
            let mut default = None;
            for option in &column_def.options {
                match &option.option {
                    ColumnOption::PrimaryKey(_) | ColumnOption::Unique(_) => {
                        return Some(format!(
                            "column {column} cannot be added as PRIMARY KEY or UNIQUE"
                        ));
                    }
                    ColumnOption::NotNull => not_null = true,
                    ColumnOption::Default(expr) => default = Some(expr),
                    ColumnOption::Generated {
                        generation_expr_mode: Some(sqlparser::ast::GeneratedExpressionMode::Stored),
                        ..
                    } => {
                        return Some(format!(
                            "column {column} cannot be added as a STORED generated column"
                        ));
                    }
                    _ => {}
                }
            }
            match default {
                Some(Expr::Value(v)) if matches!(v.value, Value::Null) && not_null => Some(
                    format!("column {column} cannot be added NOT NULL with a NULL default"),
                ),
                Some(Expr::Value(_)) | Some(Expr::UnaryOp { .. }) => None,
                Some(Expr::Function(f))
                    if f.name
                        .to_string()
                        .to_ascii_uppercase()
                        .starts_with("CURRENT_") =>
                {
                    Some(format!(
                        "column {column} cannot be added with the default {}",
                        f.name
                    ))
                }
                Some(Expr::Nested(_)) | Some(Expr::Function(_)) => Some(format!(
                    "column {column} cannot be added with a default that is an expression"
                )),
                Some(Expr::Identifier(i))
                    if i.value.to_ascii_uppercase().starts_with("CURRENT_") =>
                {
                    Some(format!(
                        "column {column} cannot be added with the default {i}"
                    ))
                }
                None if not_null => Some(format!(
                    "column {column} cannot be added NOT NULL without a default"
                )),
                _ => None,
            }
        }
        AlterTableOperation::DropColumn { column_names, .. } => {
            let t = cx.schema.table(table)?;
            column_names.iter().find_map(|c| {
                let c = c.value.as_str();
                let same = |n: &str| n.eq_ignore_ascii_case(c);
                let why = if t.primary_key.iter().any(|k| same(k)) {
                    "is in the PRIMARY KEY"
                } else if t.uniques.iter().any(|u| u.columns.iter().any(|k| same(k))) {
                    "is UNIQUE"
                } else if t
                    .foreign_keys
                    .iter()
                    .any(|f| f.columns.iter().any(|k| same(k)))
                {
                    "is in a FOREIGN KEY"
                } else if cx.schema.indexes.iter().any(|i| {
                    cx.schema.same_name(&i.table, table) && i.columns.iter().any(|k| same(k))
                }) {
                    "is indexed"
                } else {
                    return None;
                };
                Some(format!("column {c} cannot be dropped: it {why}"))
            })
        }
        AlterTableOperation::RenameTable { .. } | AlterTableOperation::RenameColumn { .. } => None,
        other => Some(format!("`{other}` is not an ALTER TABLE SQLite knows")),
    }
}

/// A SQLite name as the replay keeps it.
fn name(written: &str) -> Name {
    Name {
        schema: None,
        name: written
            .trim_matches(|c| c == '"' || c == '`' || c == '[' || c == ']')
            .to_owned(),
    }
}

/// The triggers of a SQLite schema, `(trigger, table)` upper case: the model has none, so
/// lint follows `CREATE TRIGGER`, `DROP TRIGGER`, `DROP TABLE` and `RENAME TO` itself.
#[derive(Debug, Clone, Default)]
pub(super) struct Triggers(Vec<(String, String)>);

impl Triggers {
    /// Follows one migration's statements.
    pub fn follow(&mut self, m: &Migration) {
        let Ok(statements) = split(&m.up.sql, crate::Dialect::Sqlite) else {
            return;
        };
        for s in &statements {
            let words: Vec<String> = s.words().take(40).collect();
            let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
            let skip_if = |i: usize, a: &str| {
                if w(i) == "IF" && w(i + 1) == a {
                    i + 2
                } else {
                    i
                }
            };
            match (w(0), w(1)) {
                ("CREATE", _) => {
                    let Some(t) = words.iter().position(|x| x == "TRIGGER") else {
                        continue;
                    };
                    if t > 2 {
                        continue;
                    }
                    let n = skip_if(t + 1, "NOT");
                    let n = if w(n) == "EXISTS" { n + 1 } else { n };
                    let Some(on) = words.iter().skip(n).position(|x| x == "ON") else {
                        continue;
                    };
                    self.0.push((w(n).to_owned(), w(n + on + 1).to_owned()));
                }
                ("DROP", "TRIGGER") => {
                    let n = skip_if(2, "EXISTS");
                    self.0.retain(|(name, _)| name != w(n));
                }
                ("DROP", "TABLE") => {
                    let n = skip_if(2, "EXISTS");
                    self.0.retain(|(_, table)| table != w(n));
                }
                ("ALTER", "TABLE") if w(3) == "RENAME" && w(4) == "TO" => {
                    for (_, table) in &mut self.0 {
                        if table == w(2) {
                            *table = w(5).to_owned();
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn on(&self, table: &str) -> Vec<&str> {
        let table = table.to_ascii_uppercase();
        self.0
            .iter()
            .filter(|(_, t)| *t == table)
            .map(|(n, _)| n.as_str())
            .collect()
    }
}

/// What a rebuild in `m` did wrong: `before`/`after` are the model and triggers around it.
pub(super) fn rebuilds(
    m: &Migration,
    (before, after): (&Schema, &Schema),
    (triggers_before, triggers_after): (&Triggers, &Triggers),
    existing: &Existing,
) -> Vec<Finding> {
    let text = &m.up.sql;
    let Ok(statements) = split(text, crate::Dialect::Sqlite) else {
        return Vec::new();
    };
    let first = |a: &str, b: &str| {
        statements.iter().find(|s| {
            let mut w = s.words();
            w.next().as_deref() == Some(a) && w.next().as_deref() == Some(b)
        })
    };
    let (Some(drop), true) = (
        first("DROP", "TABLE"),
        statements.iter().any(|s| {
            s.words()
                .take(6)
                .collect::<Vec<_>>()
                .windows(2)
                .any(|w| w[0] == "RENAME" && w[1] == "TO")
        }),
    ) else {
        return Vec::new();
    };
    let at = LineCol::of(text, drop.offset);
    let finding = |rule: Rule, message: String| Finding {
        rule: rule.id,
        path: m.up.path.to_string(),
        at,
        line_text: super::source_line(text, drop.offset),
        message,
        help: rule.fix.to_owned(),
    };
    let pragma = |name: &str, values: &[&str]| {
        statements.iter().any(|s| {
            let w: Vec<String> = s.words().take(4).collect();
            w.len() >= 3 && w[0] == "PRAGMA" && w[1] == name && values.contains(&w[2].as_str())
        })
    };
    let fk_off = pragma("FOREIGN_KEYS", &["OFF", "0", "FALSE", "NO"]);
    let mut findings = Vec::new();
    for table in &before.tables {
        let rebuilt = existing
            .tables
            .iter()
            .any(|n| before.same_name(n, &table.name))
            && after.table(&table.name).is_some()
            && statements
                .iter()
                .any(|s| s.words().any(|w| w.eq_ignore_ascii_case(&table.name.name)));
        if !rebuilt {
            continue;
        }
        let t = &table.name.name;
        let referenced = before.tables.iter().any(|o| {
            !before.same_name(&o.name, &table.name)
                && o.foreign_keys
                    .iter()
                    .any(|f| before.same(&f.foreign_table.name, t))
        });
        if referenced && (!fk_off || !m.up.no_transaction) {
            let how = if fk_off {
                "`PRAGMA foreign_keys = OFF` does nothing in a transaction, and this migration runs in one"
            } else {
                "foreign keys stay on"
            };
            findings.push(finding(
                SQLITE_REBUILD_FOREIGN_KEYS,
                format!("table {t} is rebuilt while other tables reference it and {how}"),
            ));
        }
        let lost_indexes: Vec<&str> = before
            .indexes
            .iter()
            .filter(|i| before.same_name(&i.table, &table.name))
            .filter(|i| {
                !after.indexes.iter().any(|a| {
                    after.same_name(&a.table, &table.name)
                        && (after.same_name(&a.name, &i.name) || a.columns == i.columns)
                })
            })
            .map(|i| i.name.name.as_str())
            .collect();
        let now = triggers_after.on(t);
        let lost_triggers: Vec<&str> = triggers_before
            .on(t)
            .into_iter()
            .filter(|n| !now.contains(n))
            .collect();
        if !lost_indexes.is_empty() || !lost_triggers.is_empty() {
            let list = |kind: &str, names: &[&str]| {
                if names.is_empty() {
                    String::new()
                } else {
                    format!(" {kind} {}", names.join(", ").to_lowercase())
                }
            };
            findings.push(finding(
                SQLITE_REBUILD_LOSES,
                format!(
                    "table {t} is rebuilt without its{}{}",
                    list("index(es)", &lost_indexes),
                    list("trigger(s)", &lost_triggers)
                ),
            ));
        }
    }
    findings
}
