//! Names and identifiers: folding, schemas, temporary tables.

use sqlparser::ast::{Expr, ObjectName, ObjectNamePart};

use super::Run;
use crate::Dialect;
use crate::schema::Name;

impl Run<'_> {
    /// An identifier as the database stores it: PostgreSQL folds unquoted names to lower case.
    pub(super) fn ident(&self, ident: &sqlparser::ast::Ident) -> String {
        ident_in(self.dialect, ident)
    }

    pub(super) fn name(&self, name: &ObjectName) -> Name {
        name_in(self.dialect, name)
    }

    pub(super) fn expr_name(&self, expr: &Expr) -> String {
        expr_name_in(self.dialect, expr)
    }

    /// Whether a statement names a temporary table: `temp.x`, or one this script created.
    pub(super) fn is_temporary(&self, name: &ObjectName) -> bool {
        temp_schema(name)
            || (name.0.len() == 1 && {
                let n = self.name(name).name;
                self.temporary.iter().any(|t| same(self.dialect, t, &n))
            })
    }

    pub(super) fn missing_table(&mut self, name: &Name) {
        self.error(format!(
            "there is no table {name} at this point{}",
            self.gone_hint(name)
        ));
    }

    /// "(it was dropped at m/3_x.sql:4)" when an earlier statement removed it.
    pub(super) fn gone_hint(&self, name: &Name) -> String {
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
}

/// A written name as the database resolves it: folded, and in `public` on PostgreSQL when no
/// schema is written.
pub(crate) fn name_in(dialect: Dialect, name: &ObjectName) -> Name {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(i) => ident_in(dialect, i),
            other => other.to_string(),
        })
        .collect();
    let last = parts.last().cloned().unwrap_or_default();
    match dialect {
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

/// An identifier as the database stores it: PostgreSQL folds unquoted names to lower case.
pub(crate) fn ident_in(dialect: Dialect, ident: &sqlparser::ast::Ident) -> String {
    match (dialect, ident.quote_style) {
        (Dialect::Postgres, None) => truncate_identifier(ident.value.to_lowercase()),
        (Dialect::Postgres, Some(_)) => truncate_identifier(ident.value.clone()),
        _ => ident.value.clone(),
    }
}

/// A key column: a column's name as stored, or an expression as written.
pub(super) fn expr_name_in(dialect: Dialect, expr: &Expr) -> String {
    match expr {
        Expr::Identifier(i) => ident_in(dialect, i),
        Expr::CompoundIdentifier(parts) => parts
            .last()
            .map(|i| ident_in(dialect, i))
            .unwrap_or_default(),
        // `b COLLATE NOCASE` in a key's column list is the column b.
        Expr::Collate { expr, .. } => expr_name_in(dialect, expr),
        // `(lower(email))`: PostgreSQL prints an expression key in parentheses.
        Expr::Nested(inner) => expr_name_in(dialect, inner),
        other => other.to_string(),
    }
}

pub(super) fn fold(dialect: Dialect, s: &str) -> String {
    if dialect == Dialect::Postgres {
        s.to_lowercase()
    } else {
        s.to_owned()
    }
}

pub(super) fn same(dialect: Dialect, a: &str, b: &str) -> bool {
    match dialect {
        Dialect::Postgres => a == b,
        _ => a.eq_ignore_ascii_case(b),
    }
}

/// `temp.x` / `temporary.x` (SQLite's temporary schema).
pub(super) fn temp_schema(name: &ObjectName) -> bool {
    name.0.len() == 2
        && matches!(&name.0[0], ObjectNamePart::Identifier(i)
            if i.value.eq_ignore_ascii_case("temp") || i.value.eq_ignore_ascii_case("temporary"))
}

pub(super) fn same_name(dialect: Dialect, a: &Name, b: &Name) -> bool {
    same(dialect, &a.name, &b.name) && a.schema == b.schema
}

/// PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1).
pub(super) fn truncate_identifier(mut name: String) -> String {
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
