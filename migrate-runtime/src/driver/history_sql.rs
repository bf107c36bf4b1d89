//! The statements that write the history table, written once for every dialect.
//!
//! Each is written with `$n` placeholders and its values in order; [`Placeholders`] turns it
//! into the form a driver reads (`$n`, `?n`, or plain `?` with the values repeated in the
//! order they appear). A driver only runs the [`HistoryStatement`] (see
//! [`super::Driver::write_history`]).

use migrate_core::Version;

use super::{NewRow, ProgressUpdate, TableName};

/// How a driver writes bind parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholders {
    /// `$1`, `$2` (PostgreSQL).
    Dollar,
    /// `?1`, `?2` (SQLite).
    NumberedQuestion,
    /// `?` in order of appearance (MySQL): a value used twice is bound twice.
    Question,
}

/// A value to bind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Int(i64),
    Text(Option<String>),
    Bool(bool),
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}

/// sqlx's integer versions as integers, diesel's text versions as text, as the column holds
/// them.
impl From<&Version> for Value {
    fn from(v: &Version) -> Value {
        match v {
            Version::Number(n) => Value::Int(*n),
            Version::Text(t) => Value::Text(Some(t.to_string())),
        }
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(Some(v.to_owned()))
    }
}

impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Value {
        Value::Text(v.map(str::to_owned))
    }
}

/// A statement and its values, ready for one driver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryStatement {
    pub sql: String,
    pub values: Vec<Value>,
}

impl HistoryStatement {
    /// `sql` with `$n` placeholders (n from 1, at most 9) and `values[n - 1]` for each.
    fn new(sql: String, values: Vec<Value>, style: Placeholders) -> HistoryStatement {
        if style == Placeholders::Dollar {
            return HistoryStatement { sql, values };
        }
        let mut out = String::with_capacity(sql.len());
        let mut ordered = Vec::new();
        let mut chars = sql.chars().peekable();
        while let Some(c) = chars.next() {
            let digit = chars.peek().and_then(|d| d.to_digit(10));
            match (c, digit) {
                ('$', Some(n)) => {
                    chars.next();
                    match style {
                        Placeholders::NumberedQuestion => out.push_str(&format!("?{n}")),
                        _ => {
                            out.push('?');
                            ordered.push(values[n as usize - 1].clone());
                        }
                    }
                }
                _ => out.push(c),
            }
        }
        let values = match style {
            Placeholders::Question => ordered,
            _ => values,
        };
        HistoryStatement { sql: out, values }
    }
}

/// The table's name quoted for the driver that reads `style` (MySQL: backticks).
fn quoted(table: &TableName, style: Placeholders) -> String {
    match style {
        Placeholders::Question => table.quoted_in(migrate_core::Dialect::Mysql),
        _ => table.quoted(),
    }
}

/// `SELECT` of whether `version` has a row (one boolean column, 1 or 0 / true or false).
pub fn is_recorded(table: &TableName, version: &Version, style: Placeholders) -> HistoryStatement {
    HistoryStatement::new(
        format!(
            "SELECT EXISTS (SELECT 1 FROM {} WHERE version = $1)",
            quoted(table, style)
        ),
        vec![version.into()],
        style,
    )
}

pub fn insert_row(table: &TableName, row: &NewRow<'_>, style: Placeholders) -> HistoryStatement {
    HistoryStatement::new(
        format!(
            "INSERT INTO {} (version, name, checksum, execution_ms, success, error, applied_by, backup) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            quoted(table, style)
        ),
        vec![
            row.version.into(),
            row.name.into(),
            row.checksum.into(),
            row.execution_ms.into(),
            row.success.into(),
            row.error.as_deref().into(),
            row.applied_by.into(),
            row.backup.into(),
        ],
        style,
    )
}

pub fn delete_row(table: &TableName, version: &Version, style: Placeholders) -> HistoryStatement {
    HistoryStatement::new(
        format!("DELETE FROM {} WHERE version = $1", quoted(table, style)),
        vec![version.into()],
        style,
    )
}

pub fn set_checksum(
    table: &TableName,
    version: &Version,
    checksum: &str,
    style: Placeholders,
) -> HistoryStatement {
    HistoryStatement::new(
        format!(
            "UPDATE {} SET checksum = $2 WHERE version = $1",
            quoted(table, style)
        ),
        vec![version.into(), checksum.into()],
        style,
    )
}

