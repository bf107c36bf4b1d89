//! The schema model: what the migrations produce (replay) and what a live database has
//! (introspection), in one shape so the two compare field by field.

use crate::Dialect;

pub mod codec;
mod render_sql;
mod reserved;

pub use render_sql::{
    check_def, column_def, create_domain, create_enum, create_index, create_table, exclusion_def,
    foreign_key_def, generated_def, quote_ident, quote_literal, quote_name, to_sql, unique_def,
};

/// Where a table, column or enum label was last defined: the migration file and line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// The migration file.
    pub path: String,
    /// The line of the statement, from 1.
    pub line: usize,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.path, self.line)
    }
}

/// A schema-qualified name. SQLite has no schemas (`schema` is `None`); PostgreSQL names
/// default to `public`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name {
    /// The schema, when named or not the default one.
    pub schema: Option<String>,
    /// The name, folded as the database folds it.
    pub name: String,
}

impl Name {
    /// A name in a schema (or in none), as given.
    pub fn new(schema: Option<&str>, name: &str) -> Name {
        Name {
            schema: schema.map(str::to_owned),
            name: name.to_owned(),
        }
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.schema {
            Some(schema) if schema != "public" => write!(f, "{schema}.{}", self.name),
            _ => f.write_str(&self.name),
        }
    }
}

/// The whole schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    /// The dialect whose rules built the schema.
    pub dialect: Dialect,
    /// PostgreSQL namespaces created by the migrations (besides `public`).
    pub schemas: Vec<String>,
    /// Tables, in creation order.
    pub tables: Vec<Table>,
    /// Enum types, in creation order.
    pub enums: Vec<EnumType>,
    /// Domains, in creation order.
    pub domains: Vec<Domain>,
    /// Views and materialized views, in creation order.
    pub views: Vec<View>,
    /// Indexes, in creation order.
    pub indexes: Vec<Index>,
    /// Extensions created (`CREATE EXTENSION`).
    pub extensions: Vec<String>,
    /// Sequences made by `CREATE SEQUENCE` (PostgreSQL); a serial's or an identity's is its
    /// column's. Known to the PL/pgSQL interpreter's catalog; not compared by verify.
    pub sequences: Vec<Name>,
    /// Tables dropped or renamed, newest last: messages say where a missing table went.
    pub dropped: Vec<Dropped>,
    /// Columns dropped or renamed, newest last (`name` is the table; the derives say where a
    /// missing column went).
    pub dropped_columns: Vec<DroppedColumn>,
    /// MySQL: the indexes the server made for a foreign key (`schema` is their table, `name`
    /// the index), which it drops when a later index covers their columns.
    pub foreign_key_indexes: Vec<Name>,
    /// Functions the migrations created (PostgreSQL `CREATE FUNCTION`), in creation order:
    /// the checked queries type their calls. Not compared by diff or verify.
    pub functions: Vec<Function>,
}

/// A function created by a migration (PostgreSQL), as its declaration says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// Its name, schema-qualified (`public` when none is written).
    pub name: Name,
    /// The types of its input arguments (IN, INOUT, VARIADIC), in order, as `format_type()`
    /// spells an argument's type (no type modifier: `character varying`, `numeric`).
    pub args: Vec<String>,
    /// How many of the last arguments have a default (a call may leave them out).
    pub defaults: usize,
    /// The last argument is VARIADIC (an array taking any number of trailing arguments).
    pub variadic: bool,
    /// The result type (`void`, `trigger`, `record` for `RETURNS TABLE` or several OUT
    /// arguments), as `format_type()` spells it.
    pub returns: String,
    /// `RETURNS SETOF …` or `RETURNS TABLE (…)`: a set of rows.
    pub returns_set: bool,
    /// The columns of `RETURNS TABLE (…)` or the OUT arguments: name and type.
    pub out_columns: Vec<(String, String)>,
    /// `STRICT` / `RETURNS NULL ON NULL INPUT`: NULL exactly when an argument is.
    pub strict: bool,
    /// The migration statement that last defined it.
    pub origin: Origin,
}

