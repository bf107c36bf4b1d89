//! The schema as readable SQL: `CREATE SCHEMA`, `CREATE TYPE … AS ENUM`, `CREATE DOMAIN`,
//! `CREATE TABLE`, `CREATE INDEX`, and views as comments (the model keeps their columns, not
//! their query). The repair script of `cargo migrate diff --script` reuses these pieces.
//!
//! Why this presentation stays in migrate-core while the JSON renderers moved to the CLI:
//! the repair SQL ([`crate::diff::repair`]) is built from these same pieces (`create_table`,
//! `column_def`, `quote_ident`, …), and that repair is logic over two schemas that belongs
//! beside the diff. Moving the printer out would split one SQL spelling in two. It is plain
//! string building, no I/O and no dependency.

use std::fmt::Write;

use super::reserved::{MYSQL_RESERVED, RESERVED};
use super::{
    Check, Column, Domain, EnumType, Exclusion, ForeignKey, Index, IndexKey, Name, Schema, Table,
    Unique, View,
};
use crate::Dialect;

/// An identifier as SQL: bare when the database reads it back unchanged, else quoted: in
/// double quotes (every `"` doubled), or in backticks on MySQL (every `` ` `` doubled), which
/// reads `"…"` as a string unless `ANSI_QUOTES` is set. PostgreSQL folds bare names to lower
/// case; SQLite and MySQL keep them.
pub fn quote_ident(dialect: Dialect, ident: &str) -> String {
    let mut chars = ident.chars();
    let first_ok = chars.next().is_some_and(|c| {
        c == '_'
            || c.is_ascii_lowercase()
            || (dialect != Dialect::Postgres && c.is_ascii_uppercase())
    });
    let rest_ok = ident.chars().all(|c| {
        c == '_'
            || c.is_ascii_digit()
            || c.is_ascii_lowercase()
            || (dialect != Dialect::Postgres && c.is_ascii_uppercase())
    });
    let lower = ident.to_ascii_lowercase();
    let reserved = RESERVED.contains(&lower.as_str())
        || (dialect == Dialect::Mysql && MYSQL_RESERVED.contains(&lower.as_str()));
    if first_ok && rest_ok && !reserved {
        ident.to_owned()
    } else if dialect == Dialect::Mysql {
        format!("`{}`", ident.replace('`', "``"))
    } else {
        format!("\"{}\"", ident.replace('"', "\"\""))
    }
}

/// A possibly schema-qualified name as SQL; `public.` is left out.
pub fn quote_name(dialect: Dialect, name: &Name) -> String {
    match &name.schema {
        Some(schema) if schema != "public" => {
            format!(
                "{}.{}",
                quote_ident(dialect, schema),
                quote_ident(dialect, &name.name)
            )
        }
        _ => quote_ident(dialect, &name.name),
    }
}

/// The whole schema as SQL statements, one object after another, in creation order.
pub fn to_sql(schema: &Schema) -> String {
    let d = schema.dialect;
    let mut out =
        format!("-- The schema the migrations produce ({d}), replayed by cargo migrate schema.\n");
    let section = |out: &mut String, lines: Vec<String>| {
        if !lines.is_empty() {
            out.push('\n');
            for line in lines {
                out.push_str(&line);
                out.push('\n');
            }
        }
    };
    let extensions = schema
        .extensions
        .iter()
        .map(|e| format!("CREATE EXTENSION IF NOT EXISTS {};", quote_ident(d, e)))
        .collect();
    section(&mut out, extensions);
    let schemas = schema
        .schemas
        .iter()
        .map(|s| format!("CREATE SCHEMA {};", quote_ident(d, s)))
        .collect();
    section(&mut out, schemas);
    section(
        &mut out,
        schema.enums.iter().map(|e| create_enum(d, e)).collect(),
    );
    section(
        &mut out,
        schema.domains.iter().map(|x| create_domain(d, x)).collect(),
    );
    for table in &schema.tables {
        section(&mut out, vec![create_table(d, table)]);
    }
    section(
        &mut out,
        schema.indexes.iter().map(|i| create_index(d, i)).collect(),
    );
    section(
        &mut out,
        schema.views.iter().map(|v| view_comment(d, v)).collect(),
    );
    out
}