/// The statement of one step of per-statement progress (see [`ProgressUpdate`]).
pub fn progress(
    table: &TableName,
    update: &ProgressUpdate<'_>,
    style: Placeholders,
) -> HistoryStatement {
    let t = quoted(table, style);
    let (sql, values) = match update {
        ProgressUpdate::Start {
            row,
            total,
            done_checksum,
        } => (
            format!(
                "INSERT INTO {t} (version, name, checksum, execution_ms, success, error, applied_by, backup, \
                 state, statements_done, statements_total, done_checksum) \
                 VALUES ($1, $2, $3, 0, FALSE, NULL, $4, $5, 'running', 0, $6, $7)"
            ),
            vec![
                row.version.into(),
                row.name.into(),
                row.checksum.into(),
                row.applied_by.into(),
                row.backup.into(),
                i64::from(*total).into(),
                (*done_checksum).into(),
            ],
        ),
        ProgressUpdate::Restart { version } => (
            format!("UPDATE {t} SET state = 'running', error = NULL WHERE version = $1"),
            vec![(*version).into()],
        ),
        ProgressUpdate::Step {
            version,
            done,
            done_checksum,
        } => (
            format!("UPDATE {t} SET statements_done = $2, done_checksum = $3 WHERE version = $1"),
            vec![
                (*version).into(),
                i64::from(*done).into(),
                (*done_checksum).into(),
            ],
        ),
        ProgressUpdate::Finish {
            version,
            success,
            error,
            execution_ms,
            checksum,
        } => (
            format!(
                "UPDATE {t} SET success = $2, state = CASE WHEN $2 THEN NULL ELSE 'failed' END, \
                 error = $3, execution_ms = $4, checksum = $5 WHERE version = $1"
            ),
            vec![
                (*version).into(),
                (*success).into(),
                (*error).into(),
                (*execution_ms).into(),
                (*checksum).into(),
            ],
        ),
    };
    HistoryStatement::new(sql, values, style)
}

/// An SQL string literal: `'` doubled, and an `E'…'` string with `\\` doubled when the text
/// has a backslash, so it reads the same whatever `standard_conforming_strings` says.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub(crate) fn quote_literal(text: &str) -> String {
    let quoted = text.replace('\'', "''");
    if text.contains('\\') {
        format!("E'{}'", quoted.replace('\\', "\\\\"))
    } else {
        format!("'{quoted}'")
    }
}

impl Value {
    /// The value as an SQL literal (PostgreSQL).
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    fn literal(&self) -> String {
        match self {
            Value::Int(v) => v.to_string(),
            Value::Bool(v) => if *v { "TRUE" } else { "FALSE" }.to_owned(),
            Value::Text(Some(v)) => quote_literal(v),
            Value::Text(None) => "NULL".to_owned(),
        }
    }
}

/// A `$n` statement (PostgreSQL) with its values written in as literals: one simple-protocol
/// round trip, no prepared statement, so it runs the same through a transaction pooler
/// (PgBouncer), which cannot keep a session's prepared statements.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub(crate) fn inline(statement: &HistoryStatement) -> String {
    let mut out = String::with_capacity(statement.sql.len() + 64);
    let mut chars = statement.sql.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek().and_then(|d| d.to_digit(10))) {
            ('$', Some(n)) => {
                chars.next();
                out.push_str(&statement.values[n as usize - 1].literal());
            }
            _ => out.push(c),
        }
    }
    out
}

/// The statement as a sqlx query of database `DB`, its values bound in order.
#[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
pub(crate) fn query<DB>(
    statement: HistoryStatement,
) -> sqlx::query::Query<'static, DB, <DB as sqlx::Database>::Arguments>
where
    DB: sqlx::Database,
    for<'t> i64: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    for<'t> bool: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    for<'t> Option<String>: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    let mut query = sqlx::query::<DB>(sqlx::AssertSqlSafe(statement.sql));
    for value in statement.values {
        query = match value {
            Value::Int(v) => query.bind(v),
            Value::Bool(v) => query.bind(v),
            Value::Text(v) => query.bind(v),
        };
    }
    query
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> TableName {
        TableName::parse("h")
    }

    #[test]
    fn inline_writes_every_value_as_a_literal_that_cannot_escape() {
        let v = Version::Text("2024-01-01-000000".into());
        let row = NewRow {
            version: &v,
            name: "it's",
            checksum: "c",
            execution_ms: 12,
            success: true,
            error: Some("a\\'; DROP TABLE x; --".into()),
            applied_by: "me",
            backup: None,
        };
        let sql = inline(&insert_row(&table(), &row, Placeholders::Dollar));
        assert_eq!(
            sql,
            "INSERT INTO \"h\" (version, name, checksum, execution_ms, success, error, applied_by, backup) \
             VALUES ('2024-01-01-000000', 'it''s', 'c', 12, TRUE, E'a\\\\''; DROP TABLE x; --', 'me', NULL)"
        );
    }

    #[test]
    fn one_statement_in_each_placeholder_style() {
        let seven = Version::Number(7);
        let update = ProgressUpdate::Finish {
            version: &seven,
            success: true,
            error: None,
            execution_ms: 3,
            checksum: "c",
        };
        let pg = progress(&table(), &update, Placeholders::Dollar);
        assert!(
            pg.sql.contains("success = $2, state = CASE WHEN $2"),
            "{}",
            pg.sql
        );
        assert_eq!(pg.values.len(), 5);
        let sqlite = progress(&table(), &update, Placeholders::NumberedQuestion);
        assert_eq!(sqlite.sql, pg.sql.replace('$', "?"));
        assert_eq!(sqlite.values, pg.values);
        let mysql = progress(&table(), &update, Placeholders::Question);
        assert!(
            !mysql.sql.contains('$') && !mysql.sql.contains("?2"),
            "{}",
            mysql.sql
        );
        // $2 appears twice: bound twice, in the order of appearance.
        assert_eq!(
            mysql.values,
            vec![
                Value::Bool(true),
                Value::Bool(true),
                Value::Text(None),
                Value::Int(3),
                Value::Text(Some("c".into())),
                Value::Int(7),
            ]
        );
    }
}
