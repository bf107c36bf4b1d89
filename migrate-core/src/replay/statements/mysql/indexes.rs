//! MySQL indexes: `KEY`/`INDEX`/`UNIQUE`/`FULLTEXT`/`SPATIAL` in a table, `CREATE … INDEX`,
//! `DROP INDEX … ON`, and the index the server makes for a foreign key. An unnamed index is
//! named after its first column (`email`, then `email_2`, …), as the server names it.

use super::lexer::{Cursor, Kind, Token, comma_separated, text};
use crate::replay::statements::Run;
use crate::schema::{Index, IndexKey, Name, Table};

impl Run<'_> {
    /// A free index name on `table` from `base`: `base`, `base_2`, `base_3`, …
    pub(super) fn mysql_free_index_name(&self, table: &str, base: &str) -> String {
        let taken = |n: &str| {
            n.eq_ignore_ascii_case("PRIMARY")
                || self.schema.indexes.iter().any(|i| {
                    i.table.name.eq_ignore_ascii_case(table) && i.name.name.eq_ignore_ascii_case(n)
                })
        };
        if !taken(base) {
            return base.to_owned();
        }
        (2..)
            .map(|n| format!("{base}_{n}"))
            .find(|n| !taken(n))
            .unwrap_or_default()
    }

    /// Adds the index whose key parts are `group` (`a, b(10) DESC`) to `table`.
    pub(super) fn mysql_add_index(
        &mut self,
        table: &Table,
        name: Option<String>,
        group: &[Token],
        sql: &str,
        unique: bool,
        method: Option<&str>,
    ) -> Result<(), String> {
        let mut columns = Vec::new();
        let mut keys = Vec::new();
        for part in comma_separated(group) {
            let mut c = Cursor::new(part);
            let key = match c.peek() {
                Some(t) if t.is_punct('(') => {
                    let expr = c.group().unwrap_or_default();
                    format!("({})", text(sql, expr))
                }
                Some(t) if t.is_name() => {
                    c.next();
                    let column = table
                        .column(crate::Dialect::Mysql, &t.text)
                        .map(|col| col.name.clone())
                        .ok_or_else(|| {
                            format!(
                                "key column {} does not exist in table {}",
                                t.text, table.name
                            )
                        })?;
                    match c.group() {
                        Some(len) => format!("{column}({})", text(sql, len)),
                        None => column,
                    }
                }
                _ => return Err(format!("cannot read the key `{}`", text(sql, part))),
            };
            let descending = c.eat("DESC");
            columns.push(key);
            keys.push(IndexKey {
                descending,
                nulls_first: false,
                ..IndexKey::default()
            });
        }
        let Some(first) = columns.first() else {
            return Err("an index without key parts".into());
        };
        let base = first.split('(').next().unwrap_or(first).to_owned();
        // The server drops the foreign key indexes this one covers before naming it.
        if method.is_none() {
            self.retire_foreign_key_indexes(&table.name.name, &columns);
        }
        let name = match name {
            Some(n) => {
                let exists = self.schema.indexes.iter().any(|i| {
                    i.table.name.eq_ignore_ascii_case(&table.name.name)
                        && i.name.name.eq_ignore_ascii_case(&n)
                });
                if exists {
                    return Err(format!(
                        "an index {n} already exists on table {}",
                        table.name
                    ));
                }
                n
            }
            None => self.mysql_free_index_name(&table.name.name, &base),
        };
        let origin = self.origin();
        self.schema.indexes.push(Index {
            name: Name::new(None, &name),
            table: table.name.clone(),
            columns,
            keys,
            include: Vec::new(),
            unique,
            method: method.map(str::to_ascii_lowercase),
            predicate: None,
            origin,
        });
        Ok(())
    }

    /// Drops the indexes the server made for foreign keys on `table` that an index on
    /// `columns` covers (their columns are its leading ones), as the server does.
    fn retire_foreign_key_indexes(&mut self, table: &str, columns: &[String]) {
        let lower: Vec<String> = columns.iter().map(|c| c.to_lowercase()).collect();
        let generated = std::mem::take(&mut self.schema.foreign_key_indexes);
        let mut kept = Vec::new();
        for g in generated {
            let here = g
                .schema
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case(table));
            let covered = here
                && self.schema.indexes.iter().any(|i| {
                    i.table.name.eq_ignore_ascii_case(table)
                        && i.name.name.eq_ignore_ascii_case(&g.name)
                        && i.columns.len() <= lower.len()
                        && i.columns
                            .iter()
                            .zip(&lower)
                            .all(|(a, b)| a.to_lowercase() == *b)
                });
            if covered {
                self.schema.indexes.retain(|i| {
                    !(i.table.name.eq_ignore_ascii_case(table)
                        && i.name.name.eq_ignore_ascii_case(&g.name))
                });
            } else {
                kept.push(g);
            }
        }
        self.schema.foreign_key_indexes = kept;
    }

    /// The index the server adds for a foreign key on `columns` when no index (the primary key
    /// included) starts with them.
    pub(super) fn mysql_foreign_key_index(
        &mut self,
        table: &Table,
        name: Option<&str>,
        columns: &[String],
    ) {
        let lower = |v: &[String]| v.iter().map(|c| c.to_lowercase()).collect::<Vec<_>>();
        let want = lower(columns);
        let starts = |keys: &[String]| {
            let keys: Vec<String> = keys.iter().map(|k| k.to_lowercase()).collect();
            keys.len() >= want.len() && keys[..want.len()] == want[..]
        };
        if starts(&table.primary_key) {
            return;
        }
        let generated = |i: &Index| {
            self.schema.foreign_key_indexes.iter().any(|g| {
                g.schema
                    .as_deref()
                    .is_some_and(|t| t.eq_ignore_ascii_case(&i.table.name))
                    && g.name.eq_ignore_ascii_case(&i.name.name)
            })
        };
        // An index the server made for another foreign key does not count: the new key
        // replaces it.
        let covered = self.schema.indexes.iter().any(|i| {
            i.table.name.eq_ignore_ascii_case(&table.name.name)
                && i.method.is_none()
                && starts(&i.columns)
                && !generated(i)
        });
        if covered || columns.is_empty() {
            return;
        }
        let index = match name {
            Some(n) => self.mysql_free_index_name(&table.name.name, n),
            None => self.mysql_free_index_name(&table.name.name, &columns[0]),
        };
        let origin = self.origin();
        self.retire_foreign_key_indexes(&table.name.name, columns);
        self.schema
            .foreign_key_indexes
            .push(Name::new(Some(&table.name.name), &index));
        self.schema.indexes.push(Index {
            name: Name::new(None, &index),
            table: table.name.clone(),
            columns: columns.to_vec(),
            keys: vec![IndexKey::default(); columns.len()],
            include: Vec::new(),
            unique: false,
            method: None,
            predicate: None,
            origin,
        });
    }

    /// `CREATE [UNIQUE|FULLTEXT|SPATIAL] INDEX [IF NOT EXISTS] name [USING t] ON table (keys)`,
    /// after `INDEX`.
    pub(super) fn mysql_create_index(
        &mut self,
        c: &mut Cursor<'_>,
        kind: Option<&str>,
    ) -> Result<(), String> {
        let if_not_exists = c.eat_all(&["IF", "NOT", "EXISTS"]);
        let name = c.name().ok_or_else(String::new)?;
        if c.eat("USING") {
            c.next();
        }
        if !c.eat("ON") {
            return Err(String::new());
        }
        let table_name = Name::new(None, &c.name().ok_or_else(String::new)?);
        let group = c.group().ok_or_else(String::new)?;
        let Some(table) = self.schema.table(&table_name).cloned() else {
            self.missing_table(&table_name);
            return Ok(());
        };
        let exists = self.schema.indexes.iter().any(|i| {
            i.table.name.eq_ignore_ascii_case(&table_name.name)
                && i.name.name.eq_ignore_ascii_case(&name)
        });
        if exists && if_not_exists {
            return Ok(());
        }
        let sql = self.text.clone();
        let method = kind.filter(|k| *k != "UNIQUE");
        self.mysql_add_index(
            &table,
            Some(name),
            group,
            &sql,
            kind == Some("UNIQUE"),
            method,
        )
    }

    /// `DROP INDEX [IF EXISTS] name ON table`, after `INDEX`.
    pub(super) fn mysql_drop_index(&mut self, c: &mut Cursor<'_>) -> Result<(), String> {
        let if_exists = c.eat_all(&["IF", "EXISTS"]);
        let name = c.name().ok_or_else(String::new)?;
        if !c.eat("ON") {
            return Err(String::new());
        }
        let table = c.name().ok_or_else(String::new)?;
        if name.eq_ignore_ascii_case("PRIMARY") {
            if let Some(t) = self.schema.table_mut(&Name::new(None, &table)) {
                t.primary_key.clear();
            }
            return Ok(());
        }
        self.mysql_drop_index_of(&table, &name, if_exists);
        Ok(())
    }

    pub(super) fn mysql_drop_index_of(&mut self, table: &str, name: &str, if_exists: bool) {
        let before = self.schema.indexes.len();
        self.schema.indexes.retain(|i| {
            !(i.table.name.eq_ignore_ascii_case(table) && i.name.name.eq_ignore_ascii_case(name))
        });
        if before == self.schema.indexes.len() && !if_exists {
            self.error(format!("there is no index {name} on table {table} to drop"));
        }
    }
}

/// `KEY`/`INDEX` and the optional name and `USING x` before an index's key parts.
pub(super) fn index_head(c: &mut Cursor<'_>) -> Option<String> {
    let _ = c.eat("KEY") || c.eat("INDEX");
    let name = c
        .peek()
        .filter(|t| t.is_name() && !t.is("USING") && t.kind != Kind::Punct)
        .map(|t| t.text.clone());
    if name.is_some() {
        c.next();
    }
    if c.eat("USING") {
        c.next();
    }
    name
}
