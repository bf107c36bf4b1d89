//! `ALTER TABLE`: `ADD`/`DROP`/`MODIFY`/`CHANGE` columns with `FIRST`/`AFTER`, `RENAME COLUMN`,
//! `RENAME INDEX`, `RENAME TO`, keys, foreign keys and checks; table options are not modelled.

use super::columns::column_def;
use super::lexer::{Cursor, Token, comma_separated, text};
use super::tables::{NewForeignKey, is_table_element};
use crate::replay::statements::Run;
use crate::schema::{DroppedColumn, Name, Table};

impl Run<'_> {
    /// `ALTER TABLE name op [, op …]`, after `TABLE`.
    pub(super) fn mysql_alter_table(
        &mut self,
        c: &mut Cursor<'_>,
        sql: &str,
    ) -> Result<(), String> {
        let name = Name::new(None, &c.name().ok_or_else(String::new)?);
        if self
            .temporary
            .iter()
            .any(|t| t.eq_ignore_ascii_case(&name.name))
        {
            return Ok(());
        }
        let Some(mut table) = self.schema.table(&name).cloned() else {
            self.missing_table(&name);
            return Ok(());
        };
        let mut fks = Vec::new();
        let mut renamed = None;
        for op in comma_separated(&c.toks[c.at..]) {
            if let Some(new) = self.mysql_alter_op(&mut table, op, sql, &mut fks)? {
                renamed = Some(new);
            }
        }
        for fk in fks {
            self.mysql_foreign_key_index(
                &table,
                fk.index.as_deref().or(fk.name.as_deref()),
                &fk.columns,
            );
        }
        if let Some(slot) = self.schema.table_mut(&name) {
            *slot = table;
        }
        if let Some(new) = renamed {
            self.mysql_rename_table(&name, new)?;
        }
        Ok(())
    }

    /// One operation; `Some(new name)` for `RENAME TO`, which is applied last.
    fn mysql_alter_op(
        &mut self,
        table: &mut Table,
        op: &[Token],
        sql: &str,
        fks: &mut Vec<NewForeignKey>,
    ) -> Result<Option<Name>, String> {
        let mut c = Cursor::new(op);
        let Some(first) = c.next() else {
            return Ok(None);
        };
        let word = first.text.to_ascii_uppercase();
        match word.as_str() {
            "ADD" => {
                let rest = &op[1..];
                if is_table_element(rest) {
                    self.mysql_table_element(table, rest, sql, fks)?;
                    return Ok(None);
                }
                let mut c = Cursor::new(rest);
                c.eat("COLUMN");
                let if_not_exists = c.eat_all(&["IF", "NOT", "EXISTS"]);
                let defs: Vec<&[Token]> = match c.group() {
                    Some(group) if c.done() => comma_separated(group),
                    _ => vec![&rest[c.at..]],
                };
                for def in defs {
                    let (def, position) = position(def);
                    let parsed = column_def(def, sql, self.origin_of(def))?;
                    if table
                        .column(crate::Dialect::Mysql, &parsed.column.name)
                        .is_some()
                    {
                        if if_not_exists {
                            continue;
                        }
                        return Err(format!(
                            "column {} of table {} already exists",
                            parsed.column.name, table.name
                        ));
                    }
                    place(table, parsed.column.clone(), position)?;
                    self.mysql_column_keys(table, &parsed, sql, fks)?;
                }
            }
            "MODIFY" | "CHANGE" => {
                c.eat("COLUMN");
                let if_exists = c.eat_all(&["IF", "EXISTS"]);
                let old = if word == "CHANGE" {
                    Some(
                        c.next()
                            .filter(|t| t.is_name())
                            .ok_or_else(String::new)?
                            .text
                            .clone(),
                    )
                } else {
                    None
                };
                let (def, position) = position(&op[c.at..]);
                let parsed = column_def(def, sql, self.origin_of(def))?;
                let old = old.unwrap_or_else(|| parsed.column.name.clone());
                let Some(at) = table
                    .columns
                    .iter()
                    .position(|col| col.name.eq_ignore_ascii_case(&old))
                else {
                    if if_exists {
                        return Ok(None);
                    }
                    return Err(format!(
                        "column {old} of table {} does not exist",
                        table.name
                    ));
                };
                let new = parsed.column.name.clone();
                // A column check belongs to the column's definition, which this replaces
                // (MariaDB drops it unless the new definition writes it again).
                table.checks.retain(|k| {
                    !k.name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(&old))
                });
                if !new.eq_ignore_ascii_case(&old) {
                    if table.column(crate::Dialect::Mysql, &new).is_some() {
                        return Err(format!(
                            "column {new} of table {} already exists",
                            table.name
                        ));
                    }
                    self.mysql_rename_column(table, &old, &new);
                }
                let column = table.columns.remove(at);
                let mut replacement = parsed.column.clone();
                if table
                    .primary_key
                    .iter()
                    .any(|k| k.eq_ignore_ascii_case(&new))
                {
                    replacement.not_null = true;
                }
                let _ = column;
                match position {
                    None => table.columns.insert(at, replacement),
                    some => place(table, replacement, some)?,
                }
                self.mysql_column_keys(table, &parsed, sql, fks)?;
            }
            "DROP" => self.mysql_alter_drop(table, &mut c)?,
            "RENAME" => {
                if c.eat("COLUMN") {
                    let old = c.name().ok_or_else(String::new)?;
                    c.eat("TO");
                    let new = c.name().ok_or_else(String::new)?;
                    if table.column(crate::Dialect::Mysql, &old).is_none() {
                        return Err(format!(
                            "column {old} of table {} does not exist",
                            table.name
                        ));
                    }
                    self.mysql_rename_column(table, &old, &new);
                } else if c.eat("INDEX") || c.eat("KEY") {
                    let old = c.name().ok_or_else(String::new)?;
                    c.eat("TO");
                    let new = c.name().ok_or_else(String::new)?;
                    for g in &mut self.schema.foreign_key_indexes {
                        if g.schema
                            .as_deref()
                            .is_some_and(|t| t.eq_ignore_ascii_case(&table.name.name))
                            && g.name.eq_ignore_ascii_case(&old)
                        {
                            g.name = new.clone();
                        }
                    }
                    let index = self.schema.indexes.iter_mut().find(|i| {
                        i.table.name.eq_ignore_ascii_case(&table.name.name)
                            && i.name.name.eq_ignore_ascii_case(&old)
                    });
                    match index {
                        Some(i) => i.name.name = new,
                        None => {
                            return Err(format!("there is no index {old} on table {}", table.name));
                        }
                    }
                } else {
                    let _ = c.eat("TO") || c.eat("AS");
                    let new = c.name().ok_or_else(String::new)?;
                    return Ok(Some(Name::new(None, &new)));
                }
            }
            "ALTER" => {
                c.eat("COLUMN");
                let column = c.name().ok_or_else(String::new)?;
                let Some(col) = table
                    .columns
                    .iter_mut()
                    .find(|col| col.name.eq_ignore_ascii_case(&column))
                else {
                    return Err(format!(
                        "column {column} of table {} does not exist",
                        table.name
                    ));
                };
                if c.eat_all(&["SET", "DEFAULT"]) {
                    let expr = text(sql, &op[c.at..]);
                    col.default = super::columns::stored_default(&col.sql_type, expr);
                } else if c.eat_all(&["DROP", "DEFAULT"]) {
                    col.default = None;
                }
            }
            // Table options and how the server works: nothing modelled changes.
            "ENGINE" | "DEFAULT" | "CHARACTER" | "CHARSET" | "COLLATE" | "CONVERT" | "COMMENT"
            | "AUTO_INCREMENT" | "ALGORITHM" | "LOCK" | "ROW_FORMAT" | "FORCE" | "ORDER"
            | "KEY_BLOCK_SIZE" | "STATS_PERSISTENT" | "PACK_KEYS" | "CHECKSUM" | "ENABLE"
            | "DISABLE" | "DISCARD" | "IMPORT" | "PAGE_COMPRESSED" | "TRANSACTIONAL" => {}
            _ => {
                return Err(format!(
                    "`{}` in ALTER TABLE {} is not understood by the schema replay",
                    text(sql, op),
                    table.name
                ));
            }
        }
        Ok(None)
    }

    fn mysql_alter_drop(&mut self, table: &mut Table, c: &mut Cursor<'_>) -> Result<(), String> {
        if c.eat_all(&["PRIMARY", "KEY"]) {
            table.primary_key.clear();
            return Ok(());
        }
        if c.eat("INDEX") || c.eat("KEY") {
            let if_exists = c.eat_all(&["IF", "EXISTS"]);
            let name = c.name().ok_or_else(String::new)?;
            self.mysql_drop_index_of(&table.name.name.clone(), &name, if_exists);
            return Ok(());
        }
        let foreign = c.eat_all(&["FOREIGN", "KEY"]);
        let check = !foreign && c.eat("CHECK");
        let constraint = !foreign && !check && c.eat("CONSTRAINT");
        if foreign || check || constraint {
            let if_exists = c.eat_all(&["IF", "EXISTS"]);
            let name = c.name().ok_or_else(String::new)?;
            let before = table.foreign_keys.len() + table.checks.len();
            let named =
                |n: &Option<String>| n.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(&name));
            if !check {
                table.foreign_keys.retain(|f| !named(&f.name));
            }
            if !foreign {
                table.checks.retain(|k| !named(&k.name));
            }
            if constraint && before == table.foreign_keys.len() + table.checks.len() {
                // `DROP CONSTRAINT u` drops a unique key too (MariaDB 10.2+, MySQL 8.0.19+).
                let exists = self.schema.indexes.iter().any(|i| {
                    i.table.name.eq_ignore_ascii_case(&table.name.name)
                        && i.name.name.eq_ignore_ascii_case(&name)
                });
                if exists {
                    self.mysql_drop_index_of(&table.name.name.clone(), &name, false);
                    return Ok(());
                }
            }
            if before == table.foreign_keys.len() + table.checks.len() && !if_exists {
                return Err(format!(
                    "there is no constraint {name} on table {}",
                    table.name
                ));
            }
            return Ok(());
        }
        c.eat("COLUMN");
        let if_exists = c.eat_all(&["IF", "EXISTS"]);
        let column = c.name().ok_or_else(String::new)?;
        let Some(found) = table
            .column(crate::Dialect::Mysql, &column)
            .map(|col| col.name.clone())
        else {
            if if_exists {
                return Ok(());
            }
            return Err(format!(
                "column {column} of table {} does not exist",
                table.name
            ));
        };
        let is = |c: &String| c.eq_ignore_ascii_case(&found);
        table.columns.retain(|col| !is(&col.name));
        table.primary_key.retain(|k| !is(k));
        table.foreign_keys.retain(|f| !f.columns.iter().any(is));
        table.checks.retain(|k| !mentions(&k.expr, &found));
        let t = table.name.name.clone();
        for index in self
            .schema
            .indexes
            .iter_mut()
            .filter(|i| i.table.name.eq_ignore_ascii_case(&t))
        {
            let keep: Vec<bool> = index.columns.iter().map(|k| !is(&key_column(k))).collect();
            let mut flags = keep.iter();
            index.keys.retain(|_| *flags.next().unwrap_or(&true));
            index.columns.retain(|k| !is(&key_column(k)));
        }
        self.schema.indexes.retain(|i| !i.columns.is_empty());
        let origin = self.origin();
        self.schema.dropped_columns.push(DroppedColumn {
            table: table.name.clone(),
            column: found,
            renamed_to: None,
            origin,
        });
        Ok(())
    }

    /// Renames a column everywhere it is named: keys, indexes, foreign keys (this table's and
    /// those that refer to it), checks.
    fn mysql_rename_column(&mut self, table: &mut Table, old: &str, new: &str) {
        let rename = |c: &mut String| {
            if c.eq_ignore_ascii_case(old) {
                *c = new.to_owned();
            }
        };
        for col in &mut table.columns {
            if col.name.eq_ignore_ascii_case(old) {
                col.name = new.to_owned();
                col.origin = self.origin();
            }
        }
        table.primary_key.iter_mut().for_each(rename);
        for fk in &mut table.foreign_keys {
            fk.columns.iter_mut().for_each(rename);
        }
        for check in &mut table.checks {
            check.expr = replace_word(&check.expr, old, new);
            // A column check is named after its column, and follows it (MariaDB).
            if check
                .name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(old))
            {
                check.name = Some(new.to_owned());
            }
        }
        let t = table.name.name.clone();
        for fk in self
            .schema
            .tables
            .iter_mut()
            .flat_map(|x| x.foreign_keys.iter_mut())
            .chain(table.foreign_keys.iter_mut())
            .filter(|f| f.foreign_table.name.eq_ignore_ascii_case(&t))
        {
            fk.referred_columns.iter_mut().for_each(rename);
        }
        for index in self
            .schema
            .indexes
            .iter_mut()
            .filter(|i| i.table.name.eq_ignore_ascii_case(&t))
        {
            for key in &mut index.columns {
                if key_column(key).eq_ignore_ascii_case(old) {
                    *key = format!("{new}{}", &key[key_column(key).len()..]);
                }
            }
        }
        let origin = self.origin();
        self.schema.dropped_columns.push(DroppedColumn {
            table: table.name.clone(),
            column: old.to_owned(),
            renamed_to: Some(new.to_owned()),
            origin,
        });
    }
}

