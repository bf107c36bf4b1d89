//! Interpreting one statement at a time into schema changes.

use sqlparser::ast::{
    AlterTableOperation, ObjectType, RenameTableNameKind, SchemaName, Statement as Ast,
    UserDefinedTypeRepresentation,
};
use sqlparser::dialect::{PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

use super::overrides::{Action, Override};
use super::plpgsql::Routines;
use super::types::normalize;
use super::{Directive, ReplayError, ReplayErrors, WayOut, directive, is_untracked, origin};
use crate::schema::{Domain, Name, Origin, Schema, Table};
use crate::{Dialect, LineCol, Script, Statement};

mod cascade;
mod constants;
mod constraints;
mod expressions;
pub(crate) use constraints::serial_sequence;
pub use exclusions::exclusion_from_sql;
pub use expressions::check_from_sql;
pub use indexes::index_from_sql;
mod alter_table;
mod domains;
mod drop;
mod enums;
mod exclusions;
mod functions;
mod indexes;
mod like;
pub(crate) mod mysql;
mod names;
mod pg18;
mod renames;
mod rewrites;
mod sequences;
mod sqlite_rewrites;
mod tables;
mod using_index;
mod views;
mod written;
use names::{fold, same, same_name, temp_schema};
pub(crate) use names::{ident_in, name_in};

pub struct Run<'a> {
    pub(super) schema: &'a mut Schema,
    pub(super) script: &'a Script,
    pub(super) dialect: Dialect,
    pub(super) errors: Vec<ReplayError>,
    /// Enum labels added by this script: unusable later in the same transaction.
    added_labels: Vec<String>,
    /// Byte offset of the statement being replayed.
    pub(super) offset: usize,
    /// `CREATE DOMAIN … NOT NULL`, read before sqlparser sees the statement.
    domain_not_null: bool,
    /// Replaying a `-- migrate:replay` DDL, whose positions are not the file's.
    replacing: bool,
    /// Temporary tables this script made: gone with the connection, not in the schema.
    temporary: Vec<String>,
    /// The script's replay overrides, and the file they are (or would be) written in.
    overrides: Vec<Override>,
    override_file: String,
    /// The number of the statement being replayed, from 1.
    pub(super) number: usize,
    /// While replaying an override's DDL: its line in the override file, where errors point.
    in_override: Option<usize>,
    /// The functions and procedures created so far, which `SELECT f()` and `CALL p()` replay.
    pub(super) routines: &'a mut Routines,
    /// The text of the statement being parsed (sqlparser's spans point into it).
    text: String,
    /// The `LIKE` element of the `CREATE TABLE` being parsed, read before sqlparser.
    like: Option<like::Like>,
    /// PostgreSQL 18's virtual generated columns of the statement being parsed, which
    /// sqlparser reads as `STORED` (see [`pg18`]).
    virtual_columns: Vec<String>,
    /// Columns made not null by PostgreSQL 18's table constraint `NOT NULL c` in the
    /// `CREATE TABLE` being parsed (see [`pg18`]).
    not_null_columns: Vec<String>,
}