/// A column that an earlier migration dropped or renamed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DroppedColumn {
    /// The table it belonged to.
    pub table: Name,
    /// The column's name then.
    pub column: String,
    /// `None` when dropped; the new name when renamed.
    pub renamed_to: Option<String>,
    /// The migration statement that last defined it.
    pub origin: Origin,
}

/// A table that an earlier migration dropped or renamed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// The table's name then.
    pub name: Name,
    /// `dropped`, or `renamed to x`.
    pub how: String,
    /// The migration statement that last defined it.
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// A table: its columns in order and its constraints.
pub struct Table {
    /// The table's name.
    pub name: Name,
    /// Columns, in order.
    pub columns: Vec<Column>,
    /// The primary key's columns, in order (empty: none).
    pub primary_key: Vec<String>,
    /// The primary key constraint's name: as written, or PostgreSQL's default (`users_pkey`).
    /// SQLite keeps none unless one is written.
    pub primary_key_name: Option<String>,
    /// Unique constraints.
    pub uniques: Vec<Unique>,
    /// Foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    /// Check constraints.
    pub checks: Vec<Check>,
    /// `EXCLUDE` constraints (PostgreSQL).
    pub exclusions: Vec<Exclusion>,
    /// SQLite `STRICT` tables store exactly their declared types.
    pub strict: bool,
    /// SQLite `WITHOUT ROWID`.
    pub without_rowid: bool,
    /// The migration statement that last defined it.
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// A column of a table or view.
pub struct Column {
    /// The column's name.
    pub name: String,
    /// As the database names it: PostgreSQL's `format_type()` (`integer`,
    /// `character varying(320)`, `text[]`); SQLite's declared type (upper-cased).
    pub sql_type: String,
    /// Declared `NOT NULL` (or implied by a PostgreSQL primary key, serial or identity).
    pub not_null: bool,
    /// The default as SQL text, as written.
    pub default: Option<String>,
    /// `GENERATED ALWAYS | BY DEFAULT AS IDENTITY` (PostgreSQL).
    pub identity: Option<Identity>,
    /// `GENERATED ALWAYS AS (expr) STORED | VIRTUAL`.
    pub generated: Option<Generated>,
    /// A sequence is owned by the column (`serial`, `… OWNED BY t.c`; PostgreSQL): dropping
    /// the column drops it. An identity's own sequence does not count.
    pub owns_sequence: bool,
    /// The migration statement that last defined it.
    pub origin: Origin,
}

/// How an identity column takes its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    /// `GENERATED ALWAYS AS IDENTITY`.
    Always,
    /// `GENERATED BY DEFAULT AS IDENTITY`.
    ByDefault,
}

impl Identity {
    /// `ALWAYS` or `BY DEFAULT`, as the SQL writes it.
    pub fn as_sql(self) -> &'static str {
        match self {
            Identity::Always => "ALWAYS",
            Identity::ByDefault => "BY DEFAULT",
        }
    }
}

/// A generated column's expression, as written (the replay's) or as the catalog prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The generation expression, as written.
    pub expr: String,
    /// `STORED`; `false` is `VIRTUAL` (SQLite's default, PostgreSQL 18's).
    pub stored: bool,
}

/// A `UNIQUE` constraint (a `CREATE UNIQUE INDEX` is an [`Index`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unique {
    /// The constraint's name: as written, or PostgreSQL's default (`users_email_key`). SQLite
    /// keeps none unless one is written.
    pub name: Option<String>,
    /// The constrained columns, in order.
    pub columns: Vec<String>,
    /// The migration statement that last defined it.
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// A foreign key.
pub struct ForeignKey {
    /// As for [`Unique::name`] (PostgreSQL's default: `tasks_user_id_fkey`).
    pub name: Option<String>,
    /// The referencing columns, in order.
    pub columns: Vec<String>,
    /// The referenced table.
    pub foreign_table: Name,
    /// Empty when the SQL names none: the referenced table's primary key.
    pub referred_columns: Vec<String>,
    /// `CASCADE`, `SET NULL`, `SET DEFAULT` or `RESTRICT`; `None` is `NO ACTION`.
    pub on_delete: Option<String>,
    /// `ON UPDATE` action, if any.
    pub on_update: Option<String>,
    /// The migration statement that last defined it.
    pub origin: Origin,
}

