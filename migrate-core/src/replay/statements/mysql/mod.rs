//! MySQL and MariaDB DDL, read by a small reader of its own (sqlparser's MySQL dialect lacks
//! `ZEROFILL`, `RENAME INDEX`, `CREATE FULLTEXT INDEX`, table options in `ALTER TABLE`):
//! a module per statement family, as for the other dialects.
//!
//! The model follows MariaDB's catalog (the server the differential tests run on): every
//! index, unique ones included, is an [`Index`](crate::schema::Index) (MySQL has no unique
//! constraint apart from its index), named as the server names it (`email`, `email_2`); the
//! primary key has no name (it is always `PRIMARY`); foreign keys are named `<table>_ibfk_<n>`
//! when not named, and make the index the server makes for them; checks are named after their
//! column (column checks) or `CONSTRAINT_<n>` (MariaDB; MySQL 8 says `<table>_chk_<n>`);
//! `AUTO_INCREMENT` is an identity (`BY DEFAULT`); `JSON` is `json` (MariaDB stores a
//! `longtext` with a `json_valid` check, which introspection reads back as `json`); character
//! sets, collations, comments, `ON UPDATE` and table options are read and not modelled.

mod alter;
pub(crate) mod columns;
mod indexes;
pub(crate) mod lexer;
mod tables;
pub mod types;

use lexer::{Cursor, tokens};

use super::Run;
use crate::schema::{Name, View};

impl Run<'_> {
    /// Replays one MySQL statement.
    pub(in crate::replay) fn mysql(&mut self, sql: &str, words: &[String]) {
        if super::super::is_untracked(words) || untracked(words) {
            return;
        }
        let toks = tokens(sql);
        let mut c = Cursor::new(&toks);
        let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
        let what = words.iter().take(3).cloned().collect::<Vec<_>>().join(" ");
        let read = match w(0) {
            "CREATE" => {
                c.eat("CREATE");
                c.eat_all(&["OR", "REPLACE"]);
                let temporary = c.eat("TEMPORARY");
                skip_view_options(&mut c);
                if c.eat("TABLE") {
                    self.mysql_create_table(&mut c, sql, temporary)
                } else if c.eat("VIEW") {
                    self.mysql_create_view(&mut c, sql)
                } else {
                    let kind = ["UNIQUE", "FULLTEXT", "SPATIAL"]
                        .into_iter()
                        .find(|k| c.eat(k));
                    if c.eat("INDEX") {
                        self.mysql_create_index(&mut c, kind)
                    } else {
                        Err(String::new())
                    }
                }
            }
            "ALTER" => {
                c.eat("ALTER");
                c.eat("ONLINE");
                c.eat("IGNORE");
                if c.eat("TABLE") {
                    self.mysql_alter_table(&mut c, sql)
                } else {
                    Err(String::new())
                }
            }
            "DROP" => {
                c.eat("DROP");
                let temporary = c.eat("TEMPORARY");
                if c.eat("TABLE") || c.eat("TABLES") {
                    self.mysql_drop_tables(&mut c, temporary)
                } else if c.eat("VIEW") {
                    self.mysql_drop_views(&mut c)
                } else if c.eat("INDEX") {
                    self.mysql_drop_index(&mut c)
                } else {
                    Err(String::new())
                }
            }
            "RENAME" => {
                c.eat("RENAME");
                if c.eat("TABLE") || c.eat("TABLES") {
                    self.mysql_rename_tables(&mut c)
                } else {
                    Err(String::new())
                }
            }
            "PREPARE" => self.mysql_prepare(&mut c),
            _ => Err(String::new()),
        };
        if let Err(why) = read {
            if why.is_empty() {
                let at = c.peek().map_or(sql.len(), |t| t.start);
                self.error_at(
                    self.offset + at,
                    format!("`{what} …` is not understood by the schema replay (MySQL)"),
                );
            } else {
                self.error(why);
            }
        }
    }

    /// `PREPARE s FROM 'sql'` replays the text it prepares (an `EXECUTE` follows it); from a
    /// variable the text is only known when it runs: an error, whose way out is an override
    /// giving the DDL it amounts to.
    fn mysql_prepare(&mut self, c: &mut Cursor<'_>) -> Result<(), String> {
        c.eat("PREPARE");
        c.name();
        c.eat("FROM");
        match c.next() {
            Some(t) if t.kind == lexer::Kind::Str && c.done() => {
                let text = t.text.clone();
                let words: Vec<String> = text
                    .split(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
                    .filter(|w| !w.is_empty())
                    .take(8)
                    .map(str::to_ascii_uppercase)
                    .collect();
                let saved = std::mem::replace(&mut self.text, text.clone());
                self.mysql(&text, &words);
                self.text = saved;
                Ok(())
            }
            _ => Err(
                "`PREPARE … FROM @variable` runs SQL known only when it runs, which the schema replay cannot read"
                    .into(),
            ),
        }
    }

    fn mysql_create_view(&mut self, c: &mut Cursor<'_>, _sql: &str) -> Result<(), String> {
        c.eat_all(&["IF", "NOT", "EXISTS"]);
        let name = Name::new(None, &c.name().ok_or_else(String::new)?);
        let origin = self.origin();
        self.schema
            .views
            .retain(|v| !v.name.name.eq_ignore_ascii_case(&name.name));
        self.schema.views.push(View {
            name,
            columns: None,
            depends_on: Vec::new(),
            origin,
        });
        Ok(())
    }

    fn mysql_drop_views(&mut self, c: &mut Cursor<'_>) -> Result<(), String> {
        let if_exists = c.eat_all(&["IF", "EXISTS"]);
        loop {
            let name = c.name().ok_or_else(String::new)?;
            let before = self.schema.views.len();
            self.schema
                .views
                .retain(|v| !v.name.name.eq_ignore_ascii_case(&name));
            if before == self.schema.views.len() && !if_exists {
                self.error(format!("there is no view {name} to drop"));
            }
            if !c.eat_punct(',') {
                return Ok(());
            }
        }
    }
}

