//! The MySQL/MariaDB checks, read with the replay's own MySQL lexer: ALTER TABLE operations
//! InnoDB can only do by copying the table (ALGORITHM=COPY, writes blocked throughout), on
//! MariaDB 10.4+ and MySQL 8.0; FULLTEXT/SPATIAL indexes and `LOCK=SHARED|EXCLUSIVE`, which
//! block writes; ENUM labels reordered or removed; and the rules of every
//! dialect (drop and rename of tables and columns, NOT NULL dropped by a MODIFY that omits it).
//!
//! What copies, from the servers' online DDL tables: changing a column's type (except
//! widening a VARCHAR that keeps its length prefix, and appending ENUM labels), converting
//! the table's character set, dropping the primary key without adding one, adding a foreign
//! key while `foreign_key_checks` is on, adding an AUTO_INCREMENT or STORED generated column,
//! and ORDER BY. Adding, dropping and reordering columns is INSTANT on both servers.

use super::Context;
use super::rules::*;
use crate::Statement;
use crate::replay::statements::mysql::columns::column_def;
use crate::replay::statements::mysql::lexer::{Cursor, Kind, Token, comma_separated, tokens};
use crate::schema::{Name, Origin};

/// The findings of one statement.
pub(super) fn check(cx: &mut Context<'_>, statement: &Statement<'_>) -> Vec<Found> {
    let toks = tokens(statement.sql);
    let mut c = Cursor::new(&toks);
    let mut out = Vec::new();
    if c.eat("SET") {
        if let Some(off) = foreign_key_checks(&toks) {
            cx.foreign_key_checks_off = off;
        }
    } else if c.eat("ALTER") {
        c.eat("ONLINE");
        c.eat("IGNORE");
        if c.eat("TABLE") {
            alter(cx, &mut c, statement.sql, &mut out);
        }
    } else if c.eat("CREATE") && (c.eat("FULLTEXT") || c.eat("SPATIAL")) && c.eat("INDEX") {
        let kind = toks[1].text.to_ascii_uppercase();
        let _ = c.name();
        if c.eat("ON")
            && let Some(table) = c.name().map(|n| Name::new(None, &n))
            && cx.is_existing(&table)
            && !says_lock_none(&toks)
        {
            out.push(found(
                MYSQL_BLOCKS_WRITES,
                format!("CREATE {kind} INDEX on {} blocks writes to it", table.name),
            ));
        }
    } else if c.eat("DROP") {
        c.eat("TEMPORARY");
        if c.eat("TABLE") || c.eat("TABLES") {
            c.eat_all(&["IF", "EXISTS"]);
            for part in comma_separated(&toks[c.at..]) {
                let mut p = Cursor::new(part);
                if let Some(name) = p.name().map(|n| Name::new(None, &n))
                    && cx.is_existing(&name)
                {
                    out.push(found(DROP_TABLE, format!("DROP TABLE {}", name.name)));
                }
            }
        }
    } else if c.eat("RENAME") && (c.eat("TABLE") || c.eat("TABLES")) {
        for part in comma_separated(&toks[c.at..]) {
            let mut p = Cursor::new(part);
            if let Some(name) = p.name().map(|n| Name::new(None, &n))
                && cx.is_existing(&name)
            {
                out.push(found(RENAME, format!("table {} renamed", name.name)));
            }
        }
    }
    out
}

/// `Some(true)` for `SET foreign_key_checks = 0` (or OFF), `Some(false)` for 1 (or ON).
fn foreign_key_checks(toks: &[Token]) -> Option<bool> {
    let at = toks.iter().position(|t| t.is("FOREIGN_KEY_CHECKS"))?;
    let value = toks.get(at + 2).filter(|_| toks[at + 1].is_punct('='))?;
    Some(value.text == "0" || value.is("OFF"))
}

