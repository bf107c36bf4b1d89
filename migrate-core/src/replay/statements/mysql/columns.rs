//! A MySQL column definition: `name type [options…]`, with the keys and checks written on it.

use super::lexer::{Cursor, Kind, Token, text};
use super::types::normalize;
use crate::schema::{Column, Generated, Identity, Origin};

/// A foreign key's `REFERENCES t (cols) [ON DELETE a] [ON UPDATE a]`.
#[derive(Debug, Clone, Default)]
pub(crate) struct References {
    pub table: String,
    pub columns: Vec<String>,
    pub on_delete: Option<String>,
    pub on_update: Option<String>,
}

/// A column and what its options add to the table.
pub(crate) struct ColumnDef {
    pub column: Column,
    pub primary: bool,
    pub unique: bool,
    pub key: bool,
    /// `CHECK (…)` on the column: its name if written, and the expression.
    pub checks: Vec<(Option<String>, String)>,
    /// `REFERENCES …` on the column (MariaDB 10.5+ makes it a foreign key; MySQL ignores it).
    pub references: Option<References>,
}

/// Reads a column definition from `toks` (the text of the statement is `sql`).
pub(crate) fn column_def(toks: &[Token], sql: &str, origin: Origin) -> Result<ColumnDef, String> {
    let mut c = Cursor::new(toks);
    let name = c
        .next()
        .filter(|t| t.is_name())
        .ok_or("a column definition without a name")?
        .text
        .clone();
    // The type: words, and a parenthesised list, up to the first option.
    let type_start = c.at;
    while let Some(t) = c.peek() {
        if t.is_punct('(') {
            c.group();
            continue;
        }
        let charset = (t.is("CHARACTER") || t.is("CHAR"))
            && c.toks.get(c.at + 1).is_some_and(|n| n.is("SET"));
        if t.kind == Kind::Word && (c.at == type_start || !(is_option(&t.text) || charset)) {
            c.next();
            continue;
        }
        break;
    }
    if c.at == type_start {
        return Err(format!("column {name} has no type"));
    }
    let written_type = text(sql, &toks[type_start..c.at]);
    let sql_type = normalize(written_type);
    let upper = written_type.to_ascii_uppercase();
    let serial = upper.trim() == "SERIAL";
    let mut def = ColumnDef {
        column: Column {
            name,
            sql_type,
            not_null: serial,
            default: None,
            identity: serial.then_some(Identity::ByDefault),
            generated: None,
            owns_sequence: false,
            origin,
        },
        primary: false,
        unique: serial,
        key: false,
        checks: Vec::new(),
        references: None,
    };
    let column = &mut def.column;
    while let Some(t) = c.next() {
        let word = t.text.to_ascii_uppercase();
        match word.as_str() {
            "NOT" if c.eat("NULL") => column.not_null = true,
            "NULL" => column.not_null = false,
            "DEFAULT" => {
                let expr = default_expr(&mut c, sql)?;
                column.default = super::columns::stored_default(&column.sql_type, &expr);
            }
            "AUTO_INCREMENT" => {
                column.identity = Some(Identity::ByDefault);
                column.not_null = true;
            }
            "PRIMARY" => {
                c.eat("KEY");
                def.primary = true;
                column.not_null = true;
            }
            "KEY" => def.key = true,
            "UNIQUE" => {
                c.eat("KEY");
                def.unique = true;
            }
            "COMMENT"
            | "COLUMN_FORMAT"
            | "STORAGE"
            | "COLLATE"
            | "CHARSET"
            | "SRID"
            | "ENGINE_ATTRIBUTE"
            | "SECONDARY_ENGINE_ATTRIBUTE" => {
                c.eat_punct('=');
                c.next();
            }
            "CHARACTER" | "CHAR" if c.eat("SET") => {
                c.next();
            }
            "ASCII" | "UNICODE" | "BINARY" | "BYTE" | "INVISIBLE" | "VISIBLE" => {}
            "ON" if c.eat("UPDATE") => {
                default_expr(&mut c, sql)?;
            }
            "GENERATED" | "AS" => {
                if word == "GENERATED" && !c.eat_all(&["ALWAYS", "AS"]) {
                    return Err(format!(
                        "`GENERATED` on column {} without `ALWAYS AS`",
                        column.name
                    ));
                }
                let group = c.group().ok_or("`AS` without its (expression)")?;
                let stored = c.eat("STORED") || c.eat("PERSISTENT");
                c.eat("VIRTUAL");
                column.generated = Some(Generated {
                    expr: text(sql, group).to_owned(),
                    stored,
                });
            }
            "CONSTRAINT" => {
                let name = c
                    .peek()
                    .filter(|t| t.is_name() && !t.is("CHECK"))
                    .map(|t| t.text.clone());
                if name.is_some() {
                    c.next();
                }
                if !c.eat("CHECK") {
                    return Err(format!(
                        "`CONSTRAINT` on column {} without `CHECK`",
                        column.name
                    ));
                }
                let group = c.group().ok_or("`CHECK` without its (expression)")?;
                def.checks.push((name, text(sql, group).to_owned()));
            }
            "CHECK" => {
                let group = c.group().ok_or("`CHECK` without its (expression)")?;
                def.checks.push((None, text(sql, group).to_owned()));
            }
            "REFERENCES" => def.references = Some(references(&mut c)?),
            _ => {
                return Err(format!(
                    "`{}` in the definition of column {} is not understood by the schema replay",
                    t.text, column.name
                ));
            }
        }
    }
    Ok(def)
}

