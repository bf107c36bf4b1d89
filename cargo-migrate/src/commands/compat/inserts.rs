//! The columns the old release's INSERTs cannot fill: NOT NULL without a default, new since
//! that release, each with the migration statement that made it so.

use std::path::Path;

use migrate_check::Loaded;
use migrate_core::schema::Schema;

use super::Break;
use super::locate::{History, first_statement};
use crate::commands::rows::Mismatch;
use crate::commands::rows::scan::{Derive, Found};
use crate::commands::rows::shown;

/// A break for each column an old row type does not map that the new schema requires and the
/// old one did not.
pub fn unfilled(
    found: &[Found],
    new: &Loaded,
    old: Option<&Loaded>,
    history: Option<&History>,
    root: &Path,
) -> Vec<Break> {
    let flattened = |ty: &syn::Type| columns_of(ty, found, 0);
    let mut breaks = Vec::new();
    for item in found.iter().filter(|f| f.derive == Derive::Table) {
        let unfilled_in =
            |schema: &Schema| migrate_check::unfilled_columns(&item.input, schema, &flattened);
        let before = old.map(|old| unfilled_in(&old.schema)).unwrap_or_default();
        for u in unfilled_in(&new.schema) {
            // Already unfilled, or a renamed column: the rename is the break (reported where
            // the struct reads it), or the struct never filled it under its old name either.
            let renamed = new.schema.dropped_columns.iter().any(|d| {
                d.table.to_string() == u.table && d.renamed_to.as_deref() == Some(&u.column)
            });
            if renamed
                || before
                    .iter()
                    .any(|b| b.table == u.table && b.column == u.column)
            {
                continue;
            }
            let is_it = |schema: &Schema| {
                unfilled_in(schema)
                    .iter()
                    .any(|x| x.table == u.table && x.column == u.column)
            };
            let (file, line) = history
                .and_then(|h| first_statement(h, new.schema.dialect, &is_it))
                .unwrap_or((u.origin.path.clone(), u.origin.line));
            let at = item.input.ident.span().start();
            breaks.push(Break {
                old: Mismatch {
                    file: shown(root, &item.file),
                    line: at.line,
                    column: at.column + 1,
                    item: item.input.ident.to_string(),
                    member: None,
                    problem: format!(
                        "column `{}.{}` is NOT NULL without a default since {file}:{line}, and this row type does not map it: INSERTs written from it fail; add the column with a DEFAULT (or nullable) now, and make it NOT NULL in a later release",
                        u.table, u.column
                    ),
                    fix: None,
                },
                migration: Some((file, line)),
            });
        }
    }
    breaks
}

/// The columns of a flattened type: a local `#[derive(Table)]` struct of that name.
fn columns_of(ty: &syn::Type, found: &[Found], depth: usize) -> Option<Vec<String>> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let name = path.path.segments.last()?.ident.to_string();
    let item = found
        .iter()
        .find(|f| f.derive == Derive::Table && f.input.ident == name)?;
    if depth > 8 {
        return None;
    }
    let nested = |ty: &syn::Type| columns_of(ty, found, depth + 1);
    migrate_check::table_columns(&item.input, &nested).map(|(_, columns)| columns)
}
