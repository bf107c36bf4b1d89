//! `EXCLUDE [USING method] (key WITH operator, …) [INCLUDE (…)] [WHERE (…)]` constraints
//! (PostgreSQL), in `CREATE TABLE` and `ALTER TABLE … ADD`; and the same reading of the
//! catalog's `pg_get_constraintdef`, so the replay and the database compare as one shape.

use sqlparser::ast::{AlterTableOperation, ExcludeConstraint, Statement, TableConstraint};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::indexes::{key_name_part, key_of};
use super::names::ident_in;
use super::{Run, same};
use crate::Dialect;
use crate::schema::{Exclusion, ExclusionElement, Origin, Table};

/// Scalar types with no default operator class for `gist` in core PostgreSQL: `WITH =` on
/// one needs the `btree_gist` extension.
const NEEDS_BTREE_GIST: &[&str] = &[
    "smallint",
    "integer",
    "bigint",
    "numeric",
    "real",
    "double precision",
    "text",
    "character varying",
    "character",
    "uuid",
    "date",
    "boolean",
    "bytea",
    "money",
    "timestamp without time zone",
    "timestamp with time zone",
    "time without time zone",
    "interval",
];

impl Run<'_> {
    /// `EXCLUDE …` added to `table`: checked as PostgreSQL checks it (the columns exist, an
    /// operator class for the method), then kept.
    pub(super) fn add_exclusion(&mut self, table: &mut Table, c: &ExcludeConstraint) {
        let exclusion = from_ast(self.dialect, c, self.origin());
        let method = exclusion.method.as_deref().unwrap_or("btree");
        for (element, written) in exclusion.elements.iter().zip(&c.elements) {
            let is_column = matches!(
                written.column.column.expr,
                sqlparser::ast::Expr::Identifier(_)
            );
            if !is_column {
                continue;
            }
            let Some(column) = table.column(self.dialect, &element.key) else {
                return self.error(format!(
                    "column {} named in the EXCLUDE constraint does not exist in table {}",
                    element.key, table.name
                ));
            };
            let scalar = NEEDS_BTREE_GIST
                .iter()
                .any(|t| column.sql_type == *t || column.sql_type.starts_with(&format!("{t}(")));
            if method == "gist"
                && scalar
                && element.options.opclass.is_none()
                && !self.schema.extensions.iter().any(|e| e == "btree_gist")
            {
                return self.error(format!(
                    "data type {} has no operator class for gist (column {} of the EXCLUDE \
                     constraint on {}): it comes with the extension btree_gist; add `CREATE \
                     EXTENSION IF NOT EXISTS btree_gist;` in an earlier migration (PostgreSQL \
                     refuses this constraint without it)",
                    column.sql_type, element.key, table.name
                ));
            }
        }
        table.exclusions.push(exclusion);
    }

    /// PostgreSQL's default name of an unnamed exclusion: `t_a_b_excl` (its index's name,
    /// from every column of the index, `INCLUDE` columns too).
    pub(super) fn exclusion_name(&self, table: &Table, at: usize, taken: &[String]) -> String {
        let exclusion = &table.exclusions[at];
        let parts: Vec<String> = exclusion
            .elements
            .iter()
            .map(|e| element_name_part(self.dialect, &e.key))
            .chain(exclusion.include.iter().cloned())
            .collect();
        super::constraints::choose(&table.name.name, Some(&parts.join("_")), "excl", taken)
    }
}

/// What an element adds to the default name: the column, an expression's function, `expr`.
fn element_name_part(dialect: Dialect, key: &str) -> String {
    if key.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return key.to_owned();
    }
    let expr = Parser::new(&PostgreSqlDialect {})
        .try_with_sql(key)
        .and_then(|mut p| p.parse_expr());
    match expr {
        Ok(expr) => key_name_part(dialect, &expr),
        Err(_) => "expr".to_owned(),
    }
}

fn from_ast(dialect: Dialect, c: &ExcludeConstraint, origin: Origin) -> Exclusion {
    Exclusion {
        name: c.name.as_ref().map(|n| ident_in(dialect, n)),
        method: c.index_method.as_ref().map(|m| m.value.to_lowercase()),
        elements: c
            .elements
            .iter()
            .map(|e| {
                let (key, options) = key_of(dialect, &e.column);
                ExclusionElement {
                    key,
                    options,
                    operator: e.operator.to_string(),
                }
            })
            .collect(),
        include: c.include.iter().map(|i| ident_in(dialect, i)).collect(),
        predicate: c.where_clause.as_ref().map(|p| p.to_string()),
        origin,
    }
}