/// Words that end a column's type.
fn is_option(word: &str) -> bool {
    matches!(
        word.to_ascii_uppercase().as_str(),
        "NOT"
            | "NULL"
            | "DEFAULT"
            | "AUTO_INCREMENT"
            | "PRIMARY"
            | "KEY"
            | "UNIQUE"
            | "COMMENT"
            | "COLLATE"
            | "CHARSET"
            | "ON"
            | "GENERATED"
            | "AS"
            | "CHECK"
            | "CONSTRAINT"
            | "REFERENCES"
            | "COLUMN_FORMAT"
            | "STORAGE"
            | "INVISIBLE"
            | "VISIBLE"
            | "SRID"
            | "BINARY"
            | "ASCII"
            | "UNICODE"
            | "BYTE"
    )
}

/// The expression after `DEFAULT` (or `ON UPDATE`): a literal, a signed number, a word with
/// an optional argument list (`CURRENT_TIMESTAMP(6)`), or a parenthesised expression.
fn default_expr(c: &mut Cursor<'_>, sql: &str) -> Result<String, String> {
    let start = c.at;
    if c.peek_punct('(') {
        c.group();
    } else {
        if c.peek_punct('-') || c.peek_punct('+') {
            c.next();
        }
        let t = c.next().ok_or("`DEFAULT` without a value")?;
        // _utf8mb4'x', b'101', x'FF'
        if t.kind == Kind::Word
            && c.peek()
                .is_some_and(|n| n.kind == Kind::Str && n.start == t.end)
        {
            c.next();
        }
        if t.kind == Kind::Word && c.peek_punct('(') {
            c.group();
        }
    }
    Ok(text(sql, &c.toks[start..c.at]).to_owned())
}

/// `REFERENCES t [(cols)] [MATCH x] [ON DELETE a] [ON UPDATE a]`, after `REFERENCES`.
pub(super) fn references(c: &mut Cursor<'_>) -> Result<References, String> {
    let table = c.name().ok_or("`REFERENCES` without a table")?;
    let columns = match c.group() {
        Some(group) => names(group),
        None => Vec::new(),
    };
    let mut r = References {
        table,
        columns,
        ..References::default()
    };
    loop {
        if c.eat("MATCH") {
            c.next();
        } else if c.eat("ON") {
            let delete = c.eat("DELETE");
            if !delete && !c.eat("UPDATE") {
                return Err("`ON` in a foreign key without `DELETE` or `UPDATE`".into());
            }
            let action = if c.eat_all(&["SET", "NULL"]) {
                "SET NULL".to_owned()
            } else if c.eat_all(&["SET", "DEFAULT"]) {
                "SET DEFAULT".to_owned()
            } else if c.eat_all(&["NO", "ACTION"]) {
                "NO ACTION".to_owned()
            } else {
                c.next()
                    .map(|t| t.text.to_ascii_uppercase())
                    .unwrap_or_default()
            };
            let action = referential_action(&action);
            if delete {
                r.on_delete = action;
            } else {
                r.on_update = action;
            }
        } else {
            return Ok(r);
        }
    }
}

/// MySQL's `RESTRICT` is `NO ACTION` (InnoDB checks both at once): neither is kept.
pub fn referential_action(action: &str) -> Option<String> {
    crate::schema::referential_action(action).filter(|a| a != "RESTRICT")
}

/// The names in a parenthesised list (`(a, b)`), dropping prefix lengths and orders.
pub(super) fn names(group: &[Token]) -> Vec<String> {
    super::lexer::comma_separated(group)
        .iter()
        .filter_map(|part| part.first().filter(|t| t.is_name()).map(|t| t.text.clone()))
        .collect()
}

/// A default as the server keeps it (MariaDB's `COLUMN_DEFAULT`): `NULL` is none, `TRUE` is
/// `1`, `NOW()` and `CURRENT_TIMESTAMP` are `current_timestamp()`, a number in a `decimal`
/// column has the column's scale, a string literal keeps its quotes.
pub fn stored_default(sql_type: &str, expr: &str) -> Option<String> {
    let trimmed = expr.trim();
    let upper = trimmed.to_ascii_uppercase();
    if upper == "NULL" {
        return None;
    }
    let clock = ["CURRENT_TIMESTAMP", "NOW", "LOCALTIME", "LOCALTIMESTAMP"];
    if let Some(word) = clock.iter().find(|w| upper.starts_with(*w)) {
        let rest = upper[word.len()..].trim();
        let args = rest.trim_start_matches('(').trim_end_matches(')').trim();
        if rest.is_empty() || rest.starts_with('(') {
            return Some(if args.is_empty() {
                "current_timestamp()".to_owned()
            } else {
                format!("current_timestamp({args})")
            });
        }
    }
    match upper.as_str() {
        "TRUE" => return Some("1".to_owned()),
        "FALSE" => return Some("0".to_owned()),
        _ => {}
    }
    let number = trimmed.trim_start_matches('+');
    if number.parse::<f64>().is_ok() && !number.starts_with("0x") {
        if let Some(scale) = decimal_scale(sql_type) {
            let value: f64 = number.parse().unwrap_or(0.0);
            return Some(format!("{value:.scale$}"));
        }
        return Some(number.to_owned());
    }
    Some(trimmed.to_owned())
}

fn decimal_scale(sql_type: &str) -> Option<usize> {
    let args = sql_type.strip_prefix("decimal(")?;
    args.split([',', ')']).nth(1)?.trim().parse().ok()
}