fn alter(cx: &mut Context<'_>, c: &mut Cursor<'_>, sql: &str, out: &mut Vec<Found>) {
    let Some(name) = c.name().map(|n| Name::new(None, &n)) else {
        return;
    };
    // A table the linted migrations created holds no rows the live traffic needs.
    if !cx.is_existing(&name) {
        return;
    }
    let schema = cx.schema;
    let Some(table) = schema.table(&name) else {
        return;
    };
    let ops = comma_separated(&c.toks[c.at..]);
    let option = |word: &str| {
        ops.iter().find_map(|op| {
            let mut o = Cursor::new(op);
            if !o.eat(word) {
                return None;
            }
            o.eat_punct('=');
            o.next().map(|t| t.text.to_ascii_uppercase())
        })
    };
    // The server refuses what it cannot do that way instead of copying.
    let online = option("ALGORITHM")
        .is_some_and(|a| matches!(a.as_str(), "INPLACE" | "INSTANT" | "NOCOPY"))
        || option("LOCK").as_deref() == Some("NONE");
    let adds_primary_key = ops
        .iter()
        .any(|op| op.first().is_some_and(|t| t.is("ADD")) && has_words(op, "PRIMARY", "KEY"));
    let mut copies = Vec::new();
    for op in &ops {
        let mut o = Cursor::new(op);
        let Some(first) = o.next() else { continue };
        match first.text.to_ascii_uppercase().as_str() {
            "ADD" if has_words(op, "FOREIGN", "KEY") && !cx.foreign_key_checks_off => {
                copies.push("adds a foreign key while foreign_key_checks is on".to_owned());
            }
            "ADD" if !is_table_element(&op[1..]) => {
                o.eat("COLUMN");
                o.eat_all(&["IF", "NOT", "EXISTS"]);
                let defs = match o.group() {
                    Some(group) if o.done() => comma_separated(group),
                    _ => vec![&op[o.at..]],
                };
                for def in defs {
                    let column = def.first().map_or("", |t| t.text.as_str());
                    if def.iter().any(|t| t.is("AUTO_INCREMENT")) {
                        copies.push(format!("adds the AUTO_INCREMENT column {column}"));
                    } else if def.iter().any(|t| t.is("STORED") || t.is("PERSISTENT")) {
                        copies.push(format!("adds the STORED generated column {column}"));
                    }
                }
            }
            "DROP" if o.peek_is("PRIMARY") && !adds_primary_key => {
                copies.push("drops the primary key without adding one".to_owned());
            }
            "DROP" => {
                o.eat("COLUMN");
                o.eat_all(&["IF", "EXISTS"]);
                let kept = [
                    "INDEX",
                    "KEY",
                    "FOREIGN",
                    "CONSTRAINT",
                    "CHECK",
                    "PARTITION",
                ];
                if let Some(column) = o.peek().filter(|t| !kept.iter().any(|k| t.is(k)))
                    && table.column(crate::Dialect::Mysql, &column.text).is_some()
                {
                    out.push(found(
                        DROP_COLUMN,
                        format!("column {}.{} dropped", name.name, column.text),
                    ));
                }
            }
            word @ ("MODIFY" | "CHANGE") => {
                o.eat("COLUMN");
                o.eat_all(&["IF", "EXISTS"]);
                let old = if word == "CHANGE" {
                    o.next().map(|t| t.text.clone())
                } else {
                    o.peek().map(|t| t.text.clone())
                };
                let origin = Origin {
                    path: String::new(),
                    line: 0,
                };
                let (Some(old), Ok(new)) = (old, column_def(&op[o.at..], sql, origin)) else {
                    continue;
                };
                if !new.column.name.eq_ignore_ascii_case(&old) {
                    out.push(found(
                        RENAME,
                        format!("column {}.{old} renamed to {}", name.name, new.column.name),
                    ));
                }
                // The model is the one before the migration: a column renamed earlier in it
                // has its old name there.
                let old = cx.original_column(&name, &old);
                if !new.column.name.eq_ignore_ascii_case(&old) {
                    let renamed = (name.clone(), new.column.name.clone(), old.clone());
                    cx.renamed.push(renamed);
                }
                let Some(before) = table.column(crate::Dialect::Mysql, &old) else {
                    continue;
                };
                // MODIFY restates the whole column: without NOT NULL it becomes nullable.
                let keyed = new.primary
                    || table
                        .primary_key
                        .iter()
                        .any(|k| k.eq_ignore_ascii_case(&old));
                if before.not_null && !new.column.not_null && !keyed {
                    out.push(found(
                        DROP_NOT_NULL,
                        format!("column {}.{old} loses NOT NULL", name.name),
                    ));
                }
                match type_change(&before.sql_type, &new.column.sql_type) {
                    Change::Free => {}
                    Change::Copies(why) => copies.push(format!("column {old}: {why}")),
                    Change::Labels(why) => out.push(found(
                        MYSQL_ENUM_REORDER,
                        format!("column {}.{old}: {why}", name.name),
                    )),
                }
            }
            "RENAME" if o.eat("COLUMN") => {
                if let (Some(old), _, Some(new)) = (o.name(), o.eat("TO"), o.name()) {
                    out.push(found(
                        RENAME,
                        format!("column {}.{old} renamed to {new}", name.name),
                    ));
                    let old = cx.original_column(&name, &old);
                    cx.renamed.push((name.clone(), new, old));
                }
            }
            "RENAME" if !(o.peek_is("INDEX") || o.peek_is("KEY")) => {
                out.push(found(RENAME, format!("table {} renamed", name.name)));
            }
            "CONVERT" => copies.push("converts the table to another character set".to_owned()),
            "ORDER" => copies.push("ORDER BY rewrites the rows in order".to_owned()),
            _ => {}
        }
    }
    if !copies.is_empty() && !online {
        out.push(found(
            MYSQL_COPY,
            format!(
                "ALTER TABLE {} copies the table (ALGORITHM=COPY): {}",
                name.name,
                copies.join("; ")
            ),
        ));
        return; // a copy blocks writes anyway
    }
    let mut blocks: Vec<String> = ops
        .iter()
        .filter(|op| op.first().is_some_and(|t| t.is("ADD")))
        .filter_map(|op| op.get(1).filter(|t| t.is("FULLTEXT") || t.is("SPATIAL")))
        .map(|t| format!("adds a {} index", t.text.to_ascii_uppercase()))
        .collect();
    match option("LOCK").as_deref() {
        Some("NONE") => blocks.clear(), // the server refuses instead
        Some(lock @ ("SHARED" | "EXCLUSIVE")) => blocks.push(format!("asks for LOCK={lock}")),
        _ => {}
    }
    if !blocks.is_empty() {
        out.push(found(
            MYSQL_BLOCKS_WRITES,
            format!(
                "ALTER TABLE {} blocks writes to it: {}",
                name.name,
                blocks.join("; ")
            ),
        ));
    }
}

