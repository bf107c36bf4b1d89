//! `CREATE TABLE` (columns, keys, foreign keys, checks, `LIKE`), `DROP TABLE`, `RENAME TABLE`.

use super::columns::{ColumnDef, References, column_def, names, references};
use super::indexes::index_head;
use super::lexer::{Cursor, Token, comma_separated, text};
use crate::replay::statements::Run;
use crate::schema::{Check, ForeignKey, Name, Table};

/// A foreign key read in a statement, whose index is made once every key of the statement is
/// known.
pub(super) struct NewForeignKey {
    pub name: Option<String>,
    pub index: Option<String>,
    pub columns: Vec<String>,
}

impl Run<'_> {
    /// `CREATE [TEMPORARY] TABLE [IF NOT EXISTS] name (…) | LIKE other`, after `TABLE`.
    pub(super) fn mysql_create_table(
        &mut self,
        c: &mut Cursor<'_>,
        sql: &str,
        temporary: bool,
    ) -> Result<(), String> {
        let if_not_exists = c.eat_all(&["IF", "NOT", "EXISTS"]);
        let name = Name::new(None, &c.name().ok_or_else(String::new)?);
        if temporary {
            self.temporary.push(name.name);
            return Ok(());
        }
        if let Some(existing) = self.schema.table(&name) {
            if !if_not_exists {
                let at = existing.origin.clone();
                self.error(format!("table {name} already exists (created at {at})"));
            }
            return Ok(());
        }
        let like = if c.eat("LIKE") {
            c.name()
        } else if c.peek_punct('(') && c.toks.get(c.at + 1).is_some_and(|t| t.is("LIKE")) {
            let group = c.group().unwrap_or_default();
            Cursor::new(&group[1..]).name()
        } else {
            None
        };
        if let Some(source) = like {
            return self.mysql_create_like(name, &source);
        }
        let group = c.group().ok_or_else(|| {
            format!("cannot read the columns of table {name}: `CREATE TABLE … AS SELECT` is not replayed; give the table's columns in a replay override")
        })?;
        if c.toks[c.at..].iter().any(|t| t.is("SELECT") || t.is("AS")) {
            return Err(format!(
                "cannot derive the columns of `CREATE TABLE {name} … SELECT`: give the table's columns in a replay override"
            ));
        }
        let mut table = Table {
            name: name.clone(),
            columns: Vec::new(),
            primary_key: Vec::new(),
            primary_key_name: None,
            uniques: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            exclusions: Vec::new(),
            strict: false,
            without_rowid: false,
            origin: self.origin(),
        };
        let parts = comma_separated(group);
        let (columns, keys): (Vec<&[Token]>, Vec<&[Token]>) =
            parts.into_iter().partition(|p| !is_table_element(p));
        let mut defs = Vec::new();
        for part in columns {
            let def = column_def(part, sql, self.origin_of(part))?;
            if table
                .column(crate::Dialect::Mysql, &def.column.name)
                .is_some()
            {
                return Err(format!(
                    "column {} is defined twice in table {name}",
                    def.column.name
                ));
            }
            table.columns.push(def.column.clone());
            defs.push(def);
        }
        let mut fks = Vec::new();
        for def in &defs {
            self.mysql_column_keys(&mut table, def, sql, &mut fks)?;
        }
        for part in keys {
            self.mysql_table_element(&mut table, part, sql, &mut fks)?;
        }
        for fk in fks {
            self.mysql_foreign_key_index(
                &table,
                fk.index.as_deref().or(fk.name.as_deref()),
                &fk.columns,
            );
        }
        self.schema.dropped.retain(|d| d.name != name);
        self.schema.tables.push(table);
        Ok(())
    }

    /// The line where `part` starts, as an origin.
    pub(super) fn origin_of(&self, part: &[Token]) -> crate::schema::Origin {
        let mut origin = self.origin();
        if let Some(t) = part.first() {
            origin.line += self.text[..t.start.min(self.text.len())]
                .matches('\n')
                .count();
        }
        origin
    }

    /// The keys, checks and references written on a column.
    pub(super) fn mysql_column_keys(
        &mut self,
        table: &mut Table,
        def: &ColumnDef,
        _sql: &str,
        fks: &mut Vec<NewForeignKey>,
    ) -> Result<(), String> {
        let name = def.column.name.clone();
        if def.primary {
            if !table.primary_key.is_empty() {
                return Err(format!("table {} has two primary keys", table.name));
            }
            table.primary_key = vec![name.clone()];
        }
        let key = [Token {
            kind: super::lexer::Kind::Word,
            text: name.clone(),
            start: 0,
            end: 0,
        }];
        if def.unique || (def.key && !def.primary) {
            let unique = def.unique;
            self.mysql_add_index(table, None, &key, "", unique, None)?;
        }
        for (check, expr) in &def.checks {
            let check = check.clone().unwrap_or_else(|| name.clone());
            table.checks.push(Check {
                name: Some(check),
                expr: expr.clone(),
                in_list: None,
                origin: def.column.origin.clone(),
            });
        }
        if let Some(r) = &def.references {
            self.mysql_foreign_key(table, None, vec![name.clone()], r.clone());
            fks.push(NewForeignKey {
                name: None,
                index: None,
                columns: vec![name],
            });
        }
        Ok(())
    }

    /// A key, foreign key or check of `CREATE TABLE` or `ALTER TABLE … ADD`.
    pub(super) fn mysql_table_element(
        &mut self,
        table: &mut Table,
        part: &[Token],
        sql: &str,
        fks: &mut Vec<NewForeignKey>,
    ) -> Result<(), String> {
        let mut c = Cursor::new(part);
        let mut constraint = None;
        if c.eat("CONSTRAINT") {
            constraint = c
                .peek()
                .filter(|t| {
                    t.is_name()
                        && !["PRIMARY", "UNIQUE", "FOREIGN", "CHECK"]
                            .iter()
                            .any(|k| t.is(k))
                })
                .map(|t| t.text.clone());
            if constraint.is_some() {
                c.next();
            }
        }
        if c.eat_all(&["PRIMARY", "KEY"]) {
            if c.eat("USING") {
                c.next();
            }
            let group = c.group().ok_or("`PRIMARY KEY` without its (columns)")?;
            if !table.primary_key.is_empty() {
                return Err(format!("table {} has two primary keys", table.name));
            }
            let mut key = Vec::new();
            for n in names(group) {
                let col = table
                    .columns
                    .iter_mut()
                    .find(|col| col.name.eq_ignore_ascii_case(&n))
                    .ok_or_else(|| {
                        format!("key column {n} does not exist in table {}", table.name)
                    })?;
                col.not_null = true;
                key.push(col.name.clone());
            }
            table.primary_key = key;
            return Ok(());
        }
        let unique = c.eat("UNIQUE");
        let method = if unique {
            None
        } else if c.eat("FULLTEXT") {
            Some("fulltext")
        } else if c.eat("SPATIAL") {
            Some("spatial")
        } else {
            None
        };
        if unique || method.is_some() || c.peek_is("KEY") || c.peek_is("INDEX") {
            let name = index_head(&mut c).or(constraint);
            let group = c.group().ok_or("an index without its (columns)")?;
            return self.mysql_add_index(table, name, group, sql, unique, method);
        }
        if c.eat_all(&["FOREIGN", "KEY"]) {
            let index = c.peek().filter(|t| t.is_name()).map(|t| t.text.clone());
            if index.is_some() {
                c.next();
            }
            let group = c.group().ok_or("`FOREIGN KEY` without its (columns)")?;
            let columns: Vec<String> = names(group)
                .into_iter()
                .map(|n| {
                    table
                        .column(crate::Dialect::Mysql, &n)
                        .map_or(n, |col| col.name.clone())
                })
                .collect();
            if !c.eat("REFERENCES") {
                return Err("`FOREIGN KEY` without `REFERENCES`".into());
            }
            let r = references(&mut c)?;
            self.mysql_foreign_key(table, constraint.clone(), columns.clone(), r);
            fks.push(NewForeignKey {
                name: constraint,
                index,
                columns,
            });
            return Ok(());
        }
        if c.eat("CHECK") {
            let group = c.group().ok_or("`CHECK` without its (expression)")?;
            let name = constraint.unwrap_or_else(|| {
                (1..)
                    .map(|n| format!("CONSTRAINT_{n}"))
                    .find(|n| !table.checks.iter().any(|k| k.name.as_deref() == Some(n)))
                    .unwrap_or_default()
            });
            table.checks.push(Check {
                name: Some(name),
                expr: text(sql, group).to_owned(),
                in_list: None,
                origin: self.origin_of(part),
            });
            return Ok(());
        }
        if c.eat("PERIOD") {
            return Ok(());
        }
        Err(format!(
            "`{}` is not understood by the schema replay",
            text(sql, part)
        ))
    }

    fn mysql_foreign_key(
        &mut self,
        table: &mut Table,
        name: Option<String>,
        columns: Vec<String>,
        r: References,
    ) {
        let name = name.unwrap_or_else(|| {
            let prefix = format!("{}_ibfk_", table.name.name);
            let highest = table
                .foreign_keys
                .iter()
                .filter_map(|f| {
                    f.name
                        .as_deref()?
                        .strip_prefix(&prefix)?
                        .parse::<u32>()
                        .ok()
                })
                .max()
                .unwrap_or(0);
            format!("{prefix}{}", highest + 1)
        });
        let origin = self.origin();
        table.foreign_keys.push(ForeignKey {
            name: Some(name),
            columns,
            foreign_table: Name::new(None, &r.table),
            referred_columns: r.columns,
            on_delete: r.on_delete,
            on_update: r.on_update,
            origin,
        });
    }

    /// `CREATE TABLE name LIKE source`: the columns, keys, checks and indexes; no foreign keys.
    fn mysql_create_like(&mut self, name: Name, source: &str) -> Result<(), String> {
        let source = Name::new(None, source);
        let Some(mut table) = self.schema.table(&source).cloned() else {
            self.missing_table(&source);
            return Ok(());
        };
        table.name = name.clone();
        table.foreign_keys.clear();
        table.origin = self.origin();
        let indexes: Vec<_> = self
            .schema
            .indexes
            .iter()
            .filter(|i| i.table.name.eq_ignore_ascii_case(&source.name))
            .cloned()
            .map(|mut i| {
                i.table = name.clone();
                i
            })
            .collect();
        self.schema.indexes.extend(indexes);
        self.schema.tables.push(table);
        Ok(())
    }

    /// `DROP [TEMPORARY] TABLE [IF EXISTS] a, b [RESTRICT|CASCADE]`, after `TABLE`.
    pub(super) fn mysql_drop_tables(
        &mut self,
        c: &mut Cursor<'_>,
        temporary: bool,
    ) -> Result<(), String> {
        let if_exists = c.eat_all(&["IF", "EXISTS"]);
        loop {
            let name = c.name().ok_or_else(String::new)?;
            let was_temporary = self.temporary.iter().any(|t| t.eq_ignore_ascii_case(&name));
            if temporary || was_temporary {
                self.temporary.retain(|t| !t.eq_ignore_ascii_case(&name));
            } else {
                let name = Name::new(None, &name);
                let found = self.schema.table(&name).is_some();
                if found {
                    self.schema
                        .tables
                        .retain(|t| !t.name.name.eq_ignore_ascii_case(&name.name));
                    self.schema
                        .indexes
                        .retain(|i| !i.table.name.eq_ignore_ascii_case(&name.name));
                    let origin = self.origin();
                    self.schema.dropped.push(crate::schema::Dropped {
                        name,
                        how: "dropped".into(),
                        origin,
                    });
                } else if !if_exists {
                    self.missing_table(&name);
                }
            }
            if !c.eat_punct(',') {
                return Ok(());
            }
        }
    }

    /// `RENAME TABLE a TO b [, c TO d]`, after `TABLE`.
    pub(super) fn mysql_rename_tables(&mut self, c: &mut Cursor<'_>) -> Result<(), String> {
        loop {
            let old = Name::new(None, &c.name().ok_or_else(String::new)?);
            if !c.eat("TO") {
                return Err(String::new());
            }
            let new = Name::new(None, &c.name().ok_or_else(String::new)?);
            self.mysql_rename_table(&old, new)?;
            if !c.eat_punct(',') {
                return Ok(());
            }
        }
    }

    pub(super) fn mysql_rename_table(&mut self, old: &Name, new: Name) -> Result<(), String> {
        if self.schema.table(&new).is_some() || self.schema.view(&new).is_some() {
            return Err(format!("table {new} already exists"));
        }
        if let Some(view) = self
            .schema
            .views
            .iter_mut()
            .find(|v| v.name.name.eq_ignore_ascii_case(&old.name))
        {
            view.name = new;
            return Ok(());
        }
        let Some(table) = self.schema.table_mut(old) else {
            self.missing_table(old);
            return Ok(());
        };
        table.name = new.clone();
        // The server renames the foreign keys it named after the table.
        let prefix = format!("{}_ibfk_", old.name);
        for fk in &mut table.foreign_keys {
            if let Some(n) = fk.name.as_deref().and_then(|n| n.strip_prefix(&prefix)) {
                fk.name = Some(format!("{}_ibfk_{n}", new.name));
            }
        }
        for g in &mut self.schema.foreign_key_indexes {
            if g.schema
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case(&old.name))
            {
                g.schema = Some(new.name.clone());
            }
        }
        for index in self
            .schema
            .indexes
            .iter_mut()
            .filter(|i| i.table.name.eq_ignore_ascii_case(&old.name))
        {
            index.table = new.clone();
        }
        for fk in self
            .schema
            .tables
            .iter_mut()
            .flat_map(|t| t.foreign_keys.iter_mut())
        {
            if fk.foreign_table.name.eq_ignore_ascii_case(&old.name) {
                fk.foreign_table = new.clone();
            }
        }
        let origin = self.origin();
        self.schema.dropped.push(crate::schema::Dropped {
            name: old.clone(),
            how: format!("renamed to {new}"),
            origin,
        });
        Ok(())
    }
}

/// Whether a part of `CREATE TABLE (…)` is a key, foreign key or check rather than a column.
pub(super) fn is_table_element(part: &[Token]) -> bool {
    let Some(first) = part.first() else {
        return false;
    };
    if first.kind != super::lexer::Kind::Word {
        return false;
    }
    let second = part.get(1);
    match first.text.to_ascii_uppercase().as_str() {
        "CONSTRAINT" | "FOREIGN" | "FULLTEXT" | "SPATIAL" | "PERIOD" => true,
        "PRIMARY" => second.is_some_and(|t| t.is("KEY")),
        "CHECK" => second.is_some_and(|t| t.is_punct('(')),
        // `KEY (a)`, `INDEX idx (a)`, `UNIQUE KEY u (a)`; not a column named `key`.
        "KEY" | "INDEX" | "UNIQUE" => second.is_some_and(|t| {
            t.is_punct('(')
                || t.is("KEY")
                || t.is("INDEX")
                || t.is("USING")
                || part
                    .get(2)
                    .is_some_and(|t| t.is_punct('(') || t.is("USING"))
        }),
        _ => false,
    }
}
