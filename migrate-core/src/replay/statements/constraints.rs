//! UNIQUE, FOREIGN KEY and CHECK constraints, named as the database names them.
//!
//! PostgreSQL gives every constraint a name when it is created and keeps it through renames
//! of the table or its columns; `DROP CONSTRAINT` names it. The replay names unnamed
//! constraints the way PostgreSQL does (`makeObjectName`: `users_email_key`,
//! `tasks_user_id_fkey`, `tasks_status_check`, `tasks_check`, with `1`, `2`… on a clash).
//! SQLite keeps only the names written in the SQL.

use sqlparser::ast::{
    BinaryOperator, ColumnOption, Expr, ForeignKeyConstraint, Ident, TableConstraint, Value,
};
use sqlparser::dialect::{GenericDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

use super::{LineCol, ReplayError, Run, same};
use crate::Dialect;
use crate::schema::{Check, ForeignKey, Origin, Table, Unique, referential_action};

impl Run<'_> {
    /// A constraint written on a column (`email text UNIQUE REFERENCES … CHECK (…)`); whether
    /// `option` was one.
    pub(super) fn column_constraint(
        &mut self,
        table: &mut Table,
        column: &str,
        name: Option<&Ident>,
        option: &ColumnOption,
    ) -> bool {
        let name = name.map(|n| self.ident(n));
        match option {
            ColumnOption::Unique(u) => table.uniques.push(Unique {
                name: name.or_else(|| u.name.as_ref().map(|n| self.ident(n))),
                columns: vec![column.to_owned()],
                origin: self.origin(),
            }),
            ColumnOption::ForeignKey(fk) => {
                let fk = self.foreign_key(fk, vec![column.to_owned()]);
                table.foreign_keys.push(ForeignKey {
                    name: name.or(fk.name),
                    ..fk
                });
            }
            ColumnOption::Check(check) => table.checks.push(Check {
                name: name.or_else(|| check.name.as_ref().map(|n| self.ident(n))),
                expr: check.expr.to_string(),
                in_list: self.in_list(&check.expr),
                origin: self.origin(),
            }),
            _ => return false,
        }
        true
    }

    pub(super) fn add_constraint(&mut self, table: &mut Table, constraint: TableConstraint) {
        match constraint {
            TableConstraint::PrimaryKey(pk) => {
                if !table.primary_key.is_empty() {
                    return self.error(format!("table {} already has a primary key", table.name));
                }
                let columns: Vec<String> = pk
                    .columns
                    .iter()
                    .map(|c| self.expr_name(&c.column.expr))
                    .collect();
                for name in &columns {
                    match table
                        .columns
                        .iter_mut()
                        .find(|c| same(self.dialect, &c.name, name))
                    {
                        Some(c) if self.dialect == Dialect::Postgres => c.not_null = true,
                        Some(_) => {}
                        None => self.errors.push(ReplayError {
                            path: self.script.path.to_string(),
                            at: LineCol::of(&self.script.sql, self.offset),
                            message: format!(
                                "primary key column {name} does not exist in table {}",
                                table.name
                            ),
                        }),
                    }
                }
                table.primary_key = columns;
            }
            TableConstraint::PrimaryKeyUsingIndex(c) if self.dialect == Dialect::Postgres => {
                self.constraint_using_index(table, &c.index_name, c.name.as_ref(), true)
            }
            TableConstraint::UniqueUsingIndex(c) if self.dialect == Dialect::Postgres => {
                self.constraint_using_index(table, &c.index_name, c.name.as_ref(), false)
            }
            TableConstraint::Unique(u) => table.uniques.push(Unique {
                name: u.name.as_ref().map(|n| self.ident(n)),
                columns: u
                    .columns
                    .iter()
                    .map(|c| self.expr_name(&c.column.expr))
                    .collect(),
                origin: self.origin(),
            }),
            TableConstraint::ForeignKey(fk) => {
                let columns = fk.columns.iter().map(|c| self.ident(c)).collect();
                let fk = self.foreign_key(&fk, columns);
                table.foreign_keys.push(fk);
            }
            TableConstraint::Check(check) => {
                let in_list = self.in_list(&check.expr);
                table.checks.push(Check {
                    name: check.name.as_ref().map(|n| self.ident(n)),
                    expr: check.expr.to_string(),
                    in_list,
                    origin: self.origin(),
                });
            }
            _ => {}
        }
    }

    fn foreign_key(&self, fk: &ForeignKeyConstraint, columns: Vec<String>) -> ForeignKey {
        ForeignKey {
            name: fk.name.as_ref().map(|n| self.ident(n)),
            columns,
            foreign_table: self.name(&fk.foreign_table),
            referred_columns: fk.referred_columns.iter().map(|c| self.ident(c)).collect(),
            on_delete: fk
                .on_delete
                .and_then(|a| referential_action(&a.to_string())),
            on_update: fk
                .on_update
                .and_then(|a| referential_action(&a.to_string())),
            origin: self.origin(),
        }
    }

    /// `col IN ('a', 'b')` (or PostgreSQL's spelling of it) -> the column and its values.
    pub(super) fn in_list(&self, expr: &Expr) -> Option<(String, Vec<String>)> {
        let (column, values) = list_values(expr)?;
        Some((self.expr_name(column), values))
    }

    /// PostgreSQL names the constraints that were created without one, once the statement has
    /// all its columns; a no-op on SQLite.
    pub(super) fn name_constraints(&self, table: &mut Table) {
        if self.dialect != Dialect::Postgres {
            return;
        }
        let t = table.name.name.clone();
        let mut taken = self.constraint_names(table);
        for i in 0..table.uniques.len() {
            if table.uniques[i].name.is_none() {
                let name = choose(&t, Some(&table.uniques[i].columns.join("_")), "key", &taken);
                taken.push(name.clone());
                table.uniques[i].name = Some(name);
            }
        }
        for i in 0..table.foreign_keys.len() {
            if table.foreign_keys[i].name.is_none() {
                let columns = table.foreign_keys[i].columns.join("_");
                let name = choose(&t, Some(&columns), "fkey", &taken);
                taken.push(name.clone());
                table.foreign_keys[i].name = Some(name);
            }
        }
        for i in 0..table.checks.len() {
            if table.checks[i].name.is_none() {
                let columns = referenced_columns(self.dialect, table, &table.checks[i].expr);
                let column = match columns.as_slice() {
                    [one] => Some(one.as_str()),
                    _ => None,
                };
                let name = choose(&t, column, "check", &taken);
                taken.push(name.clone());
                table.checks[i].name = Some(name);
            }
        }
    }

    /// Names a new constraint of `table` cannot take: its own constraints', the schema's
    /// relations' (a unique constraint's index is a relation).
    fn constraint_names(&self, table: &Table) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        let schema = &table.name.schema;
        let tables = self
            .schema
            .tables
            .iter()
            .filter(|t| t.name != table.name)
            .chain(std::iter::once(table))
            .filter(|t| t.name.schema == *schema);
        for t in tables {
            names.push(t.name.name.clone());
            if !t.primary_key.is_empty() {
                names.push(format!("{}_pkey", t.name.name));
            }
            names.extend(t.uniques.iter().filter_map(|u| u.name.clone()));
            names.extend(t.foreign_keys.iter().filter_map(|f| f.name.clone()));
            names.extend(t.checks.iter().filter_map(|c| c.name.clone()));
        }
        names.extend(
            self.schema
                .indexes
                .iter()
                .filter(|i| i.name.schema == *schema)
                .map(|i| i.name.name.clone()),
        );
        names
    }
}