/// The column of an index key (`email(10)` -> `email`).
fn key_column(key: &str) -> String {
    key.split('(').next().unwrap_or(key).to_owned()
}

/// A column definition without its trailing `FIRST` / `AFTER x`, and that position.
fn position(def: &[Token]) -> (&[Token], Option<Option<String>>) {
    let n = def.len();
    if n >= 1 && def[n - 1].is("FIRST") {
        return (&def[..n - 1], Some(None));
    }
    if n >= 2 && def[n - 2].is("AFTER") && def[n - 1].is_name() {
        return (&def[..n - 2], Some(Some(def[n - 1].text.clone())));
    }
    (def, None)
}

/// Puts `column` at `position`: the end (`None`), first (`Some(None)`) or after a column.
fn place(
    table: &mut Table,
    column: crate::schema::Column,
    position: Option<Option<String>>,
) -> Result<(), String> {
    match position {
        None => table.columns.push(column),
        Some(None) => table.columns.insert(0, column),
        Some(Some(after)) => {
            let at = table
                .columns
                .iter()
                .position(|c| c.name.eq_ignore_ascii_case(&after))
                .ok_or_else(|| {
                    format!(
                        "`AFTER {after}`: column {after} of table {} does not exist",
                        table.name
                    )
                })?;
            table.columns.insert(at + 1, column);
        }
    }
    Ok(())
}

/// Whether `expr` names the column `name` (outside string literals).
fn mentions(expr: &str, name: &str) -> bool {
    super::lexer::tokens(expr)
        .iter()
        .any(|t| t.is_name() && t.text.eq_ignore_ascii_case(name))
}

/// `expr` with the column `old` renamed `new`.
fn replace_word(expr: &str, old: &str, new: &str) -> String {
    let mut out = String::new();
    let mut last = 0;
    for t in super::lexer::tokens(expr) {
        if t.is_name() && t.text.eq_ignore_ascii_case(old) {
            out.push_str(&expr[last..t.start]);
            out.push_str(&format!("`{new}`"));
            last = t.end;
        }
    }
    out.push_str(&expr[last..]);
    out
}