/// `ALGORITHM = x`, `DEFINER = u@h`, `SQL SECURITY x` before `VIEW` (and `DEFINER` before a
/// trigger or routine).
fn skip_view_options(c: &mut Cursor<'_>) {
    loop {
        if c.eat("ALGORITHM") || c.eat("DEFINER") {
            c.eat_punct('=');
            // `user`@`host`, CURRENT_USER, CURRENT_USER()
            c.next();
            if c.peek().is_some_and(|t| t.text.starts_with('@')) {
                c.next();
                c.next();
            }
            if c.peek_punct('(') {
                c.group();
            }
        } else if c.eat_all(&["SQL", "SECURITY"]) {
            c.next();
        } else {
            return;
        }
    }
}

/// MySQL statements that change no tracked schema, besides those of every dialect.
fn untracked(words: &[String]) -> bool {
    let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    if matches!(
        w(0),
        "USE"
            | "LOCK"
            | "UNLOCK"
            | "FLUSH"
            | "OPTIMIZE"
            | "REPAIR"
            | "CHECKSUM"
            | "SHOW"
            | "DO"
            | "REPLACE"
            | "LOAD"
            | "HANDLER"
            | "INSTALL"
            | "UNINSTALL"
            | "KILL"
            | "EXECUTE"
            | "DEALLOCATE"
            | "XA"
            | "DESCRIBE"
            | "DESC"
            | "HELP"
    ) {
        return true;
    }
    // `CREATE DEFINER = … TRIGGER`, `ALTER EVENT`, `DROP TRIGGER`: routines are not modelled.
    matches!(w(0), "CREATE" | "ALTER" | "DROP")
        && words.iter().skip(1).take(6).any(|x| {
            matches!(
                x.as_str(),
                "TRIGGER"
                    | "PROCEDURE"
                    | "FUNCTION"
                    | "EVENT"
                    | "DATABASE"
                    | "SCHEMA"
                    | "USER"
                    | "ROLE"
                    | "SERVER"
                    | "LOGFILE"
                    | "TABLESPACE"
                    | "SEQUENCE"
            )
        })
        && !words
            .iter()
            .skip(1)
            .take(3)
            .any(|x| x == "TABLE" || x == "VIEW" || x == "INDEX")
}

#[cfg(test)]
mod tests;
