//! Interpreting one statement at a time into schema changes.

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, AlterTypeAddValuePosition, AlterTypeOperation,
    ColumnDef, ColumnOption, CreateTable, Expr, GeneratedAs, ObjectName, ObjectNamePart,
    ObjectType, RenameTableNameKind, SchemaName, Statement as Ast, UserDefinedTypeRepresentation,
};
use sqlparser::dialect::{PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

use super::types::normalize;
use super::{Directive, ReplayError, ReplayErrors, directive, is_untracked, origin};
use crate::schema::{Column, Domain, EnumType, Index, Label, Name, Origin, Schema, Table, View};
use crate::{Dialect, LineCol, Script, Statement};

mod cascade;
mod constants;
mod constraints;
mod expressions;
pub use expressions::check_from_sql;
mod renames;
mod using_index;

pub struct Run<'a> {
    schema: &'a mut Schema,
    script: &'a Script,
    dialect: Dialect,
    errors: Vec<ReplayError>,
    /// Enum labels added by this script: unusable later in the same transaction.
    added_labels: Vec<String>,
    /// Byte offset of the statement being replayed.
    offset: usize,
    /// `CREATE DOMAIN … NOT NULL`, read before sqlparser sees the statement.
    domain_not_null: bool,
    /// Replaying a `-- migrate:replay` DDL, whose positions are not the file's.
    replacing: bool,
    /// Temporary tables this script made: gone with the connection, not in the schema.
    temporary: Vec<String>,
}