impl<'a> Run<'a> {
    pub fn new(
        schema: &'a mut Schema,
        script: &'a Script,
        overrides: Vec<Override>,
        override_file: String,
        routines: &'a mut Routines,
    ) -> Run<'a> {
        let dialect = schema.dialect;
        Run {
            schema,
            script,
            dialect,
            errors: Vec::new(),
            added_labels: Vec::new(),
            offset: 0,
            domain_not_null: false,
            replacing: false,
            temporary: Vec::new(),
            overrides,
            override_file,
            number: 0,
            in_override: None,
            routines,
            text: String::new(),
            like: None,
            virtual_columns: Vec::new(),
            not_null_columns: Vec::new(),
        }
    }

    /// The errors of the script, which had `count` statements.
    pub fn finish(mut self, count: usize) -> Result<(), ReplayErrors> {
        for o in std::mem::take(&mut self.overrides) {
            if o.statement > count {
                self.errors.push(ReplayError {
                    path: self.override_file.clone(),
                    at: LineCol { line: o.line, col: 1 },
                    message: format!(
                        "an override of statement {}, but {} has {count} statement(s): correct the number, or remove the section",
                        o.statement, self.script.path
                    ),
                    way_out: None,
                });
            }
        }
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ReplayErrors(self.errors))
        }
    }

    pub(in crate::replay) fn error(&mut self, message: impl Into<String>) {
        self.error_at(self.offset, message);
    }

    pub(super) fn error_at(&mut self, offset: usize, message: impl Into<String>) {
        let error = self.make_error(offset, message);
        self.errors.push(error);
    }

    /// The error `message` at byte `offset` of the statement being replayed.
    fn make_error(&self, offset: usize, message: impl Into<String>) -> ReplayError {
        match self.in_override {
            Some(line) => ReplayError {
                path: self.override_file.clone(),
                at: LineCol { line, col: 1 },
                message: format!(
                    "the override of statement {} of {}: {}",
                    self.number,
                    self.script.path,
                    message.into()
                ),
                way_out: None,
            },
            None => ReplayError {
                path: self.script.path.to_string(),
                at: LineCol::of(&self.script.sql, offset),
                message: message.into(),
                way_out: Some(WayOut {
                    file: self.override_file.clone(),
                    statement: self.number,
                }),
            },
        }
    }

    fn origin(&self) -> Origin {
        origin(self.script, self.offset)
    }

    /// The origin of something on line `line` (1-based, as sqlparser counts) of the statement.
    fn origin_at(&self, line: u64) -> Origin {
        let mut origin = self.origin();
        if !self.replacing && line > 1 {
            origin.line += usize::try_from(line - 1).unwrap_or(0);
        }
        origin
    }

    /// Replays statement number `number` (from 1) of the script.
    pub fn statement(&mut self, number: usize, statement: &Statement<'_>) {
        self.offset = statement.offset;
        self.number = number;
        if let Some(at) = self.overrides.iter().position(|o| o.statement == number) {
            match self.overrides[at].action.clone() {
                Action::Skip => {}
                Action::Replace { ddl, line } => {
                    self.in_override = Some(line);
                    self.replace(&ddl);
                    self.in_override = None;
                }
            }
            return;
        }
        match directive(statement.leading) {
            Directive::Skip => return,
            Directive::Replace(ddl) => return self.replace(&ddl),
            Directive::None => {}
        }
        self.sql(statement.sql);
    }

    /// Replays `ddl` (an override's or a `-- migrate:replay` directive's) for the statement.
    fn replace(&mut self, ddl: &str) {
        match crate::split(ddl, self.dialect) {
            Ok(parts) => {
                self.replacing = true;
                for part in parts {
                    self.sql(part.sql);
                }
                self.replacing = false;
            }
            Err(e) => self.error(format!("the replacement DDL: {e}")),
        }
    }

    pub(super) fn sql(&mut self, sql: &str) {
        let words: Vec<String> = sql
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .take(8)
            .map(str::to_ascii_uppercase)
            .collect();
        let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
        if self.dialect == Dialect::Mysql {
            self.text = sql.to_owned();
            return self.mysql(sql, &words);
        }
        if !self.script.no_transaction && matches!(w(0), "INSERT" | "UPDATE") {
            self.check_new_labels_unused(sql);
        }
        if self.dialect == Dialect::Postgres {
            if w(0) == "DO" {
                return self.do_block(sql);
            }
            if w(0) == "CREATE" && words.iter().skip(1).take(3).any(|w| w == "FUNCTION") {
                self.create_function(sql);
            }
            if self.create_routine(&words, sql) {
                return;
            }
            if matches!(w(0), "DROP" | "ALTER")
                && w(1) == "FUNCTION"
                && self.drop_or_alter_function(sql)
            {
                return;
            }
            if matches!(w(0), "SELECT" | "CALL" | "WITH" | "VALUES") {
                return self.call_routines(sql);
            }
        }
        if self.dialect == Dialect::Postgres && self.rename_by_words(sql) {
            return;
        }
        if w(0) == "CREATE" && w(1) == "EXTENSION" {
            // sqlparser stops at `SCHEMA s` without `WITH`; the name is all that matters.
            let skip = if w(2) == "IF" { 5 } else { 2 };
            if let Some(name) = sql.split_whitespace().nth(skip) {
                let name = name
                    .trim_matches(|c| c == '"' || c == ';')
                    .to_ascii_lowercase();
                if !self.schema.extensions.contains(&name) {
                    self.schema.extensions.push(name);
                }
            }
            return;
        }
        if self.dialect == Dialect::Postgres && w(1) == "SEQUENCE" {
            self.track_sequences(sql);
        }
        if self.dialect == Dialect::Postgres
            && matches!(w(0), "CREATE" | "ALTER")
            && w(1) == "SEQUENCE"
            && self.sequence_owner(sql)
        {
            return;
        }
        if is_untracked(&words) || only_alters_constraints(&words, sql) {
            return;
        }
        // sqlparser does not know these forms; they are simple enough to read here.
        if self.dialect == Dialect::Postgres && w(0) == "ALTER" && w(1) == "DOMAIN" {
            return self.alter_domain(sql);
        }
        if w(0) == "ALTER" && w(1) == "TABLE" && sql.to_ascii_uppercase().contains(" SET SCHEMA ") {
            return self.set_schema(sql);
        }
        let sql_owned;
        let mut as_written = None;
        let sql = if w(0) == "DROP" && w(1) == "INDEX" && w(2) == "CONCURRENTLY" {
            sql_owned = remove_keyword(sql, "CONCURRENTLY");
            &sql_owned
        } else if w(0) == "CREATE" && w(1) == "DOMAIN" {
            // sqlparser reads no NOT NULL on a domain: note it, and parse the rest.
            (sql_owned, self.domain_not_null) = domains::take_not_null(sql);
            &sql_owned
        } else if let Some((rewritten, like)) = (self.dialect == Dialect::Postgres
            && w(0) == "CREATE"
            && words.iter().any(|w| w == "LIKE"))
        .then(|| like::take_like(sql))
        .flatten()
        {
            self.like = Some(like);
            sql_owned = rewritten;
            &sql_owned
        } else if let Some(rewritten) = (self.dialect == Dialect::Postgres)
            .then(|| rewrites::rewrite(sql))
            .flatten()
        {
            sql_owned = rewritten;
            &sql_owned
        } else if let Some(rewritten) = (self.dialect == Dialect::Sqlite && w(0) == "CREATE")
            .then(|| sqlite_rewrites::rewrite(sql))
            .flatten()
        {
            // Every byte kept its offset: declared types are read from the text as written.
            as_written = Some(sql.to_owned());
            sql_owned = rewritten;
            &sql_owned
        } else {
            sql
        };
        self.virtual_columns.clear();
        self.not_null_columns.clear();
        let pg18_owned;
        let sql = match (self.dialect == Dialect::Postgres)
            .then(|| pg18::rewrite(sql))
            .flatten()
        {
            Some(rewritten) => {
                self.virtual_columns = rewritten.virtual_columns;
                self.not_null_columns = rewritten.not_null_columns;
                pg18_owned = rewritten.sql;
                &pg18_owned
            }
            None => sql,
        };
        self.text = as_written.unwrap_or_else(|| sql.to_owned());
        let parsed = match self.dialect {
            Dialect::Postgres => Parser::parse_sql(&PostgreSqlDialect {}, sql),
            _ => Parser::parse_sql(&SQLiteDialect {}, sql),
        };
        match parsed {
            Ok(asts) => {
                for ast in asts {
                    self.ast(ast, &words);
                }
            }
            Err(e) => {
                let (line, col) = parse_position(&e.to_string());
                let offset = offset_in(sql, line, col);
                let what = words.iter().take(3).cloned().collect::<Vec<_>>().join(" ");
                self.error_at(
                    self.offset + offset,
                    format!("cannot interpret `{what} …` ({e})"),
                );
            }
        }
    }

    fn ast(&mut self, ast: Ast, words: &[String]) {
        match ast {
            Ast::CreateTable(create) => self.create_table(create),
            Ast::AlterTable(alter) => {
                if self.is_temporary(&alter.name) {
                    return;
                }
                let name = self.name(&alter.name);
                let Some(_) = self.schema.table(&name) else {
                    // PostgreSQL renames a view with ALTER TABLE too.
                    if let [AlterTableOperation::RenameTable { table_name }] =
                        alter.operations.as_slice()
                        && self.schema.view(&name).is_some()
                    {
                        let (RenameTableNameKind::As(new) | RenameTableNameKind::To(new)) =
                            table_name;
                        let new = Name {
                            schema: name.schema.clone(),
                            name: self.name(new).name,
                        };
                        return self.rename_view(&name, new, alter.if_exists);
                    }
                    if !alter.if_exists {
                        self.missing_table(&name);
                    }
                    return;
                };
                for op in alter.operations {
                    self.alter_table(&name, op);
                }
            }
            Ast::Drop {
                object_type,
                if_exists,
                names,
                cascade,
                ..
            } => {
                for name in names {
                    if object_type == ObjectType::Table && self.is_temporary(&name) {
                        let dropped = self.name(&name).name;
                        self.temporary.retain(|t| !same(self.dialect, t, &dropped));
                        continue;
                    }
                    let name = self.name(&name);
                    self.drop(object_type, &name, if_exists, cascade);
                }
            }
            Ast::CreateType {
                name,
                representation,
            } => {
                let name = self.name(&name);
                if let Some(UserDefinedTypeRepresentation::Enum { labels }) = representation {
                    self.create_enum(
                        name,
                        labels.iter().map(|l| l.value.clone()).collect(),
                        false,
                    );
                }
            }
            Ast::AlterType(alter) => {
                let name = self.name(&alter.name);
                self.alter_type(&name, alter.operation);
            }
            Ast::CreateIndex(index) => self.create_index(index),
            Ast::CreateView(view) => self.create_view(view),
            Ast::CreateSchema {
                schema_name,
                if_not_exists,
                ..
            } => {
                let name = match schema_name {
                    SchemaName::Simple(n) | SchemaName::NamedAuthorization(n, _) => {
                        self.name(&n).name
                    }
                    SchemaName::UnnamedAuthorization(user) => self.ident(&user),
                };
                if self.schema.schemas.iter().any(|s| s == &name) || name == "public" {
                    if !if_not_exists {
                        self.error(format!("schema {name} already exists"));
                    }
                    return;
                }
                self.schema.schemas.push(name);
            }
            Ast::CreateDomain(domain) => {
                let name = self.name(&domain.name);
                let base_type = normalize(self.dialect, &domain.data_type.to_string()).sql_type;
                let not_null = self.domain_not_null;
                self.schema.domains.push(Domain {
                    name,
                    base_type,
                    not_null,
                    origin: self.origin(),
                });
            }
            Ast::DropDomain(drop) => {
                let name = self.name(&drop.name);
                let before = self.schema.domains.len();
                self.schema.domains.retain(|d| d.name != name);
                if before == self.schema.domains.len() && !drop.if_exists {
                    self.error(format!("no domain {name} to drop"));
                }
            }
            Ast::CreateExtension(ext) => {
                let name = ext.name.value.to_ascii_lowercase();
                if !self.schema.extensions.contains(&name) {
                    self.schema.extensions.push(name);
                }
            }
            Ast::DropExtension(_) | Ast::Pragma { .. } => {}
            other => {
                let tracked = matches!(
                    words.first().map(String::as_str),
                    Some("CREATE" | "ALTER" | "DROP")
                );
                if tracked {
                    let what = words.iter().take(3).cloned().collect::<Vec<_>>().join(" ");
                    self.error(format!(
                        "`{what} …` is not understood by the schema replay ({})",
                        statement_kind(&other)
                    ));
                }
            }
        }
    }
}

