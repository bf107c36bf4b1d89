//! UNIQUE, FOREIGN KEY and CHECK constraints, named as the database names them.
//!
//! PostgreSQL gives every constraint a name when it is created and keeps it through renames
//! of the table or its columns; `DROP CONSTRAINT` names it. The replay names unnamed
//! constraints the way PostgreSQL does (`makeObjectName`: `users_email_key`,
//! `tasks_user_id_fkey`, `tasks_status_check`, `tasks_check`, with `1`, `2`… on a clash).
//! SQLite keeps only the names written in the SQL.

use sqlparser::ast::{ColumnOption, Expr, ForeignKeyConstraint, Ident, Spanned, TableConstraint};

use super::expressions::{list_values, referenced_columns};
use super::{Run, same};
use crate::Dialect;
use crate::schema::{Check, ForeignKey, Table, Unique, referential_action};

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
                origin: self.origin_at(check.expr.span().start.line),
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
                        None => {
                            let error = self.make_error(
                                self.offset,
                                format!(
                                    "primary key column {name} does not exist in table {}",
                                    table.name
                                ),
                            );
                            self.errors.push(error);
                        }
                    }
                }
                table.primary_key = columns;
                table.primary_key_name = pk.name.as_ref().map(|n| self.ident(n));
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
            TableConstraint::Exclude(c) if self.dialect == Dialect::Postgres => {
                self.add_exclusion(table, &c)
            }
            TableConstraint::Check(check) => {
                let in_list = self.in_list(&check.expr);
                table.checks.push(Check {
                    name: check.name.as_ref().map(|n| self.ident(n)),
                    expr: check.expr.to_string(),
                    in_list,
                    origin: self.origin_at(check.expr.span().start.line),
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
        let unnamed = (!table.primary_key.is_empty() && table.primary_key_name.is_none())
            || table.uniques.iter().any(|u| u.name.is_none())
            || table.foreign_keys.iter().any(|f| f.name.is_none())
            || table.checks.iter().any(|c| c.name.is_none())
            || table.exclusions.iter().any(|x| x.name.is_none());
        if !unnamed {
            return;
        }
        let t = table.name.name.clone();
        // A key's name is its index's, which no relation of the schema may have; other
        // constraints' names only avoid the schema's constraint names.
        let (mut relations, mut constraints) = self.names_in_schema(table);
        if !table.primary_key.is_empty() && table.primary_key_name.is_none() {
            let name = choose(&t, None, "pkey", &relations);
            relations.push(name.clone());
            constraints.push(name.clone());
            table.primary_key_name = Some(name);
        }
        for i in 0..table.uniques.len() {
            if table.uniques[i].name.is_none() {
                let columns = table.uniques[i].columns.join("_");
                let name = choose(&t, Some(&columns), "key", &relations);
                relations.push(name.clone());
                constraints.push(name.clone());
                table.uniques[i].name = Some(name);
            }
        }
        for i in 0..table.exclusions.len() {
            if table.exclusions[i].name.is_none() {
                let name = self.exclusion_name(table, i, &relations);
                relations.push(name.clone());
                constraints.push(name.clone());
                table.exclusions[i].name = Some(name);
            }
        }
        for i in 0..table.foreign_keys.len() {
            if table.foreign_keys[i].name.is_none() {
                let columns = table.foreign_keys[i].columns.join("_");
                let name = choose(&t, Some(&columns), "fkey", &constraints);
                constraints.push(name.clone());
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
                let name = choose(&t, column, "check", &constraints);
                constraints.push(name.clone());
                table.checks[i].name = Some(name);
            }
        }
    }

    /// In `CREATE TABLE`, a UNIQUE on the primary key's columns or on the columns of an
    /// earlier UNIQUE makes no second index: the database keeps one (a written name goes to
    /// it). SQLite's rowid key has no index, so a UNIQUE on it stays.
    pub(super) fn merge_duplicate_keys(&self, table: &mut Table) {
        let dialect = self.dialect;
        let same_columns = |a: &[String], b: &[String]| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(dialect, x, y))
        };
        let rowid_key = dialect == Dialect::Sqlite
            && !table.without_rowid
            && table.primary_key.len() == 1
            && table
                .column(dialect, &table.primary_key[0])
                .is_some_and(|c| c.sql_type.eq_ignore_ascii_case("INTEGER"));
        let mut kept: Vec<Unique> = Vec::new();
        for unique in std::mem::take(&mut table.uniques) {
            if !rowid_key && same_columns(&unique.columns, &table.primary_key) {
                if table.primary_key_name.is_none() {
                    table.primary_key_name = unique.name;
                }
                continue;
            }
            match kept
                .iter_mut()
                .find(|k| same_columns(&k.columns, &unique.columns))
            {
                Some(earlier) => {
                    if earlier.name.is_none() {
                        earlier.name = unique.name;
                    }
                }
                None => kept.push(unique),
            }
        }
        table.uniques = kept;
    }

    /// The names taken in `table`'s schema: relations (tables, views, indexes, the indexes
    /// behind keys, serial sequences) and constraints.
    pub(super) fn names_in_schema(&self, table: &Table) -> (Vec<String>, Vec<String>) {
        self.names_in(&table.name.schema, Some(table))
    }

    /// The names taken in `schema`, with `table` (being changed, maybe not yet in the model)
    /// in place of the model's table of its name.
    pub(super) fn names_in(
        &self,
        schema: &Option<String>,
        table: Option<&Table>,
    ) -> (Vec<String>, Vec<String>) {
        let (mut relations, mut constraints) = (Vec::new(), Vec::new());
        let tables = self
            .schema
            .tables
            .iter()
            .filter(|t| table.is_none_or(|x| t.name != x.name))
            .chain(table)
            .filter(|t| t.name.schema == *schema);
        for t in tables {
            relations.push(t.name.name.clone());
            let keys: Vec<String> = t
                .primary_key_name
                .iter()
                .cloned()
                .chain(t.uniques.iter().filter_map(|u| u.name.clone()))
                .chain(t.exclusions.iter().filter_map(|x| x.name.clone()))
                .collect();
            relations.extend(keys.iter().cloned());
            constraints.extend(keys);
            constraints.extend(t.foreign_keys.iter().filter_map(|f| f.name.clone()));
            constraints.extend(t.checks.iter().filter_map(|c| c.name.clone()));
            for c in &t.columns {
                if let Some(sequence) = c.default.as_deref().and_then(serial_sequence) {
                    relations.push(sequence);
                }
            }
        }
        relations.extend(
            self.schema
                .indexes
                .iter()
                .filter(|i| i.name.schema == *schema)
                .map(|i| i.name.name.clone()),
        );
        relations.extend(
            self.schema
                .views
                .iter()
                .filter(|v| v.name.schema == *schema)
                .map(|v| v.name.name.clone()),
        );
        (relations, constraints)
    }
}