/// An exclusion constraint as the catalog defines it (`pg_get_constraintdef`:
/// `EXCLUDE USING gist (room WITH =, during WITH &&)`), read as the replay reads the
/// statement; `None` when the text is not one.
pub fn exclusion_from_sql(name: &str, definition: &str) -> Option<Exclusion> {
    let sql = format!("ALTER TABLE t ADD {definition}");
    let parsed = Parser::parse_sql(&PostgreSqlDialect {}, &sql).ok()?;
    let Some(Statement::AlterTable(alter)) = parsed.into_iter().next() else {
        return None;
    };
    match alter.operations.into_iter().next()? {
        AlterTableOperation::AddConstraint {
            constraint: TableConstraint::Exclude(c),
            ..
        } => {
            let mut exclusion = from_ast(Dialect::Postgres, &c, Origin::default());
            exclusion.name = Some(name.to_owned());
            Some(exclusion)
        }
        _ => None,
    }
}

/// After `RENAME COLUMN old TO new`: the elements, `INCLUDE` columns and predicate follow.
pub(super) fn rename_column(exclusion: &mut Exclusion, old: &str, new: &str) {
    let d = Dialect::Postgres;
    for element in &mut exclusion.elements {
        element.key = if element.key.chars().all(|c| c.is_alphanumeric() || c == '_') {
            if same(d, &element.key, old) {
                new.to_owned()
            } else {
                element.key.clone()
            }
        } else {
            super::expressions::rename_in_expr(d, &element.key, old, new)
        };
    }
    for c in &mut exclusion.include {
        if same(d, c, old) {
            *c = new.to_owned();
        }
    }
    if let Some(p) = &mut exclusion.predicate {
        *p = super::expressions::rename_in_expr(d, p, old, new);
    }
}

/// Whether the exclusion uses `column` (dropping the column drops it).
pub(super) fn uses_column(exclusion: &Exclusion, column: &str) -> bool {
    let d = Dialect::Postgres;
    exclusion
        .elements
        .iter()
        .map(|e| &e.key)
        .chain(&exclusion.include)
        .chain(exclusion.predicate.iter())
        .any(|k| super::expressions::mentions(d, k, column))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogs_definition_reads_into_the_model() {
        let x = exclusion_from_sql(
            "r_x",
            "EXCLUDE USING gist (((room + 1)) WITH =, during range_ops WITH &&) INCLUDE (note) \
             WHERE ((room > 3)) DEFERRABLE INITIALLY DEFERRED",
        )
        .unwrap();
        assert_eq!(x.name.as_deref(), Some("r_x"));
        assert_eq!(x.method.as_deref(), Some("gist"));
        assert_eq!(x.elements.len(), 2);
        assert_eq!(x.elements[0].operator, "=");
        assert_eq!(x.elements[1].key, "during");
        assert_eq!(x.elements[1].operator, "&&");
        assert_eq!(x.elements[1].options.opclass.as_deref(), Some("range_ops"));
        assert_eq!(x.include, ["note"]);
        assert_eq!(x.predicate.as_deref(), Some("(room > 3)"));
        let x = exclusion_from_sql("e", "EXCLUDE (c WITH OPERATOR(pg_catalog.=))").unwrap();
        assert_eq!(x.elements[0].operator, "OPERATOR(pg_catalog.=)");
        assert_eq!(x.method, None);
        assert!(exclusion_from_sql("c", "CHECK ((a > 0))").is_none());
    }

    /// `cargo migrate schema` shows them: in `CREATE TABLE` (SQL) and under `exclusions`
    /// (JSON); the SQL is what PostgreSQL reads back as the same constraint.
    #[test]
    fn the_schema_renders_them_as_sql() {
        let migrations = crate::replay::tests::scripts(
            Dialect::Postgres,
            &["CREATE TABLE r (room int4range, note text, \
               EXCLUDE USING gist (room WITH &&) INCLUDE (note) WHERE (note <> ''));"],
        );
        let schema = crate::replay::replay(&migrations, Dialect::Postgres).unwrap();
        let sql = crate::schema::to_sql(&schema);
        assert!(
            sql.contains(
                "    CONSTRAINT r_room_note_excl EXCLUDE USING gist (room WITH &&) INCLUDE (note) \
                 WHERE (note <> '')\n"
            ),
            "{sql}"
        );
        // The JSON rendering is tested where it lives (cargo-migrate's json::schema).
        let read_back = exclusion_from_sql(
            "r_room_note_excl",
            &crate::schema::exclusion_def(Dialect::Postgres, &schema.tables[0].exclusions[0])
                .replace("CONSTRAINT r_room_note_excl ", ""),
        )
        .unwrap();
        assert_eq!(read_back.elements, schema.tables[0].exclusions[0].elements);
    }

    #[test]
    fn an_elements_name_part_is_its_column_function_or_expr() {
        assert_eq!(element_name_part(Dialect::Postgres, "room"), "room");
        assert_eq!(element_name_part(Dialect::Postgres, "lower(note)"), "lower");
        assert_eq!(element_name_part(Dialect::Postgres, "(room + 1)"), "expr");
    }
}
