//! Which columns an INSERT written from a `#[derive(Table)]` struct's fields cannot fill: the
//! question a rolling deploy asks of the previous release (`cargo migrate compat`).

use migrate_core::Dialect;
use migrate_core::schema::{Column, Origin, Schema, Table};
use syn::{Data, DeriveInput, Fields, Type};

use crate::attrs::{self, On};
use crate::sql_types;

/// A column of the struct's table that its fields do not map and that the database cannot
/// fill by itself: `NOT NULL`, no default, no identity, not generated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unfilled {
    /// The table, as the schema names it.
    pub table: String,
    /// The column.
    pub column: String,
    /// Where the migrations last defined the column.
    pub origin: Origin,
}

/// The columns of the table a `#[derive(Table)]` struct maps that an INSERT listing exactly
/// the struct's columns leaves out although the table requires them. `flattened` gives the
/// columns of a `#[sqlx(flatten)]` field's type (`None`: unknown, and then nothing is
/// reported, since the struct may fill any column). A struct over a view, an unknown table or
/// with attributes that do not parse has none: the derive's own check reports those.
pub fn unfilled_columns(
    input: &DeriveInput,
    schema: &Schema,
    flattened: &dyn Fn(&Type) -> Option<Vec<String>>,
) -> Vec<Unfilled> {
    let Some((table_text, mapped)) = table_columns(input, flattened) else {
        return Vec::new();
    };
    let name = sql_types::parse_name(schema.dialect, &table_text, false);
    let Some(table) = schema.tables.iter().find(|t| t.name == name) else {
        return Vec::new();
    };
    table
        .columns
        .iter()
        .filter(|c| !mapped.iter().any(|m| schema.same(m, &c.name)))
        .filter(|c| required(schema.dialect, table, c))
        .map(|c| Unfilled {
            table: table.name.to_string(),
            column: c.name.clone(),
            origin: c.origin.clone(),
        })
        .collect()
}

/// The table a `#[derive(Table)]` struct names, as written, and the columns its fields map
/// (`#[sqlx(skip)]` fields left out, `#[sqlx(flatten)]` fields through `flattened`); `None`
/// when the item is not such a struct, its attributes do not parse, or a flattened type is
/// unknown.
pub fn table_columns(
    input: &DeriveInput,
    flattened: &dyn Fn(&Type) -> Option<Vec<String>>,
) -> Option<(String, Vec<String>)> {
    let container = attrs::Container::parse(&input.attrs, On::Struct).ok()?;
    let Data::Struct(data) = &input.data else {
        return None;
    };
    let Fields::Named(named) = &data.fields else {
        return None;
    };
    let mut mapped = Vec::new();
    for field in &named.named {
        let attrs = attrs::Field::parse(&field.attrs, On::Field).ok()?;
        let ident = field.ident.as_ref()?;
        if attrs.skip {
            continue;
        }
        if attrs.flatten {
            mapped.extend(flattened(&field.ty)?);
            continue;
        }
        mapped.push(attrs.rename.unwrap_or_else(|| container.mapped(ident)));
    }
    let table = match &container.table {
        Some(lit) => lit.value(),
        None => super::table::default_table(&input.ident),
    };
    Some((table, mapped))
}

/// Whether an INSERT must name the column: NOT NULL and nothing fills it.
fn required(dialect: Dialect, table: &Table, column: &Column) -> bool {
    let rowid_alias = dialect == Dialect::Sqlite
        && table.primary_key.len() == 1
        && table.primary_key[0].eq_ignore_ascii_case(&column.name)
        && column.sql_type.eq_ignore_ascii_case("INTEGER")
        && !table.without_rowid;
    column.not_null
        && column.default.is_none()
        && column.identity.is_none()
        && column.generated.is_none()
        && !rowid_alias
}

#[cfg(test)]
mod tests {
    use proc_macro2::Span;

    use super::*;
    use crate::tests::{from_thread, given};

    fn unfilled(item: &str, flattened: &dyn Fn(&Type) -> Option<Vec<String>>) -> Vec<String> {
        let input: DeriveInput = syn::parse_str(item).unwrap();
        let loaded = from_thread(Span::call_site()).unwrap();
        unfilled_columns(&input, &loaded.schema, flattened)
            .into_iter()
            .map(|u| format!("{}.{} {}", u.table, u.column, u.origin))
            .collect()
    }

    #[test]
    fn only_required_columns_the_struct_does_not_map() {
        given(
            Dialect::Postgres,
            &[
                "CREATE TABLE t (\n id BIGSERIAL PRIMARY KEY,\n a TEXT NOT NULL,\n b TEXT NOT NULL DEFAULT '',\n c TEXT,\n d BIGINT GENERATED ALWAYS AS IDENTITY,\n e INT NOT NULL,\n f INT GENERATED ALWAYS AS (e + 1) STORED\n);",
            ],
        );
        let none = |_: &Type| None;
        assert_eq!(
            unfilled("struct T { id: i64, a: String }", &none),
            ["t.e migrations/1_m.sql:7"]
        );
        assert_eq!(
            unfilled(
                "#[sqlx(rename_all = \"UPPERCASE\")] #[migrate(table = \"t\")] struct X { #[sqlx(rename = \"e\")] n: i32, #[sqlx(skip)] a: String }",
                &none
            ),
            ["t.a migrations/1_m.sql:3"],
            "renamed fields map their column; skipped ones map none"
        );
        let inner = |_: &Type| Some(vec!["a".to_owned(), "e".to_owned()]);
        assert!(unfilled("struct T { id: i64, #[sqlx(flatten)] rest: Rest }", &inner).is_empty());
        assert!(
            unfilled("struct T { id: i64, #[sqlx(flatten)] rest: Rest }", &none).is_empty(),
            "a flattened type of unknown columns may fill any"
        );
        assert!(unfilled("struct Nowhere { id: i64 }", &none).is_empty());
    }

    #[test]
    fn a_sqlite_rowid_alias_fills_itself() {
        given(
            Dialect::Sqlite,
            &["CREATE TABLE n (id INTEGER PRIMARY KEY NOT NULL, k TEXT NOT NULL);"],
        );
        assert_eq!(
            unfilled("struct N { k: String }", &|_| None),
            Vec::<String>::new()
        );
        assert_eq!(
            unfilled("struct N { id: i64 }", &|_| None),
            ["n.k migrations/1_m.sql:1"]
        );
    }
}