/// `CREATE TYPE mood AS ENUM ('sad', 'happy');`
pub fn create_enum(d: Dialect, e: &EnumType) -> String {
    let labels: Vec<String> = e.labels.iter().map(|l| quote_literal(&l.name)).collect();
    format!(
        "CREATE TYPE {} AS ENUM ({});",
        quote_name(d, &e.name),
        labels.join(", ")
    )
}

/// `CREATE DOMAIN email AS text NOT NULL;`
pub fn create_domain(d: Dialect, domain: &Domain) -> String {
    let not_null = if domain.not_null { " NOT NULL" } else { "" };
    format!(
        "CREATE DOMAIN {} AS {}{not_null};",
        quote_name(d, &domain.name),
        domain.base_type
    )
}

fn constraint_name(d: Dialect, name: &Option<String>) -> String {
    name.as_ref()
        .map(|n| format!("CONSTRAINT {} ", quote_ident(d, n)))
        .unwrap_or_default()
}

fn column_list(d: Dialect, columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| quote_ident(d, c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `[CONSTRAINT name] UNIQUE (a, b)`, as in `CREATE TABLE` or `ADD`.
pub fn unique_def(d: Dialect, unique: &Unique) -> String {
    format!(
        "{}UNIQUE ({})",
        constraint_name(d, &unique.name),
        column_list(d, &unique.columns)
    )
}

/// `[CONSTRAINT name] FOREIGN KEY (a) REFERENCES t (b) [ON DELETE …] [ON UPDATE …]`.
pub fn foreign_key_def(d: Dialect, fk: &ForeignKey) -> String {
    let mut out = format!(
        "{}FOREIGN KEY ({}) REFERENCES {}",
        constraint_name(d, &fk.name),
        column_list(d, &fk.columns),
        quote_name(d, &fk.foreign_table)
    );
    if !fk.referred_columns.is_empty() {
        out.push_str(&format!(" ({})", column_list(d, &fk.referred_columns)));
    }
    if let Some(action) = &fk.on_delete {
        out.push_str(&format!(" ON DELETE {action}"));
    }
    if let Some(action) = &fk.on_update {
        out.push_str(&format!(" ON UPDATE {action}"));
    }
    out
}

/// `[CONSTRAINT name] CHECK (expr)`.
pub fn check_def(d: Dialect, check: &Check) -> String {
    format!("{}CHECK ({})", constraint_name(d, &check.name), check.expr)
}

/// `[CONSTRAINT name] EXCLUDE USING gist (room WITH =, during WITH &&) [INCLUDE (…)]
/// [WHERE (…)]`.
pub fn exclusion_def(d: Dialect, x: &Exclusion) -> String {
    let elements: Vec<String> = x
        .elements
        .iter()
        .map(|e| {
            format!(
                "{}{} WITH {}",
                key_sql(d, &e.key),
                e.options.suffix(),
                e.operator
            )
        })
        .collect();
    let mut out = format!("{}EXCLUDE", constraint_name(d, &x.name));
    if let Some(method) = &x.method {
        let _ = write!(out, " USING {method}");
    }
    let _ = write!(out, " ({})", elements.join(", "));
    if !x.include.is_empty() {
        let _ = write!(out, " INCLUDE ({})", column_list(d, &x.include));
    }
    if let Some(p) = &x.predicate {
        let _ = write!(out, " WHERE ({p})");
    }
    out
}

/// `CREATE TABLE` with its columns, primary key, unique and foreign keys, checks and
/// exclusion constraints.
pub fn create_table(d: Dialect, table: &Table) -> String {
    let mut parts: Vec<String> = table.columns.iter().map(|c| column_def(d, c)).collect();
    let list = |cols: &[String]| {
        cols.iter()
            .map(|c| quote_ident(d, c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !table.primary_key.is_empty() {
        parts.push(format!("PRIMARY KEY ({})", list(&table.primary_key)));
    }
    for unique in &table.uniques {
        parts.push(unique_def(d, unique));
    }
    for fk in &table.foreign_keys {
        parts.push(foreign_key_def(d, fk));
    }
    for check in &table.checks {
        parts.push(check_def(d, check));
    }
    for exclusion in &table.exclusions {
        parts.push(exclusion_def(d, exclusion));
    }
    let mut out = format!("CREATE TABLE {} (\n", quote_name(d, &table.name));
    for (i, part) in parts.iter().enumerate() {
        let comma = if i + 1 < parts.len() { "," } else { "" };
        let _ = writeln!(out, "    {part}{comma}");
    }
    out.push(')');
    let mut options = Vec::new();
    if table.strict {
        options.push("STRICT");
    }
    if table.without_rowid {
        options.push("WITHOUT ROWID");
    }
    if !options.is_empty() {
        out.push(' ');
        out.push_str(&options.join(", "));
    }
    out.push(';');
    out
}

/// `email text NOT NULL DEFAULT ''`, as in `CREATE TABLE` and `ADD COLUMN`.
pub fn column_def(d: Dialect, c: &Column) -> String {
    let mut out = quote_ident(d, &c.name);
    if !c.sql_type.is_empty() {
        out.push(' ');
        out.push_str(&c.sql_type);
    }
    if c.not_null {
        out.push_str(" NOT NULL");
    }
    if let Some(default) = &c.default {
        let _ = write!(out, " DEFAULT {default}");
    }
    match (c.identity, d) {
        // The replay models `AUTO_INCREMENT` as an identity `BY DEFAULT`: MySQL and MariaDB
        // have no `GENERATED … AS IDENTITY`.
        (Some(_), Dialect::Mysql) => out.push_str(" AUTO_INCREMENT"),
        (Some(identity), _) => {
            let _ = write!(out, " GENERATED {} AS IDENTITY", identity.as_sql());
        }
        (None, _) => {}
    }
    if let Some(generated) = &c.generated {
        let _ = write!(out, " {}", generated_def(d, generated));
    }
    out
}

/// `GENERATED ALWAYS AS (a + b) STORED`; SQLite's virtual columns say `VIRTUAL`, PostgreSQL's
/// (18) leave it implied.
pub fn generated_def(d: Dialect, g: &super::Generated) -> String {
    let kind = match (g.stored, d) {
        (true, _) => " STORED",
        (false, Dialect::Postgres) => "",
        (false, _) => " VIRTUAL",
    };
    format!("GENERATED ALWAYS AS ({}){kind}", g.expr)
}

/// `CREATE [UNIQUE] INDEX name ON table (columns);`
pub fn create_index(d: Dialect, index: &Index) -> String {
    // MySQL spells FULLTEXT and SPATIAL (the replay's method) before INDEX, not as `USING`.
    let (unique, method) = match (&index.method, d) {
        (Some(m), Dialect::Mysql) => (format!("{} ", m.to_ascii_uppercase()), None),
        (m, _) => (
            if index.unique { "UNIQUE " } else { "" }.to_owned(),
            m.as_ref(),
        ),
    };
    // Expression keys (PostgreSQL's pg_get_indexdef) are kept as written.
    let columns: Vec<String> = index
        .columns
        .iter()
        .zip(index.keys.iter().map(Some).chain(std::iter::repeat(None)))
        .map(|(c, key)| {
            format!(
                "{}{}",
                key_sql(d, c),
                key.map(|k| key_suffix(d, k)).unwrap_or_default()
            )
        })
        .collect();
    let include = if index.include.is_empty() {
        String::new()
    } else {
        format!(
            " INCLUDE ({})",
            index
                .include
                .iter()
                .map(|c| quote_ident(d, c))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let method = method.map(|m| format!(" USING {m}")).unwrap_or_default();
    let predicate = index
        .predicate
        .as_ref()
        .map(|p| format!(" WHERE {p}"))
        .unwrap_or_default();
    // The index lives in its table's schema: only the table is qualified.
    format!(
        "CREATE {unique}INDEX {} ON {}{method} ({}){include}{predicate};",
        quote_ident(d, &index.name.name),
        quote_name(d, &index.table),
        columns.join(", ")
    )
}

/// What follows an index key: collation, operator class, order and nulls placement; MySQL
/// has only `DESC` (its nulls sort first ascending, last descending, and cannot be moved).
fn key_suffix(d: Dialect, key: &IndexKey) -> String {
    match d {
        Dialect::Mysql if key.descending => " DESC".to_owned(),
        Dialect::Mysql => String::new(),
        _ => key.suffix(),
    }
}

/// An index key (or an `EXCLUDE` element) as SQL: a column's name quoted as needed, an
/// expression as written (kept as `pg_get_indexdef` prints it), in parentheses on PostgreSQL
/// unless it is one call.
fn key_sql(d: Dialect, key: &str) -> String {
    let is_name = |k: &str| !k.is_empty() && k.chars().all(|ch| ch.is_alphanumeric() || ch == '_');
    if is_name(key) {
        quote_ident(d, key)
    } else if d == Dialect::Mysql && !key.starts_with('(') {
        // A MySQL key is a column, or a column's prefix (`name(10)`), or `(expression)`.
        match key
            .strip_suffix(')')
            .and_then(|k| k.rsplit_once('('))
            .filter(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        {
            Some((column, length)) => format!("{}({length})", quote_ident(d, column)),
            None => quote_ident(d, key),
        }
    } else if d == Dialect::Postgres && !is_call(key) {
        format!("({key})")
    } else {
        key.to_owned()
    }
}

/// Whether an expression key is one function call (`lower(email)`), which PostgreSQL takes
/// without the parentheses other expressions need.
fn is_call(key: &str) -> bool {
    let Some(open) = key.find('(') else {
        return false;
    };
    let head = &key[..open];
    !head.is_empty()
        && head
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '"')
        && key.ends_with(')')
        && {
            let mut depth = 0i32;
            key[open..].char_indices().all(|(i, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                depth > 0 || i == key.len() - open - 1
            })
        }
}

fn view_comment(d: Dialect, view: &View) -> String {
    let columns = match &view.columns {
        Some(columns) => columns
            .iter()
            .map(|c| {
                format!("{} {}", quote_ident(d, &c.name), c.sql_type)
                    .trim_end()
                    .to_owned()
            })
            .collect::<Vec<_>>()
            .join(", "),
        None => "columns not derived".to_owned(),
    };
    format!(
        "-- VIEW {} ({columns}), defined at {}",
        quote_name(d, &view.name),
        view.origin
    )
}

/// A string literal: `'it''s'`.
pub fn quote_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Label, Origin};

    fn column(name: &str, ty: &str, not_null: bool, default: Option<&str>) -> Column {
        Column {
            name: name.into(),
            sql_type: ty.into(),
            not_null,
            default: default.map(Into::into),
            identity: None,
            generated: None,
            owns_sequence: false,
            origin: Origin::default(),
        }
    }

    fn pg_schema() -> Schema {
        let mut s = Schema::new(Dialect::Postgres);
        s.schemas.push("app".into());
        s.enums.push(EnumType {
            name: Name::new(Some("public"), "mood"),
            labels: ["sad", "it's"]
                .iter()
                .map(|l| Label {
                    name: (*l).into(),
                    origin: Origin::default(),
                })
                .collect(),
            origin: Origin::default(),
        });
        s.tables.push(Table {
            name: Name::new(Some("app"), "User"),
            columns: vec![
                column("id", "bigint", true, None),
                column("order", "text", false, Some("'x'::text")),
                column("org_id", "integer", false, None),
            ],
            primary_key: vec!["id".into()],
            primary_key_name: None,
            uniques: vec![Unique {
                name: None,
                columns: vec!["order".into()],
                origin: Origin::default(),
            }],
            foreign_keys: vec![ForeignKey {
                name: Some("user_org_fkey".into()),
                columns: vec!["org_id".into()],
                foreign_table: Name::new(Some("public"), "orgs"),
                referred_columns: vec!["id".into()],
                on_delete: Some("CASCADE".into()),
                on_update: None,
                origin: Origin::default(),
            }],
            checks: Vec::new(),
            exclusions: Vec::new(),
            strict: false,
            without_rowid: false,
            origin: Origin::default(),
        });
        s.indexes.push(Index {
            name: Name::new(Some("app"), "user_org_idx"),
            table: Name::new(Some("app"), "User"),
            columns: vec!["org_id".into(), "lower(\"order\")".into()],
            keys: vec![
                IndexKey {
                    descending: true,
                    nulls_first: true,
                    ..IndexKey::default()
                },
                IndexKey::default(),
            ],
            include: vec!["id".into()],
            unique: true,
            method: Some("btree".into()),
            predicate: Some("org_id IS NOT NULL".into()),
            origin: Origin::default(),
        });
        s
    }

    #[test]
    fn postgres_schema_as_sql() {
        assert_eq!(
            to_sql(&pg_schema()),
            "-- The schema the migrations produce (postgres), replayed by cargo migrate schema.\n\
             \n\
             CREATE SCHEMA app;\n\
             \n\
             CREATE TYPE mood AS ENUM ('sad', 'it''s');\n\
             \n\
             CREATE TABLE app.\"User\" (\n    \
                 id bigint NOT NULL,\n    \
                 \"order\" text DEFAULT 'x'::text,\n    \
                 org_id integer,\n    \
                 PRIMARY KEY (id),\n    \
                 UNIQUE (\"order\"),\n    \
                 CONSTRAINT user_org_fkey FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE CASCADE\n\
             );\n\
             \n\
             CREATE UNIQUE INDEX user_org_idx ON app.\"User\" USING btree (org_id DESC, lower(\"order\")) INCLUDE (id) WHERE org_id IS NOT NULL;\n"
        );
    }

    #[test]
    fn sqlite_keeps_case_and_table_options() {
        let mut s = Schema::new(Dialect::Sqlite);
        s.tables.push(Table {
            name: Name::new(None, "Notes"),
            columns: vec![column("Body", "TEXT", true, Some("''"))],
            primary_key: Vec::new(),
            primary_key_name: None,
            uniques: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            exclusions: Vec::new(),
            strict: true,
            without_rowid: false,
            origin: Origin::default(),
        });
        assert!(
            to_sql(&s)
                .contains("CREATE TABLE Notes (\n    Body TEXT NOT NULL DEFAULT ''\n) STRICT;")
        );
    }

    #[test]
    fn an_identity_is_auto_increment_on_mysql() {
        let mut id = column("id", "int unsigned", true, None);
        id.identity = Some(crate::schema::Identity::ByDefault);
        assert_eq!(
            column_def(Dialect::Mysql, &id),
            "id int unsigned NOT NULL AUTO_INCREMENT"
        );
        assert_eq!(
            column_def(Dialect::Postgres, &id),
            "id int unsigned NOT NULL GENERATED BY DEFAULT AS IDENTITY"
        );
    }

    #[test]
    fn names_are_quoted_only_when_needed() {
        assert_eq!(quote_ident(Dialect::Postgres, "users"), "users");
        assert_eq!(quote_ident(Dialect::Postgres, "Users"), "\"Users\"");
        assert_eq!(quote_ident(Dialect::Postgres, "user"), "\"user\"");
        assert_eq!(quote_ident(Dialect::Postgres, "a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_ident(Dialect::Postgres, "1st"), "\"1st\"");
        assert_eq!(quote_ident(Dialect::Sqlite, "Users"), "Users");
        assert_eq!(quote_ident(Dialect::Mysql, "Users"), "Users");
        assert_eq!(quote_ident(Dialect::Mysql, "order"), "`order`");
        assert_eq!(quote_ident(Dialect::Mysql, "range"), "`range`");
        assert_eq!(quote_ident(Dialect::Postgres, "range"), "range");
        assert_eq!(quote_ident(Dialect::Mysql, "a b`c"), "`a b``c`");
    }
}