/// `col IN ('a', 'b')`, or PostgreSQL's own spelling of it
/// (`(col)::text = ANY ((ARRAY['a'::character varying, …])::text[])`, as `pg_dump` and the
/// catalog write it) -> the column expression and the values.
fn list_values(expr: &Expr) -> Option<(&Expr, Vec<String>)> {
    let (column, items) = match bare(expr) {
        Expr::InList {
            expr,
            list,
            negated: false,
        } => (bare(expr), list.iter().collect::<Vec<_>>()),
        Expr::AnyOp {
            left,
            compare_op: BinaryOperator::Eq,
            right,
            ..
        } => match bare(right) {
            Expr::Array(array) => (bare(left), array.elem.iter().collect()),
            _ => return None,
        },
        _ => return None,
    };
    if !matches!(column, Expr::Identifier(_) | Expr::CompoundIdentifier(_)) {
        return None;
    }
    let values = items
        .into_iter()
        .map(|v| match bare(v) {
            Expr::Value(v) => match &v.value {
                Value::SingleQuotedString(s) => Some(s.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Option<Vec<String>>>()?;
    Some((column, values))
}

/// A CHECK constraint as a catalog shows it (PostgreSQL's `pg_get_expr`, or the text of a
/// SQLite table's definition), in the shape the replay gives: its expression as the replay
/// prints it and, for `col IN (…)`, the column and values.
pub fn check_from_sql(dialect: Dialect, name: Option<String>, expr: &str) -> Check {
    let parsed = match dialect {
        Dialect::Postgres => Parser::new(&PostgreSqlDialect {})
            .try_with_sql(expr)
            .and_then(|mut p| p.parse_expr()),
        _ => Parser::new(&SQLiteDialect {})
            .try_with_sql(expr)
            .and_then(|mut p| p.parse_expr()),
    };
    let Ok(parsed) = parsed else {
        return Check {
            name,
            expr: expr.to_owned(),
            in_list: None,
            origin: Origin::default(),
        };
    };
    let in_list = list_values(&parsed).map(|(column, values)| {
        let column = match column {
            Expr::Identifier(i) => i,
            Expr::CompoundIdentifier(parts) => {
                parts.last().expect("a compound identifier has parts")
            }
            _ => unreachable!("list_values returns identifiers only"),
        };
        let name = match (dialect, column.quote_style) {
            (Dialect::Postgres, None) => column.value.to_lowercase(),
            _ => column.value.clone(),
        };
        (name, values)
    });
    Check {
        name,
        expr: parsed.to_string(),
        in_list,
        origin: Origin::default(),
    }
}

/// Strips parentheses and casts: `((status)::text)` -> `status`.
fn bare(expr: &Expr) -> &Expr {
    match expr {
        Expr::Nested(inner) => bare(inner),
        Expr::Cast { expr, .. } => bare(expr),
        other => other,
    }
}

/// PostgreSQL's `ChooseConstraintName`: `makeObjectName(table, columns, label)`, then
/// `label1`, `label2`… until the name is free.
fn choose(table: &str, columns: Option<&str>, label: &str, taken: &[String]) -> String {
    let mut pass = 0;
    loop {
        let label = if pass == 0 {
            label.to_owned()
        } else {
            format!("{label}{pass}")
        };
        let name = object_name(table, columns, &label);
        if !taken.contains(&name) {
            return name;
        }
        pass += 1;
    }
}

/// PostgreSQL's `makeObjectName`: `name1_name2_label` within 63 bytes, shortening the longer
/// of the two names first.
pub(super) fn object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    const AVAILABLE: usize = 63;
    let overhead = label.len() + 1 + usize::from(name2.is_some());
    let budget = AVAILABLE.saturating_sub(overhead);
    let (mut n1, mut n2) = (name1.len(), name2.map_or(0, str::len));
    while n1 + n2 > budget {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let clip = |s: &str, mut n: usize| {
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s[..n].to_owned()
    };
    let mut out = clip(name1, n1);
    if let Some(name2) = name2 {
        out.push('_');
        out.push_str(&clip(name2, n2));
    }
    out.push('_');
    out.push_str(label);
    out
}

/// The columns of `table` an expression names, each once, in order of first use.
pub(super) fn referenced_columns(dialect: Dialect, table: &Table, expr: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in words(dialect, expr) {
        if let Some(c) = table.columns.iter().find(|c| same(dialect, &c.name, &word))
            && !out.iter().any(|o| same(dialect, o, &c.name))
        {
            out.push(c.name.clone());
        }
    }
    out
}

/// Whether an expression (a check's, an index key's) names `column`.
pub(super) fn mentions(dialect: Dialect, expr: &str, column: &str) -> bool {
    words(dialect, expr)
        .iter()
        .any(|w| same(dialect, w, column))
}

/// The identifiers of an expression (unquoted ones folded as the dialect folds them).
fn words(dialect: Dialect, expr: &str) -> Vec<String> {
    let tokens = match dialect {
        Dialect::Postgres => Tokenizer::new(&PostgreSqlDialect {}, expr).tokenize(),
        Dialect::Sqlite => Tokenizer::new(&SQLiteDialect {}, expr).tokenize(),
        _ => Tokenizer::new(&GenericDialect {}, expr).tokenize(),
    };
    tokens
        .unwrap_or_default()
        .into_iter()
        .filter_map(|t| match t {
            Token::Word(w) if w.quote_style.is_none() && dialect == Dialect::Postgres => {
                Some(w.value.to_lowercase())
            }
            Token::Word(w) if w.quote_style != Some('\'') => Some(w.value),
            _ => None,
        })
        .collect()
}

/// Rewrites a column name inside a CHECK expression, as both databases do on
/// `RENAME COLUMN`.
pub(super) fn rename_in_expr(dialect: Dialect, expr: &str, old: &str, new: &str) -> String {
    let tokens = match dialect {
        Dialect::Postgres => Tokenizer::new(&PostgreSqlDialect {}, expr).tokenize(),
        _ => Tokenizer::new(&SQLiteDialect {}, expr).tokenize(),
    };
    let Ok(tokens) = tokens else {
        return expr.to_owned();
    };
    tokens
        .into_iter()
        .map(|t| match t {
            Token::Word(mut w) if w.quote_style != Some('\'') && same(dialect, &w.value, old) => {
                w.value = new.to_owned();
                Token::Word(w).to_string()
            }
            other => other.to_string(),
        })
        .collect()
}

/// Drops a named constraint; whether the table had it.
pub(super) fn drop_constraint(dialect: Dialect, table: &mut Table, constraint: &str) -> bool {
    let t = &table.name.name;
    if constraint == format!("{t}_pkey") && !table.primary_key.is_empty() {
        table.primary_key.clear();
        return true;
    }
    let named = |n: &Option<String>| n.as_deref().is_some_and(|n| same(dialect, n, constraint));
    if let Some(i) = table.uniques.iter().position(|u| named(&u.name)) {
        table.uniques.remove(i);
        return true;
    }
    if let Some(i) = table.foreign_keys.iter().position(|f| named(&f.name)) {
        table.foreign_keys.remove(i);
        return true;
    }
    if let Some(i) = table.checks.iter().position(|c| named(&c.name)) {
        table.checks.remove(i);
        return true;
    }
    // A default name the replay chose otherwise (after a clash it could not see): match
    // PostgreSQL's pattern without its number.
    let base = constraint.trim_end_matches(|c: char| c.is_ascii_digit());
    let pattern = |columns: Option<&str>, label: &str| object_name(t, columns, label) == base;
    if let Some(i) = table
        .uniques
        .iter()
        .position(|u| pattern(Some(&u.columns.join("_")), "key"))
    {
        table.uniques.remove(i);
        return true;
    }
    if let Some(i) = table
        .foreign_keys
        .iter()
        .position(|f| pattern(Some(&f.columns.join("_")), "fkey"))
    {
        table.foreign_keys.remove(i);
        return true;
    }
    let position = table.checks.iter().position(|c| {
        match referenced_columns(dialect, table, &c.expr).as_slice() {
            [one] => pattern(Some(one), "check"),
            _ => pattern(None, "check"),
        }
    });
    if let Some(i) = position {
        table.checks.remove(i);
        return true;
    }
    false
}

/// `RENAME CONSTRAINT old TO new`; whether the table had it.
pub(super) fn rename_constraint(dialect: Dialect, table: &mut Table, old: &str, new: &str) -> bool {
    let names = table
        .uniques
        .iter_mut()
        .map(|u| &mut u.name)
        .chain(table.foreign_keys.iter_mut().map(|f| &mut f.name))
        .chain(table.checks.iter_mut().map(|c| &mut c.name));
    for name in names {
        if name.as_deref().is_some_and(|n| same(dialect, n, old)) {
            *name = Some(new.to_owned());
            return true;
        }
    }
    false
}