impl ForeignKey {
    /// The referenced columns, the referenced table's primary key when none are named.
    pub fn referred_in(&self, schema: &Schema) -> Vec<String> {
        if !self.referred_columns.is_empty() {
            return self.referred_columns.clone();
        }
        schema
            .table(&self.foreign_table)
            .map(|t| t.primary_key.clone())
            .unwrap_or_default()
    }
}

/// A referential action as the model keeps it: upper case, `NO ACTION` as `None`.
pub fn referential_action(text: &str) -> Option<String> {
    let action = text.trim().to_ascii_uppercase();
    (!action.is_empty() && action != "NO ACTION").then_some(action)
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// A check constraint.
pub struct Check {
    /// As for [`Unique::name`] (PostgreSQL's defaults: `tasks_status_check` for a check on one
    /// column, `tasks_check` otherwise).
    pub name: Option<String>,
    /// The expression, as written.
    pub expr: String,
    /// `col IN ('a', 'b')`: the column and its allowed text values (a text enum).
    pub in_list: Option<(String, Vec<String>)>,
    /// The migration statement that last defined it.
    pub origin: Origin,
}

/// An `EXCLUDE [USING method] (key WITH operator, …) [INCLUDE (…)] [WHERE (…)]` constraint
/// (PostgreSQL): no two rows may have every element's operator true. Its index has its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    /// As for [`Unique::name`] (PostgreSQL's default: `bookings_room_during_excl`).
    pub name: Option<String>,
    /// `gist`, lower case; `None` when none is written (PostgreSQL's `btree`).
    pub method: Option<String>,
    /// What is compared, and with which operator.
    pub elements: Vec<ExclusionElement>,
    /// `INCLUDE (…)` columns.
    pub include: Vec<String>,
    /// The `WHERE` condition of a partial constraint.
    pub predicate: Option<String>,
    /// Where the migrations define it.
    pub origin: Origin,
}

/// One `key WITH operator` of an [`Exclusion`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExclusionElement {
    /// A column's name, or an expression as written.
    pub key: String,
    /// The key's operator class, order and collation, as for an index key.
    pub options: IndexKey,
    /// `=`, `&&`, or `OPERATOR(pg_catalog.=)`, as written.
    pub operator: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// An enum type and its labels.
pub struct EnumType {
    /// The type's name.
    pub name: Name,
    /// The labels, in order.
    pub labels: Vec<Label>,
    /// The migration statement that last defined it.
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// One label of an enum type.
pub struct Label {
    /// The label.
    pub name: String,
    /// The migration statement that last defined it.
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// A domain over a base type.
pub struct Domain {
    /// The domain's name.
    pub name: Name,
    /// The base type.
    pub base_type: String,
    /// Whether the domain is `NOT NULL`.
    pub not_null: bool,
    /// The migration statement that last defined it.
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// A view or materialized view.
pub struct View {
    /// The view's name.
    pub name: Name,
    /// The view's columns where they can be derived from its query.
    pub columns: Option<Vec<Column>>,
    /// The tables and views its query reads (the replay uses it for `DROP … CASCADE`; an
    /// introspected view leaves it empty).
    pub depends_on: Vec<Name>,
    /// The migration statement that last defined it.
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// An index and its shape.
pub struct Index {
    /// The index's name (in its table's schema).
    pub name: Name,
    /// The indexed table.
    pub table: Name,
    /// The key columns: a column's name, or an expression as written.
    pub columns: Vec<String>,
    /// How each key column is ordered and compared: one per entry of `columns`, same order.
    pub keys: Vec<IndexKey>,
    /// `INCLUDE (…)` columns (PostgreSQL).
    pub include: Vec<String>,
    /// Whether it is a unique index.
    pub unique: bool,
    /// `USING gin`, lower case; `None` when none is written (PostgreSQL's `btree`).
    pub method: Option<String>,
    /// A partial index's `WHERE` condition.
    pub predicate: Option<String>,
    /// The migration statement that last defined it.
    pub origin: Origin,
}

/// One key column's options: `col COLLATE "C" text_pattern_ops DESC NULLS LAST`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexKey {
    /// `COLLATE`, if written.
    pub collation: Option<String>,
    /// The operator class, lower case, when one is written.
    pub opclass: Option<String>,
    /// `DESC`.
    pub descending: bool,
    /// Where NULLs sort, as written or as the order implies (first for `DESC`).
    pub nulls_first: bool,
}

impl IndexKey {
    /// The options as SQL after the key: ` COLLATE "C" text_pattern_ops DESC NULLS LAST`
    /// (each only when it is not the default).
    pub fn suffix(&self) -> String {
        let mut out = String::new();
        if let Some(c) = &self.collation {
            out.push_str(&format!(" COLLATE {c}"));
        }
        if let Some(o) = &self.opclass {
            out.push_str(&format!(" {o}"));
        }
        if self.descending {
            out.push_str(" DESC");
        }
        if self.nulls_first != self.descending {
            out.push_str(if self.nulls_first {
                " NULLS FIRST"
            } else {
                " NULLS LAST"
            });
        }
        out
    }
}

impl Schema {
    /// An empty schema of this dialect.
    pub fn new(dialect: Dialect) -> Schema {
        Schema {
            dialect,
            schemas: Vec::new(),
            tables: Vec::new(),
            enums: Vec::new(),
            domains: Vec::new(),
            views: Vec::new(),
            indexes: Vec::new(),
            extensions: Vec::new(),
            sequences: Vec::new(),
            dropped: Vec::new(),
            dropped_columns: Vec::new(),
            foreign_key_indexes: Vec::new(),
            functions: Vec::new(),
        }
    }