/// PostgreSQL's `ChooseConstraintName`: `makeObjectName(table, columns, label)`, then
/// `label1`, `label2`… until the name is free.
pub(super) fn choose(table: &str, columns: Option<&str>, label: &str, taken: &[String]) -> String {
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

/// A constraint `DROP CONSTRAINT` removed.
pub(super) enum Dropped {
    /// A primary key or unique constraint, on these columns: foreign keys that refer to them
    /// depend on it.
    Key(Vec<String>),
    Other,
}

/// Drops a named constraint; what it was, or `None` when the table has no such constraint.
pub(super) fn drop_constraint(
    dialect: Dialect,
    table: &mut Table,
    constraint: &str,
) -> Option<Dropped> {
    let named = |n: &Option<String>| n.as_deref().is_some_and(|n| same(dialect, n, constraint));
    let t = table.name.name.clone();
    let default_key = table.primary_key_name.is_none() && constraint == format!("{t}_pkey");
    if !table.primary_key.is_empty() && (named(&table.primary_key_name) || default_key) {
        table.primary_key_name = None;
        return Some(Dropped::Key(std::mem::take(&mut table.primary_key)));
    }
    if let Some(i) = table.uniques.iter().position(|u| named(&u.name)) {
        return Some(Dropped::Key(table.uniques.remove(i).columns));
    }
    if let Some(i) = table.foreign_keys.iter().position(|f| named(&f.name)) {
        table.foreign_keys.remove(i);
        return Some(Dropped::Other);
    }
    if let Some(i) = table.checks.iter().position(|c| named(&c.name)) {
        table.checks.remove(i);
        return Some(Dropped::Other);
    }
    if let Some(i) = table.exclusions.iter().position(|x| named(&x.name)) {
        table.exclusions.remove(i);
        return Some(Dropped::Other);
    }
    // A default name the replay chose otherwise (after a clash it could not see): match
    // PostgreSQL's pattern without its number.
    let base = constraint.trim_end_matches(|c: char| c.is_ascii_digit());
    let pattern = |columns: Option<&str>, label: &str| object_name(&t, columns, label) == base;
    if let Some(i) = table
        .uniques
        .iter()
        .position(|u| pattern(Some(&u.columns.join("_")), "key"))
    {
        return Some(Dropped::Key(table.uniques.remove(i).columns));
    }
    if let Some(i) = table
        .foreign_keys
        .iter()
        .position(|f| pattern(Some(&f.columns.join("_")), "fkey"))
    {
        table.foreign_keys.remove(i);
        return Some(Dropped::Other);
    }
    let position = table.checks.iter().position(|c| {
        match referenced_columns(dialect, table, &c.expr).as_slice() {
            [one] => pattern(Some(one), "check"),
            _ => pattern(None, "check"),
        }
    });
    let i = position?;
    table.checks.remove(i);
    Some(Dropped::Other)
}

/// `RENAME CONSTRAINT old TO new` (or `ALTER INDEX old RENAME TO new` of a key's index);
/// whether the table had it.
pub(super) fn rename_constraint(dialect: Dialect, table: &mut Table, old: &str, new: &str) -> bool {
    let names = std::iter::once(&mut table.primary_key_name)
        .chain(table.uniques.iter_mut().map(|u| &mut u.name))
        .chain(table.foreign_keys.iter_mut().map(|f| &mut f.name))
        .chain(table.checks.iter_mut().map(|c| &mut c.name))
        .chain(table.exclusions.iter_mut().map(|x| &mut x.name));
    for name in names {
        if name.as_deref().is_some_and(|n| same(dialect, n, old)) {
            *name = Some(new.to_owned());
            return true;
        }
    }
    false
}

/// `nextval('users_id_seq'::regclass)` -> `users_id_seq` (a serial column's sequence).
pub(crate) fn serial_sequence(default: &str) -> Option<String> {
    let inner = default
        .strip_prefix("nextval('")?
        .strip_suffix("'::regclass)")?;
    let name = inner.rsplit('.').next()?;
    Some(name.trim_matches('"').replace("\"\"", "\""))
}