/// The foreign keys that refer to table `target`: those of every table, and of `altered` (the
/// table being changed, out of the schema meanwhile).
fn foreign_keys_to<'a>(
    dialect: Dialect,
    tables: &'a mut [Table],
    altered: &'a mut Table,
    target: &'a Name,
) -> impl Iterator<Item = &'a mut crate::schema::ForeignKey> {
    tables
        .iter_mut()
        .flat_map(|t| t.foreign_keys.iter_mut())
        .chain(altered.foreign_keys.iter_mut())
        .filter(move |f| same_name(dialect, &f.foreign_table, target))
}

/// "Expected …, found: x at Line: 2, Column: 7" -> (2, 7).
pub(crate) fn parse_position(message: &str) -> (usize, usize) {
    let number_after = |key: &str| {
        message.rfind(key).and_then(|i| {
            message[i + key.len()..]
                .split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        })
    };
    (
        number_after("Line: ").unwrap_or(1),
        number_after("Column: ").unwrap_or(1),
    )
}

/// The byte offset of a 1-based line and column in `sql`.
fn offset_in(sql: &str, line: usize, col: usize) -> usize {
    let mut offset = 0;
    for (i, l) in sql.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return offset
                + l.char_indices()
                    .nth(col.saturating_sub(1))
                    .map_or(l.len(), |(b, _)| b);
        }
        offset += l.len();
    }
    0
}

/// `sql` without the first occurrence of `keyword` (ASCII case-insensitive).
fn remove_keyword(sql: &str, keyword: &str) -> String {
    match sql.to_ascii_uppercase().find(keyword) {
        Some(at) => format!("{}{}", &sql[..at], &sql[at + keyword.len()..]),
        None => sql.to_owned(),
    }
}

fn statement_kind(ast: &Ast) -> String {
    let text = ast.to_string();
    text.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `ALTER TABLE t ALTER CONSTRAINT c [NOT] DEFERRABLE …` (which sqlparser cannot read) changes
/// no tracked schema.
fn only_alters_constraints(words: &[String], sql: &str) -> bool {
    let upper = sql.to_ascii_uppercase();
    words.first().map(String::as_str) == Some("ALTER")
        && words.get(1).map(String::as_str) == Some("TABLE")
        && upper.contains(" ALTER CONSTRAINT ")
        && ![
            " ADD ",
            " DROP ",
            " ALTER COLUMN ",
            " RENAME ",
            " SET ",
            " TYPE ",
            " VALIDATE ",
        ]
        .iter()
        .any(|k| upper.contains(k))
}