impl<'a> Run<'a> {
    pub fn new(schema: &'a mut Schema, script: &'a Script) -> Run<'a> {
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
        }
    }

    pub fn finish(self) -> Result<(), ReplayErrors> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ReplayErrors(self.errors))
        }
    }

    fn error(&mut self, message: impl Into<String>) {
        self.error_at(self.offset, message);
    }

    fn error_at(&mut self, offset: usize, message: impl Into<String>) {
        self.errors.push(ReplayError {
            path: self.script.path.to_string(),
            at: LineCol::of(&self.script.sql, offset),
            message: message.into(),
        });
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

    pub fn statement(&mut self, statement: &Statement<'_>) {
        self.offset = statement.offset;
        match directive(statement.leading) {
            Directive::Skip => return,
            Directive::Replace(ddl) => {
                match crate::split(&ddl, self.dialect) {
                    Ok(parts) => {
                        self.replacing = true;
                        for part in parts {
                            self.sql(part.sql);
                        }
                        self.replacing = false;
                    }
                    Err(e) => self.error(format!("the `-- migrate:replay` DDL: {e}")),
                }
                return;
            }
            Directive::None => {}
        }
        self.sql(statement.sql);
    }

    fn sql(&mut self, sql: &str) {
        let words: Vec<String> = sql
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .take(8)
            .map(str::to_ascii_uppercase)
            .collect();
        let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
        if !self.script.no_transaction && matches!(w(0), "INSERT" | "UPDATE") {
            self.check_new_labels_unused(sql);
        }
        if w(0) == "DO" {
            return self.do_block(sql);
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
        if is_untracked(&words) || only_alters_constraints(&words, sql) {
            return;
        }
        // sqlparser does not know these forms; they are simple enough to read here.
        if w(0) == "ALTER" && w(1) == "TABLE" && sql.to_ascii_uppercase().contains(" SET SCHEMA ") {
            return self.set_schema(sql);
        }
        let sql_owned;
        let sql = if w(0) == "DROP" && w(1) == "INDEX" && w(2) == "CONCURRENTLY" {
            sql_owned = remove_keyword(sql, "CONCURRENTLY");
            &sql_owned
        } else if w(0) == "CREATE" && w(1) == "DOMAIN" {
            // sqlparser reads no NOT NULL on a domain: note it, and parse the rest.
            self.domain_not_null = sql.to_ascii_uppercase().contains("NOT NULL");
            sql_owned = remove_keyword(&remove_keyword(sql, "NOT NULL"), " NULL");
            &sql_owned
        } else {
            sql
        };
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
                    format!(
                        "cannot interpret `{what} …` ({e}); if it changes no table, column or type, put `-- migrate:replay-skip` on the line above it; otherwise give the equivalent DDL there as `-- migrate:replay <DDL>`"
                    ),
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
            Ast::CreateIndex(index) => {
                if self.is_temporary(&index.table_name) {
                    return;
                }
                let table = self.name(&index.table_name);
                // PostgreSQL indexes materialized views too.
                if self.schema.table(&table).is_none() && self.schema.view(&table).is_none() {
                    return self.missing_table(&table);
                }
                let columns: Vec<String> = index
                    .columns
                    .iter()
                    .map(|c| self.expr_name(&c.column.expr))
                    .collect();
                let name = match &index.name {
                    Some(n) => self.name(n),
                    None => {
                        // PostgreSQL names an expression by its function, else `expr`.
                        let parts: Vec<String> = index
                            .columns
                            .iter()
                            .map(|c| match &c.column.expr {
                                Expr::Function(f) => f
                                    .name
                                    .0
                                    .last()
                                    .map(|p| fold(self.dialect, &p.to_string()))
                                    .unwrap_or_else(|| "expr".into()),
                                Expr::Identifier(_) | Expr::CompoundIdentifier(_) => {
                                    self.expr_name(&c.column.expr)
                                }
                                _ => "expr".into(),
                            })
                            .collect();
                        Name {
                            schema: table.schema.clone(),
                            name: truncate_identifier(format!(
                                "{}_{}_idx",
                                table.name,
                                parts.join("_")
                            )),
                        }
                    }
                };
                if self
                    .schema
                    .indexes
                    .iter()
                    .any(|i| self.schema.same_name(&i.name, &name))
                {
                    if !index.if_not_exists {
                        self.error(format!("index {name} already exists"));
                    }
                    return;
                }
                self.schema.indexes.push(Index {
                    name,
                    table,
                    columns,
                    unique: index.unique,
                    method: index.using.as_ref().map(|m| m.to_string().to_lowercase()),
                    predicate: index.predicate.as_ref().map(ToString::to_string),
                    origin: self.origin(),
                });
            }
            Ast::CreateView(view) => {
                if view.temporary || temp_schema(&view.name) {
                    return;
                }
                let name = self.name(&view.name);
                if self.schema.view(&name).is_some() && !view.or_replace {
                    if view.if_not_exists {
                        return;
                    }
                    return self.error(format!("view {name} already exists"));
                }
                let query = view.query.to_string();
                // A column list names the view's columns.
                let columns = if view.columns.is_empty() {
                    self.view_columns(&query)
                } else {
                    self.view_columns(&query).map(|derived| {
                        derived
                            .into_iter()
                            .zip(&view.columns)
                            .map(|(c, def)| Column {
                                name: self.ident(&def.name),
                                ..c
                            })
                            .collect()
                    })
                };
                let depends_on = self.view_sources(&query);
                self.schema.views.retain(|v| v.name != name);
                self.schema.views.push(View {
                    name,
                    columns,
                    depends_on,
                    origin: self.origin(),
                });
            }
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
                        "`{what} …` is not understood by the schema replay ({}); give its effect as `-- migrate:replay <DDL>` or `-- migrate:replay-skip` on the line above",
                        statement_kind(&other)
                    ));
                }
            }
        }
    }

    // ---- names ------------------------------------------------------------------------

    /// An identifier as the database stores it: PostgreSQL folds unquoted names to lower case.
    fn ident(&self, ident: &sqlparser::ast::Ident) -> String {
        match (self.dialect, ident.quote_style) {
            (Dialect::Postgres, None) => truncate_identifier(ident.value.to_lowercase()),
            (Dialect::Postgres, Some(_)) => truncate_identifier(ident.value.clone()),
            _ => ident.value.clone(),
        }
    }

    fn name(&self, name: &ObjectName) -> Name {
        let parts: Vec<String> = name
            .0
            .iter()
            .map(|p| match p {
                ObjectNamePart::Identifier(i) => self.ident(i),
                other => other.to_string(),
            })
            .collect();
        let last = parts.last().cloned().unwrap_or_default();
        match self.dialect {
            Dialect::Postgres => {
                let schema = if parts.len() >= 2 {
                    parts[parts.len() - 2].clone()
                } else {
                    "public".to_owned()
                };
                Name {
                    schema: Some(schema),
                    name: last,
                }
            }
            _ => Name {
                schema: None,
                name: last,
            },
        }
    }

    fn expr_name(&self, expr: &Expr) -> String {
        match expr {
            Expr::Identifier(i) => self.ident(i),
            Expr::CompoundIdentifier(parts) => {
                parts.last().map(|i| self.ident(i)).unwrap_or_default()
            }
            // `b COLLATE NOCASE` in a key's column list is the column b.
            Expr::Collate { expr, .. } => self.expr_name(expr),
            other => other.to_string(),
        }
    }

    /// Whether a statement names a temporary table: `temp.x`, or one this script created.
    fn is_temporary(&self, name: &ObjectName) -> bool {
        temp_schema(name)
            || (name.0.len() == 1 && {
                let n = self.name(name).name;
                self.temporary.iter().any(|t| same(self.dialect, t, &n))
            })
    }

    fn missing_table(&mut self, name: &Name) {
        self.error(format!(
            "there is no table {name} at this point{}",
            self.gone_hint(name)
        ));
    }

    /// "(it was dropped at m/3_x.sql:4)" when an earlier statement removed it.
    fn gone_hint(&self, name: &Name) -> String {
        match self
            .schema
            .dropped
            .iter()
            .rev()
            .find(|d| self.schema.same_name(&d.name, name))
        {
            Some(d) => format!(" (it was {} at {})", d.how, d.origin),
            None => String::new(),
        }
    }

    // ---- tables -----------------------------------------------------------------------

    fn create_table(&mut self, create: CreateTable) {
        let name = self.name(&create.name);
        if create.temporary || temp_schema(&create.name) {
            self.temporary.push(name.name);
            return;
        }
        if let Some(existing) = self.schema.table(&name) {
            if !create.if_not_exists {
                let at = existing.origin.clone();
                self.error(format!("table {name} already exists (created at {at})"));
            }
            return;
        }
        let mut table = Table {
            name: name.clone(),
            columns: Vec::new(),
            primary_key: Vec::new(),
            primary_key_name: None,
            uniques: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            strict: create.strict,
            without_rowid: create.without_rowid,
            origin: self.origin(),
        };
        if let Some(query) = &create.query {
            match self.select_columns(&query.to_string()) {
                Some(columns) => table.columns = columns,
                None => {
                    return self.error(format!(
                        "cannot derive the columns of `CREATE TABLE {name} AS …` from its query: write the table with explicit columns, or add `-- migrate:replay CREATE TABLE {name} (…)`"
                    ));
                }
            }
        }
        for def in &create.columns {
            if table
                .columns
                .iter()
                .any(|c| self.schema.same(&c.name, &self.ident(&def.name)))
            {
                self.error(format!(
                    "column {} is defined twice in table {name}",
                    def.name
                ));
                continue;
            }
            self.add_column(&mut table, def);
        }
        for constraint in create.constraints {
            self.add_constraint(&mut table, constraint);
        }
        self.merge_duplicate_keys(&mut table);
        self.name_constraints(&mut table);
        if self.dialect == Dialect::Sqlite && table.without_rowid {
            // SQLite enforces NOT NULL on the key of a WITHOUT ROWID table.
            for column in table.columns.iter_mut().filter(|c| {
                table
                    .primary_key
                    .iter()
                    .any(|k| same(self.dialect, k, &c.name))
            }) {
                column.not_null = true;
            }
        }
        self.schema.dropped.retain(|d| d.name != name);
        self.schema.tables.push(table);
    }

    fn add_column(&mut self, table: &mut Table, def: &ColumnDef) {
        let normalized = normalize(self.dialect, &def.data_type.to_string());
        let name = self.ident(&def.name);
        let mut column = Column {
            name: name.clone(),
            sql_type: normalized.sql_type,
            not_null: normalized.serial,
            default: normalized.serial.then(|| {
                // Named as PostgreSQL names it: free among the schema's relations.
                let (relations, _) = self.names_in_schema(table);
                renames::sequence_default(&Name {
                    schema: table.name.schema.clone(),
                    name: constraints::choose(&table.name.name, Some(&name), "seq", &relations),
                })
            }),
            identity: false,
            generated: false,
            origin: self.origin_at(def.name.span.start.line),
        };
        for option in &def.options {
            match &option.option {
                ColumnOption::NotNull => column.not_null = true,
                ColumnOption::Null => column.not_null = false,
                ColumnOption::Default(expr) => {
                    column.default =
                        constants::stored_default(self.dialect, &column.sql_type, expr.to_string())
                }
                ColumnOption::PrimaryKey(pk) => {
                    table.primary_key = vec![name.clone()];
                    table.primary_key_name = option
                        .name
                        .as_ref()
                        .or(pk.name.as_ref())
                        .map(|n| self.ident(n));
                    if self.dialect == Dialect::Postgres {
                        column.not_null = true;
                    }
                }
                ColumnOption::Unique(_) | ColumnOption::ForeignKey(_) | ColumnOption::Check(_) => {
                    self.column_constraint(table, &name, option.name.as_ref(), &option.option);
                }
                ColumnOption::Generated {
                    generated_as,
                    generation_expr,
                    ..
                } => match (generated_as, generation_expr) {
                    (_, Some(_)) | (GeneratedAs::ExpStored, _) => column.generated = true,
                    _ => {
                        column.identity = true;
                        column.not_null = true;
                    }
                },
                _ => {}
            }
        }
        table.columns.push(column);
    }

    fn alter_table(&mut self, name: &Name, op: AlterTableOperation) {
        let dialect = self.dialect;
        let Some(mut table) = self.schema.table(name).cloned() else {
            return self.missing_table(name);
        };
        match op {
            AlterTableOperation::AddColumn {
                if_not_exists,
                column_def,
                ..
            } => {
                let column = self.ident(&column_def.name);
                if table.column(dialect, &column).is_some() {
                    if !if_not_exists {
                        let at = table
                            .column(dialect, &column)
                            .map(|c| c.origin.to_string())
                            .unwrap_or_default();
                        self.error(format!(
                            "column {column} of table {name} already exists (added at {at})"
                        ));
                    }
                    return;
                }
                self.add_column(&mut table, &column_def);
            }
            AlterTableOperation::DropColumn {
                column_names,
                if_exists,
                ..
            } => {
                for column in column_names {
                    let column = self.ident(&column);
                    if table.column(dialect, &column).is_none() {
                        if !if_exists {
                            self.error(format!("column {column} of table {name} does not exist"));
                        }
                        continue;
                    }
                    let before = table.clone();
                    // A key that includes the column goes whole.
                    if table.primary_key.iter().any(|c| same(dialect, c, &column)) {
                        table.primary_key.clear();
                        table.primary_key_name = None;
                    }
                    table
                        .uniques
                        .retain(|u| !u.columns.iter().any(|c| same(dialect, c, &column)));
                    table
                        .foreign_keys
                        .retain(|f| !f.columns.iter().any(|c| same(dialect, c, &column)));
                    table.checks.retain(|c| {
                        !expressions::referenced_columns(dialect, &before, &c.expr)
                            .iter()
                            .any(|r| same(dialect, r, &column))
                    });
                    table.columns.retain(|c| !same(dialect, &c.name, &column));
                    if dialect == Dialect::Postgres {
                        // Foreign keys that refer to the column go too (CASCADE; without it
                        // PostgreSQL refuses the drop).
                        let pk = before.primary_key.clone();
                        self.drop_foreign_keys(&mut table, name, |fk| {
                            let referred = if fk.referred_columns.is_empty() {
                                &pk
                            } else {
                                &fk.referred_columns
                            };
                            referred.iter().any(|c| same(dialect, c, &column))
                        });
                    }
                    // Indexes on the column go with it, expression indexes included.
                    self.schema.indexes.retain(|i| {
                        let uses = i
                            .columns
                            .iter()
                            .chain(i.predicate.iter())
                            .any(|c| expressions::mentions(dialect, c, &column));
                        !(i.table == *name && uses)
                    });
                }
            }
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => {
                let (old, new) = (self.ident(&old_column_name), self.ident(&new_column_name));
                if table.column(dialect, &old).is_none() {
                    return self.error(format!("column {old} of table {name} does not exist"));
                }
                // SQLite may rename a column to another case of its own name.
                if table.column(dialect, &new).is_some() && !same(dialect, &old, &new) {
                    return self.error(format!("column {new} of table {name} already exists"));
                }
                let rename = |c: &mut String| {
                    if same(dialect, c, &old) {
                        *c = new.clone();
                    }
                };
                for column in &mut table.columns {
                    if same(dialect, &column.name, &old) {
                        column.name = new.clone();
                        column.origin = self.origin();
                    }
                }
                table.primary_key.iter_mut().for_each(rename);
                table
                    .uniques
                    .iter_mut()
                    .flat_map(|u| u.columns.iter_mut())
                    .for_each(rename);
                table
                    .foreign_keys
                    .iter_mut()
                    .flat_map(|f| f.columns.iter_mut())
                    .for_each(rename);
                for check in &mut table.checks {
                    check.expr = expressions::rename_in_expr(dialect, &check.expr, &old, &new);
                    if let Some((c, _)) = check.in_list.as_mut() {
                        rename(c);
                    }
                }
                // Foreign keys that refer to the column follow it (this table's included).
                for fk in foreign_keys_to(dialect, &mut self.schema.tables, &mut table, name) {
                    fk.referred_columns.iter_mut().for_each(rename);
                }
                for index in self
                    .schema
                    .indexes
                    .iter_mut()
                    .filter(|i| same_name(dialect, &i.table, name))
                {
                    index.columns.iter_mut().for_each(rename);
                    if let Some(predicate) = &mut index.predicate {
                        *predicate = expressions::rename_in_expr(dialect, predicate, &old, &new);
                    }
                }
            }
            AlterTableOperation::RenameTable { table_name } => {
                let (RenameTableNameKind::As(new) | RenameTableNameKind::To(new)) = table_name;
                let mut new = self.name(&new);
                if dialect == Dialect::Postgres {
                    new.schema = name.schema.clone();
                }
                if self.schema.table(&new).is_some() {
                    return self.error(format!("table {new} already exists"));
                }
                self.schema.dropped.push(crate::schema::Dropped {
                    name: name.clone(),
                    how: format!("renamed to {new}"),
                    origin: self.origin(),
                });
                for index in self
                    .schema
                    .indexes
                    .iter_mut()
                    .filter(|i| same_name(dialect, &i.table, name))
                {
                    index.table = new.clone();
                }
                for fk in foreign_keys_to(dialect, &mut self.schema.tables, &mut table, name) {
                    fk.foreign_table = new.clone();
                }
                table.name = new;
            }
            AlterTableOperation::AlterColumn { column_name, op } => {
                let column_name = self.ident(&column_name);
                let in_pk = table
                    .primary_key
                    .iter()
                    .any(|c| same(dialect, c, &column_name));
                let origin = self.origin();
                let Some(column) = table
                    .columns
                    .iter_mut()
                    .find(|c| same(dialect, &c.name, &column_name))
                else {
                    return self.error(format!(
                        "column {column_name} of table {name} does not exist"
                    ));
                };
                match op {
                    AlterColumnOperation::SetNotNull => column.not_null = true,
                    AlterColumnOperation::DropNotNull => {
                        if in_pk {
                            return self.error(format!("column {column_name} is in the primary key of {name}: it cannot drop NOT NULL"));
                        }
                        column.not_null = false;
                    }
                    AlterColumnOperation::SetDefault { value } => {
                        column.default =
                            constants::stored_default(dialect, &column.sql_type, value.to_string())
                    }
                    AlterColumnOperation::DropDefault => column.default = None,
                    AlterColumnOperation::SetDataType { data_type, .. } => {
                        column.sql_type = normalize(dialect, &data_type.to_string()).sql_type;
                        column.origin = origin;
                    }
                    AlterColumnOperation::AddGenerated { .. } => {
                        column.identity = true;
                        column.not_null = true;
                    }
                }
            }
            AlterTableOperation::AddConstraint { constraint, .. } => {
                self.add_constraint(&mut table, constraint)
            }
            AlterTableOperation::DropConstraint {
                name: constraint,
                if_exists,
                drop_behavior,
            } => {
                let constraint = self.ident(&constraint);
                let cascade = matches!(drop_behavior, Some(sqlparser::ast::DropBehavior::Cascade));
                // A constraint the replay does not track (EXCLUDE, one a skipped statement
                // made) may have a name it does not know, on a table with constraints.
                let has_constraints = !table.foreign_keys.is_empty()
                    || !table.uniques.is_empty()
                    || !table.primary_key.is_empty();
                let pk = table.primary_key.clone();
                match constraints::drop_constraint(dialect, &mut table, &constraint) {
                    // Without CASCADE PostgreSQL refuses to drop a key a foreign key depends
                    // on, so none did. With it, the foreign keys on the key's columns (as a
                    // set) go — unless a unique constraint was dropped and the primary key has
                    // the same columns: a foreign key depends on the older index, the primary
                    // key's, usually.
                    Some(constraints::Dropped::Key(key)) if cascade => {
                        let set = |cols: &[String]| {
                            let mut v: Vec<String> = cols
                                .iter()
                                .map(|c| match dialect {
                                    Dialect::Postgres => c.clone(),
                                    _ => c.to_lowercase(),
                                })
                                .collect();
                            v.sort();
                            v
                        };
                        let was_pk = set(&key) == set(&pk) && table.primary_key.is_empty();
                        let pk_remains = !was_pk && set(&table.primary_key) == set(&key);
                        if !pk_remains {
                            self.drop_foreign_keys(&mut table, name, |fk| {
                                if fk.referred_columns.is_empty() {
                                    was_pk
                                } else {
                                    set(&fk.referred_columns) == set(&key)
                                }
                            });
                        }
                    }
                    Some(_) => {}
                    None if if_exists || has_constraints => {}
                    None => self.error(format!("constraint {constraint} of table {name} is not known to the replay; if it exists, add `-- migrate:replay-skip` above this statement")),
                }
            }
            AlterTableOperation::RenameConstraint { old_name, new_name } => {
                let (old, new) = (self.ident(&old_name), self.ident(&new_name));
                // An unknown name may be a kind the replay does not track (EXCLUDE).
                constraints::rename_constraint(dialect, &mut table, &old, &new);
            }
            // Owners, row-level security, triggers, storage options: nothing tracked changes.
            _ => {}
        }
        self.name_constraints(&mut table);
        if let Some(slot) = self.schema.table_mut(name) {
            *slot = table;
        }
    }

    /// Removes the foreign keys that refer to table `target` and match `refers` — in every
    /// table, and in `altered` (the table being changed, out of the schema meanwhile).
    fn drop_foreign_keys(
        &mut self,
        altered: &mut Table,
        target: &Name,
        refers: impl Fn(&crate::schema::ForeignKey) -> bool,
    ) {
        let dialect = self.dialect;
        let altered_name = altered.name.clone();
        let tables = self
            .schema
            .tables
            .iter_mut()
            .filter(|t| t.name != altered_name)
            .chain(std::iter::once(altered));
        for t in tables {
            t.foreign_keys
                .retain(|f| !(same_name(dialect, &f.foreign_table, target) && refers(f)));
        }
    }

    fn set_schema(&mut self, sql: &str) {
        let upper = sql.to_ascii_uppercase();
        let at = upper.find(" SET SCHEMA ").unwrap_or(0);
        let head = sql[..at].trim();
        let target = sql[at + " SET SCHEMA ".len()..].trim().trim_matches('"');
        let table_sql = head
            .split_whitespace()
            .skip(2)
            .filter(|w| !w.eq_ignore_ascii_case("IF") && !w.eq_ignore_ascii_case("EXISTS"))
            .collect::<Vec<_>>()
            .join(" ");
        let parsed = Parser::new(&PostgreSqlDialect {})
            .try_with_sql(&table_sql)
            .and_then(|mut p| p.parse_object_name(false));
        let Ok(object) = parsed else {
            return self.error("cannot read the table name of `ALTER TABLE … SET SCHEMA`");
        };
        let name = self.name(&object);
        let target = if target.chars().any(|c| c.is_uppercase()) && !sql.contains('"') {
            target.to_lowercase()
        } else {
            target.to_owned()
        };
        let moved = Name {
            schema: Some(target.clone()),
            name: name.name.clone(),
        };
        match self.schema.table_mut(&name) {
            Some(table) => table.name.schema = Some(target.clone()),
            None if upper.contains(" IF EXISTS ") => return,
            None => return self.missing_table(&name),
        }
        // Its indexes move with it.
        for index in self.schema.indexes.iter_mut().filter(|i| i.table == name) {
            index.table = moved.clone();
            index.name.schema = Some(target.clone());
        }
        // Foreign keys follow the table (PostgreSQL refers to it by oid).
        for fk in self
            .schema
            .tables
            .iter_mut()
            .flat_map(|t| t.foreign_keys.iter_mut())
            .filter(|f| f.foreign_table == name)
        {
            fk.foreign_table = moved.clone();
        }
    }

    // ---- drops --------------------------------------------------------------------------

    fn drop(&mut self, kind: ObjectType, name: &Name, if_exists: bool, cascade: bool) {
        let origin = self.origin();
        let found = match kind {
            ObjectType::Table => {
                let found = self.schema.table(name).is_some();
                self.schema
                    .tables
                    .retain(|t| !same_name(self.dialect, &t.name, name));
                self.schema
                    .indexes
                    .retain(|i| !same_name(self.dialect, &i.table, name));
                if self.dialect == Dialect::Postgres {
                    // CASCADE drops the foreign keys that refer to it (SQLite leaves them).
                    for t in &mut self.schema.tables {
                        t.foreign_keys
                            .retain(|f| !same_name(Dialect::Postgres, &f.foreign_table, name));
                    }
                }
                if cascade {
                    self.cascade(name);
                }
                if found {
                    self.schema.dropped.push(crate::schema::Dropped {
                        name: name.clone(),
                        how: "dropped".into(),
                        origin,
                    });
                }
                found
            }
            ObjectType::View | ObjectType::MaterializedView => {
                let before = self.schema.views.len();
                self.schema
                    .views
                    .retain(|v| !same_name(self.dialect, &v.name, name));
                self.schema
                    .indexes
                    .retain(|i| !same_name(self.dialect, &i.table, name));
                if cascade {
                    self.cascade(name);
                }
                before != self.schema.views.len()
            }
            ObjectType::Index => {
                let before = self.schema.indexes.len();
                let dialect = self.dialect;
                self.schema.indexes.retain(|i| {
                    let same_index = if dialect == Dialect::Postgres {
                        i.name.name == name.name && i.name.schema == name.schema
                    } else {
                        i.name.name.eq_ignore_ascii_case(&name.name)
                    };
                    !same_index
                });
                before != self.schema.indexes.len()
            }
            ObjectType::Type => {
                let used_by: Vec<String> = self
                    .schema
                    .tables
                    .iter()
                    .flat_map(|t| {
                        t.columns
                            .iter()
                            .filter(|c| c.sql_type == name.name)
                            .map(move |c| format!("{}.{}", t.name, c.name))
                    })
                    .collect();
                let found = self.schema.enum_type(name).is_some();
                if found && !used_by.is_empty() && !cascade {
                    self.error(format!(
                        "cannot drop type {name}: columns use it ({})",
                        used_by.join(", ")
                    ));
                    return;
                }
                self.schema
                    .enums
                    .retain(|e| !same_name(self.dialect, &e.name, name));
                // Composite, range and extension types are not tracked: dropping them is fine.
                true
            }
            ObjectType::Schema => {
                let schema = &name.name;
                let found = self.schema.schemas.iter().any(|s| s == schema);
                let has_objects = self
                    .schema
                    .tables
                    .iter()
                    .any(|t| t.name.schema.as_deref() == Some(schema));
                if has_objects && !cascade {
                    self.error(format!(
                        "cannot drop schema {schema}: it still has tables (use CASCADE)"
                    ));
                    return;
                }
                self.schema.schemas.retain(|s| s != schema);
                self.schema
                    .tables
                    .retain(|t| t.name.schema.as_deref() != Some(schema));
                self.schema
                    .enums
                    .retain(|e| e.name.schema.as_deref() != Some(schema));
                self.schema
                    .views
                    .retain(|v| v.name.schema.as_deref() != Some(schema));
                self.schema
                    .indexes
                    .retain(|i| i.name.schema.as_deref() != Some(schema));
                // Foreign keys from other schemas into it go with it (CASCADE).
                for t in &mut self.schema.tables {
                    t.foreign_keys
                        .retain(|f| f.foreign_table.schema.as_deref() != Some(schema));
                }
                found
            }
            _ => true,
        };
        if !found && !if_exists {
            let kind = format!("{kind:?}").to_lowercase();
            self.error(format!(
                "there is no {kind} {name} to drop{}",
                self.gone_hint(name)
            ));
        }
    }

    // ---- enum types ---------------------------------------------------------------------

    fn create_enum(&mut self, name: Name, labels: Vec<String>, if_not_exists: bool) {
        if let Some(existing) = self.schema.enum_type(&name) {
            if !if_not_exists {
                let at = existing.origin.clone();
                self.error(format!("type {name} already exists (created at {at})"));
            }
            return;
        }
        let origin = self.origin();
        // Each label's own line: its quoted text, found in order from the statement's start.
        let mut from = self.offset;
        let labels = labels
            .into_iter()
            .map(|label| {
                let quoted = format!("'{}'", label.replace('\'', "''"));
                let found = (!self.replacing)
                    .then(|| self.script.sql.get(from..)?.find(&quoted))
                    .flatten();
                let origin = match found {
                    Some(at) => {
                        from += at + quoted.len();
                        Origin {
                            path: self.script.path.to_string(),
                            line: LineCol::of(&self.script.sql, from).line,
                        }
                    }
                    None => origin.clone(),
                };
                Label {
                    name: label,
                    origin,
                }
            })
            .collect();
        self.schema.enums.push(EnumType {
            name,
            labels,
            origin,
        });
    }

    fn alter_type(&mut self, name: &Name, op: AlterTypeOperation) {
        let origin = self.origin();
        let dialect = self.dialect;
        let Some(index) = self
            .schema
            .enums
            .iter()
            .position(|e| same_name(dialect, &e.name, name))
        else {
            return self.error(format!(
                "there is no enum type {name}{}",
                self.gone_hint(name)
            ));
        };
        match op {
            AlterTypeOperation::AddValue(add) => {
                let value = add.value.value.clone();
                let labels = &self.schema.enums[index].labels;
                if labels.iter().any(|l| l.name == value) {
                    if !add.if_not_exists {
                        self.error(format!("enum {name} already has the label '{value}'"));
                    }
                    return;
                }
                let position = match &add.position {
                    None => Some(labels.len()),
                    Some(AlterTypeAddValuePosition::Before(l)) => {
                        labels.iter().position(|x| x.name == l.value)
                    }
                    Some(AlterTypeAddValuePosition::After(l)) => {
                        labels.iter().position(|x| x.name == l.value).map(|i| i + 1)
                    }
                };
                let Some(position) = position else {
                    return self.error(format!(
                        "enum {name} has no such label to place '{value}' next to"
                    ));
                };
                self.schema.enums[index].labels.insert(
                    position,
                    Label {
                        name: value.clone(),
                        origin,
                    },
                );
                self.added_labels.push(value);
            }
            AlterTypeOperation::RenameValue(rename) => {
                let (from, to) = (rename.from.value.clone(), rename.to.value.clone());
                let labels = &mut self.schema.enums[index].labels;
                if labels.iter().any(|l| l.name == to) {
                    return self.error(format!("enum {name} already has the label '{to}'"));
                }
                match labels.iter_mut().find(|l| l.name == from) {
                    Some(label) => {
                        label.name = to.clone();
                        label.origin = origin;
                        self.rename_label_in_defaults(name, &from, &to);
                    }
                    None => self.error(format!("enum {name} has no label '{from}'")),
                }
            }
            AlterTypeOperation::Rename(rename) => {
                let new = self.ident(&rename.new_name);
                let old = self.schema.enums[index].name.name.clone();
                for column in self
                    .schema
                    .tables
                    .iter_mut()
                    .flat_map(|t| t.columns.iter_mut())
                {
                    if column.sql_type == old {
                        column.sql_type = new.clone();
                    } else if column.sql_type == format!("{old}[]") {
                        column.sql_type = format!("{new}[]");
                    }
                }
                self.schema.enums[index].name.name = new;
            }
        }
    }

    /// PostgreSQL rejects using an enum label in the transaction that added it.
    fn check_new_labels_unused(&mut self, sql: &str) {
        if let Some(label) = self
            .added_labels
            .iter()
            .find(|l| sql.contains(&format!("'{l}'")))
            .cloned()
        {
            self.error(format!(
                "the enum label '{label}' is used in the same transaction that adds it, which PostgreSQL rejects (\"unsafe use of new value\"): move this statement to a later migration, or mark this one `-- migrate:no-transaction`"
            ));
        }
    }

    /// `DO $$ BEGIN CREATE TYPE … AS ENUM (…); EXCEPTION WHEN duplicate_object THEN null; END $$`
    /// (drizzle and others create enum types this way) is an idempotent CREATE TYPE.
    fn do_block(&mut self, sql: &str) {
        let upper = sql.to_ascii_uppercase();
        let create = upper.find("CREATE TYPE");
        let duplicate_guard = upper.contains("DUPLICATE_OBJECT");
        if let (Some(start), true) = (create, duplicate_guard) {
            let end = upper[start..].find(';').map_or(sql.len(), |i| start + i);
            let inner = &sql[start..end];
            let tail = &upper[end..];
            let only_guard = tail
                .trim_start_matches(';')
                .trim_start()
                .starts_with("EXCEPTION");
            if only_guard && let Ok(asts) = Parser::parse_sql(&PostgreSqlDialect {}, inner) {
                for ast in asts {
                    if let Ast::CreateType {
                        name,
                        representation: Some(UserDefinedTypeRepresentation::Enum { labels }),
                    } = ast
                    {
                        let name = self.name(&name);
                        self.create_enum(
                            name,
                            labels.iter().map(|l| l.value.clone()).collect(),
                            true,
                        );
                        return;
                    }
                }
            }
        }
        self.error(
            "a DO block may change the schema, and the replay cannot see inside this one: put `-- migrate:replay <the DDL it runs>` (or `-- migrate:replay-skip` when it changes no table, column or type) on the line above it",
        );
    }

    // ---- views and CREATE TABLE AS --------------------------------------------------------

    /// The columns of `SELECT a, b AS c FROM t` (plain column references of one table).
    fn select_columns(&self, query: &str) -> Option<Vec<Column>> {
        let upper = query.to_ascii_uppercase();
        let select = upper.strip_prefix("SELECT ")?;
        let from = select.find(" FROM ")?;
        let rest = &query["SELECT ".len() + from + " FROM ".len()..];
        let table_text = rest.split_whitespace().next()?;
        if ["JOIN", " UNION ", "(", ","]
            .iter()
            .any(|k| rest.to_ascii_uppercase().contains(k))
        {
            return None;
        }
        let table_name = Parser::new(&PostgreSqlDialect {})
            .try_with_sql(table_text)
            .ok()?
            .parse_object_name(false)
            .ok()?;
        let source = self.schema.table(&self.name(&table_name))?;
        let list = &query["SELECT ".len().."SELECT ".len() + from];
        let mut columns = Vec::new();
        for item in list.split(',') {
            let item = item.trim();
            let (expr, alias) = match item.to_ascii_uppercase().find(" AS ") {
                Some(i) => (&item[..i], Some(item[i + 4..].trim())),
                None => (item, None),
            };
            if expr == "*" {
                columns.extend(source.columns.iter().cloned().map(|c| Column {
                    origin: self.origin(),
                    default: None,
                    not_null: false,
                    identity: false,
                    ..c
                }));
                continue;
            }
            let bare = expr.rsplit('.').next()?.trim_matches('"');
            let column = source.column(self.dialect, &fold(self.dialect, bare))?;
            let name = alias.map_or_else(
                || column.name.clone(),
                |a| fold(self.dialect, a.trim_matches('"')),
            );
            columns.push(Column {
                name,
                origin: self.origin(),
                default: None,
                not_null: false,
                identity: false,
                ..column.clone()
            });
        }
        Some(columns)
    }

    fn view_columns(&self, query: &str) -> Option<Vec<Column>> {
        self.select_columns(query)
    }
}

fn fold(dialect: Dialect, s: &str) -> String {
    if dialect == Dialect::Postgres {
        s.to_lowercase()
    } else {
        s.to_owned()
    }
}

fn same(dialect: Dialect, a: &str, b: &str) -> bool {
    match dialect {
        Dialect::Postgres => a == b,
        _ => a.eq_ignore_ascii_case(b),
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

/// `temp.x` / `temporary.x` (SQLite's temporary schema).
fn temp_schema(name: &ObjectName) -> bool {
    name.0.len() == 2
        && matches!(&name.0[0], ObjectNamePart::Identifier(i)
            if i.value.eq_ignore_ascii_case("temp") || i.value.eq_ignore_ascii_case("temporary"))
}

fn same_name(dialect: Dialect, a: &Name, b: &Name) -> bool {
    same(dialect, &a.name, &b.name) && a.schema == b.schema
}

/// "Expected …, found: x at Line: 2, Column: 7" -> (2, 7).
fn parse_position(message: &str) -> (usize, usize) {
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

/// PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1).
fn truncate_identifier(mut name: String) -> String {
    const MAX: usize = 63;
    if name.len() > MAX {
        let mut end = MAX;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
    }
    name
}