/// Whether the statement says `LOCK=NONE` (then the server refuses to block writes).
fn says_lock_none(toks: &[Token]) -> bool {
    toks.windows(3)
        .any(|w| w[0].is("LOCK") && w[1].is_punct('=') && w[2].is("NONE"))
        || has_words(toks, "LOCK", "NONE")
}

/// Whether `a` is directly followed by `b` in the tokens.
fn has_words(toks: &[Token], a: &str, b: &str) -> bool {
    toks.windows(2).any(|w| w[0].is(a) && w[1].is(b))
}

/// `ADD` followed by a key, index or constraint rather than a column.
fn is_table_element(rest: &[Token]) -> bool {
    let elements = [
        "CONSTRAINT",
        "PRIMARY",
        "UNIQUE",
        "INDEX",
        "KEY",
        "FULLTEXT",
        "SPATIAL",
        "FOREIGN",
        "CHECK",
        "PARTITION",
    ];
    rest.first()
        .is_some_and(|t| elements.iter().any(|e| t.is(e)))
}

/// What changing a column's type from `old` to `new` (both as the replay writes them) costs.
#[derive(Debug, PartialEq)]
enum Change {
    Free,
    Copies(String),
    Labels(String),
}

fn type_change(old: &str, new: &str) -> Change {
    let base = |t: &str| t.split('(').next().unwrap_or("").trim().to_owned();
    let (old_base, new_base) = (base(old), base(new));
    if old == new {
        return Change::Free;
    }
    let enums = ["enum", "set"];
    if old_base == new_base && enums.contains(&old_base.as_str()) {
        let (was, now) = (labels(old), labels(new));
        if !now.starts_with(&was) {
            let gone: Vec<&String> = was.iter().filter(|l| !now.contains(l)).collect();
            return Change::Labels(if gone.is_empty() {
                format!("{old_base} labels reordered ({old} to {new})")
            } else {
                let gone: Vec<String> = gone.iter().map(|l| format!("'{l}'")).collect();
                format!("{old_base} label(s) {} removed", gone.join(", "))
            });
        }
        if storage_bytes(&old_base, was.len()) != storage_bytes(&new_base, now.len()) {
            return Change::Copies(format!(
                "{} labels need a wider stored value than {}",
                now.len(),
                was.len()
            ));
        }
        return Change::Free;
    }
    if old_base == new_base && matches!(old_base.as_str(), "varchar" | "varbinary") {
        let (Some(was), Some(now)) = (length(old), length(new)) else {
            return Change::Copies(format!("type changed from {old} to {new}"));
        };
        // The length prefix is one byte up to 255 bytes, two from 256 (utf8mb4: 4 bytes a
        // character); MySQL copies when it grows, MariaDB 10.4+ does not.
        let bytes = |n: u64| if old_base == "varchar" { n * 4 } else { n };
        if now < was {
            return Change::Copies(format!("{old} shortened to {new}"));
        }
        if bytes(was) <= 255 && bytes(now) > 255 {
            return Change::Copies(format!(
                "{old} to {new} needs a 2-byte length prefix (MySQL 8 copies; MariaDB 10.4+ does not)"
            ));
        }
        return Change::Free;
    }
    Change::Copies(format!("type changed from {old} to {new}"))
}

/// The labels of `enum('a','b')`.
fn labels(ty: &str) -> Vec<String> {
    tokens(ty)
        .into_iter()
        .filter(|t| t.kind == Kind::Str)
        .map(|t| t.text)
        .collect()
}

/// `n` of `varchar(n)`.
fn length(ty: &str) -> Option<u64> {
    let inner = ty.split_once('(')?.1.split_once(')')?.0;
    inner.trim().parse().ok()
}

/// The bytes a stored ENUM (1 up to 255 labels) or SET (1 byte per 8 members) value takes.
fn storage_bytes(base: &str, count: usize) -> usize {
    if base == "enum" {
        if count <= 255 { 1 } else { 2 }
    } else {
        match count {
            0..=8 => 1,
            9..=16 => 2,
            17..=24 => 3,
            25..=32 => 4,
            _ => 8,
        }
    }
}