    /// Whether two identifiers name the same thing: exact on PostgreSQL (names are stored
    /// folded), case-insensitive on SQLite.
    pub fn same(&self, a: &str, b: &str) -> bool {
        match self.dialect {
            Dialect::Sqlite | Dialect::Mysql => a.eq_ignore_ascii_case(b),
            _ => a == b,
        }
    }

    /// Whether two names are the same object by the dialect's rules.
    pub fn same_name(&self, a: &Name, b: &Name) -> bool {
        self.same(&a.name, &b.name)
            && match (&a.schema, &b.schema) {
                (Some(x), Some(y)) => self.same(x, y),
                (None, None) => true,
                _ => false,
            }
    }

    /// The table of this name.
    pub fn table(&self, name: &Name) -> Option<&Table> {
        self.tables.iter().find(|t| self.same_name(&t.name, name))
    }

    /// The table of this name, to change it.
    pub fn table_mut(&mut self, name: &Name) -> Option<&mut Table> {
        let i = self
            .tables
            .iter()
            .position(|t| self.same_name(&t.name, name))?;
        self.tables.get_mut(i)
    }

    /// The enum type of this name.
    pub fn enum_type(&self, name: &Name) -> Option<&EnumType> {
        self.enums.iter().find(|e| self.same_name(&e.name, name))
    }

    /// The view of this name.
    pub fn view(&self, name: &Name) -> Option<&View> {
        self.views.iter().find(|v| self.same_name(&v.name, name))
    }

    /// The domain of this name.
    pub fn domain(&self, name: &Name) -> Option<&Domain> {
        self.domains.iter().find(|d| self.same_name(&d.name, name))
    }
}

impl Table {
    /// The column of this name, folded by the dialect's rules.
    pub fn column(&self, dialect: Dialect, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| same(dialect, &c.name, name))
    }

    /// Whether reading the column can return NULL. SQLite's `INTEGER PRIMARY KEY` (the rowid)
    /// never does though it is not declared NOT NULL; its other PRIMARY KEY columns may hold
    /// NULL unless NOT NULL, STRICT or WITHOUT ROWID.
    pub fn nullable(&self, dialect: Dialect, column: &Column) -> bool {
        if column.not_null {
            return false;
        }
        if dialect == Dialect::Sqlite
            && self.primary_key.len() == 1
            && same(dialect, &self.primary_key[0], &column.name)
        {
            let rowid_alias =
                column.sql_type.eq_ignore_ascii_case("INTEGER") && !self.without_rowid;
            return !(rowid_alias || self.strict || self.without_rowid);
        }
        true
    }
}

fn same(dialect: Dialect, a: &str, b: &str) -> bool {
    match dialect {
        Dialect::Sqlite | Dialect::Mysql => a.eq_ignore_ascii_case(b),
        _ => a == b,
    }
}
