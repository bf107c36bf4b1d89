//! `#[derive(DbEnum)]`: a Rust enum's labels, as sqlx's `#[derive(sqlx::Type)]` encodes them,
//! checked against the PostgreSQL enum type (or a `CHECK (col IN (…))` list) the migrations
//! produce.

use migrate_core::Dialect;
use migrate_core::schema::{Origin, Schema};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Data, DeriveInput, Fields, Ident, LitStr};

use crate::attrs::{self, On};
use crate::errors::{Checked, Errors, Finding};
use crate::loaded::{Loaded, Loader};
use crate::sql_types;
use migrate_core::suggest;

/// One variant and the label sqlx writes for it.
struct Variant<'a> {
    ident: &'a Ident,
    label: String,
}

/// What the labels are checked against.
struct Target {
    /// `enum type `task_status``, or `CHECK (status IN (…)) on `tasks.status``.
    what: String,
    /// The allowed labels and where each was defined.
    labels: Vec<(String, Origin)>,
    /// Where the type or the checks were defined, as messages show it.
    origin: String,
    /// The IN-lists of a CHECK target (empty for an enum type).
    lists: Vec<CheckList>,
}

/// One `CHECK (col IN (…))` constraint.
struct CheckList {
    /// `CHECK `q_status_check``, or `CHECK` when it has no name.
    name: String,
    values: Vec<String>,
    origin: Origin,
}

/// The impls, and every error with the impls beside them (as the variants spell their
/// labels), so that no "`DbEnum` is not implemented" follows from them.
pub fn check(input: &DeriveInput, load: Loader<'_>) -> Checked {
    run(input, load).unwrap_or_else(Checked::failed)
}

/// The `Kind` the enum's `ColumnType` impl has, as [`check`] emits it, without the schema.
pub fn kind(input: &DeriveInput, dialect: Dialect) -> Option<TokenStream> {
    let container = attrs::Container::parse(&input.attrs, On::Enum).ok()?;
    if let Some(repr) = &container.repr {
        return Some(repr_kind(repr));
    }
    if container.check.is_some() || dialect != Dialect::Postgres {
        return Some(quote!(::migrate_runtime::Kind::String));
    }
    let written = match &container.type_name {
        Some(lit) => lit.value(),
        None => input.ident.to_string(),
    };
    let display = sql_types::parse_name(dialect, &written, true).to_string();
    Some(quote!(::migrate_runtime::Kind::Enum(#display)))
}

fn repr_kind(repr: &Ident) -> TokenStream {
    let kind = match repr.to_string().as_str() {
        "i8" => quote!(I8),
        "i16" | "u8" => quote!(I16),
        "i32" | "u16" => quote!(I32),
        _ => quote!(I64),
    };
    quote!(::migrate_runtime::Kind::#kind)
}

fn run(input: &DeriveInput, load: Loader<'_>) -> syn::Result<Checked> {
    let ident = &input.ident;
    let container = attrs::Container::parse(&input.attrs, On::Enum)?;
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new(
            ident.span(),
            "#[derive(DbEnum)] is for enums (a struct maps to a table: #[derive(Table)])",
        ));
    };
    let mut errors = Errors::default();
    let mut variants = Vec::new();
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            errors.add(Finding::new(
                variant.ident.span(),
                Some(variant.ident.to_string()),
                "a database enum's variants carry no data: sqlx encodes unit variants only"
                    .to_owned(),
                "make it a unit variant",
            ));
            continue;
        }
        if let Some(attrs) = errors.ok(attrs::Field::parse(&variant.attrs, On::Variant)) {
            let label = attrs
                .rename
                .unwrap_or_else(|| container.mapped(&variant.ident));
            variants.push(Variant {
                ident: &variant.ident,
                label,
            });
        }
    }
    let labels: Vec<&str> = variants.iter().map(|v| v.label.as_str()).collect();

    if let Some(repr) = &container.repr {
        // `#[repr(i32)]`: sqlx stores the discriminant as an integer; there are no labels.
        return Ok(Checked {
            tokens: impls(ident, &repr_kind(repr), &[], None),
            errors,
        });
    }

    let loaded = match load(ident.span()) {
        Ok(loaded) => loaded,
        Err(e) => {
            errors.push(e);
            let kind = quote!(::migrate_runtime::Kind::String);
            return Ok(Checked {
                tokens: impls(ident, &kind, &labels, None),
                errors,
            });
        }
    };
    let schema = &loaded.schema;
    let mut sql_enum = None;
    let (kind, target) = if let Some(check) = &container.check {
        let target = check_target(&loaded, check).map_err(|e| errors.add(e)).ok();
        (quote!(::migrate_runtime::Kind::String), target)
    } else if schema.dialect == Dialect::Postgres {
        let (written, span) = match &container.type_name {
            Some(lit) => (lit.value(), lit.span()),
            None => (ident.to_string(), ident.span()),
        };
        let name = sql_types::parse_name(schema.dialect, &written, true);
        let display = name.to_string();
        let target = enum_target(schema, &written, &name, span)
            .map_err(|e| errors.add(e))
            .ok();
        sql_enum = Some(display.clone());
        (quote!(::migrate_runtime::Kind::Enum(#display)), target)
    } else {
        // SQLite and MySQL store the label as text: a CHECK list, or MySQL's ENUM column,
        // named with #[migrate(check = "table.column")], is what can be checked.
        (quote!(::migrate_runtime::Kind::String), None)
    };
    if let Some(target) = &target {
        for v in &variants {
            if !target.labels.iter().any(|(l, _)| *l == v.label) {
                errors.add(unknown_label(v, target));
            }
        }
        let unread_labels: Vec<&str> = target
            .labels
            .iter()
            .filter(|(label, _)| !variants.iter().any(|v| v.label == *label))
            .map(|(label, _)| label.as_str())
            .collect();
        let unread: Vec<String> = target
            .labels
            .iter()
            .filter(|(label, _)| !variants.iter().any(|v| v.label == *label))
            .map(|(label, origin)| format!("'{label}' ({origin})"))
            .collect();
        if !container.non_exhaustive && !unread.is_empty() {
            errors.add(Finding::new(
                ident.span(),
                None,
                format!(
                    "{} has {} {} with no variant in `{ident}`: reading a row that holds one fails to decode. Add a variant for each (with #[sqlx(rename = \"…\")] where the name differs), or mark the enum #[migrate(non_exhaustive)] if such rows are never read",
                    target.what,
                    if unread.len() == 1 { "the label" } else { "the labels" },
                    unread.join(", ")
                ),
                format!(
                    "add a variant for {}, or mark the enum #[migrate(non_exhaustive)]",
                    unread_labels
                        .iter()
                        .map(|l| format!("'{l}'"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    Ok(Checked {
        tokens: impls(ident, &kind, &labels, sql_enum.as_deref()),
        errors,
    })
}

/// The type that spells a PostgreSQL enum type's name (as `Kind::Enum` spells it) for
/// `migrate_runtime::__private::OfSqlEnum`: `Ch<'a', Ch<'b', End>>` for `ab`. The query macros
/// name a parameter's enum type with it.
pub fn sql_enum_name(name: &str) -> TokenStream {
    let private = quote!(::migrate_runtime::__private);
    name.chars().rev().fold(
        quote!(#private::End),
        |rest, c| quote!(#private::Ch<#c, #rest>),
    )
}

fn impls(
    ident: &Ident,
    kind: &TokenStream,
    labels: &[&str],
    sql_enum: Option<&str>,
) -> TokenStream {
    let of_sql_enum = sql_enum.map(|name| {
        let name = sql_enum_name(name);
        quote! {
            impl ::migrate_runtime::__private::OfSqlEnum<#name> for #ident {}
        }
    });
    quote! {
        #of_sql_enum
        impl ::migrate_runtime::ColumnType for #ident {
            const KIND: ::migrate_runtime::Kind = #kind;
        }
        impl ::migrate_runtime::DbEnum for #ident {
            const LABELS: &'static [&'static str] = &[#(#labels),*];
        }
        // A checked query's argument for a parameter of the enum's type (`Option`s of
        // these: migrate-runtime's).
        impl ::migrate_runtime::__private::EnumArg for #ident {
            type Enum = #ident;
        }
        impl ::migrate_runtime::__private::EnumArg for &#ident {
            type Enum = #ident;
        }
    }
}

fn enum_target(
    schema: &Schema,
    written: &str,
    name: &migrate_core::schema::Name,
    span: Span,
) -> Result<Target, Finding> {
    if let Some(found) = schema.enum_type(name) {
        return Ok(Target {
            what: format!("enum type `{}`", found.name),
            labels: found
                .labels
                .iter()
                .map(|l| (l.name.clone(), l.origin.clone()))
                .collect(),
            origin: found.origin.to_string(),
            lists: Vec::new(),
        });
    }
    let names: Vec<String> = schema.enums.iter().map(|e| e.name.to_string()).collect();
    let mut message = format!(
        "no enum type `{name}` in the schema the migrations produce (sqlx looks up `{written}` at run time, and fails with `type \"{name}\" does not exist`)"
    );
    let fix = match suggest::closest(&name.to_string(), names.iter().map(String::as_str)) {
        Some(close) => {
            message.push_str(&format!(
                "; did you mean `{close}`? Set #[sqlx(type_name = \"{close}\")]"
            ));
            format!("set #[sqlx(type_name = \"{close}\")]")
        }
        None if names.is_empty() => {
            message.push_str(
                ": create it in a migration (`CREATE TYPE … AS ENUM (…)`), or use #[migrate(check = \"table.column\")] for a text column with a CHECK list",
            );
            format!(
                "create the type `{name}` in a migration, or use #[migrate(check = \"table.column\")]"
            )
        }
        None => {
            message.push_str(&format!(
                "; the enum types are {}",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            "set #[sqlx(type_name = \"…\")] to one of them".to_owned()
        }
    };
    Err(Finding::new(span, None, message, fix))
}

fn check_target(loaded: &Loaded, check: &LitStr) -> Result<Target, Finding> {
    let fail = |message: String, fix: &str| Finding::new(check.span(), None, message, fix);
    let schema = &loaded.schema;
    let text = check.value();
    let Some((table_text, column)) = text.rsplit_once('.') else {
        return Err(fail(
            "expected #[migrate(check = \"table.column\")]".to_owned(),
            "write #[migrate(check = \"table.column\")]",
        ));
    };
    let table_name = sql_types::parse_name(schema.dialect, table_text, false);
    let Some(table) = schema.tables.iter().find(|t| t.name == table_name) else {
        return Err(fail(
            format!("no table `{table_name}` in the schema the migrations produce"),
            "name an existing table in #[migrate(check = \"table.column\")]",
        ));
    };
    let Some(col) = table.columns.iter().find(|c| schema.same(&c.name, column)) else {
        return Err(fail(
            format!("table `{table_name}` has no column `{column}`"),
            "name an existing column in #[migrate(check = \"table.column\")]",
        ));
    };
    // Every IN-list check on the column still in force: a value must pass all of them.
    let lists: Vec<CheckList> = table
        .checks
        .iter()
        .filter_map(|c| match &c.in_list {
            Some((col_name, values)) if schema.same(col_name, column) => Some(CheckList {
                name: match &c.name {
                    Some(name) => format!("CHECK `{name}`"),
                    None => "CHECK".to_owned(),
                },
                values: values.clone(),
                origin: c.origin.clone(),
            }),
            _ => None,
        })
        .collect();
    // MySQL: an inline `ENUM('a','b')` column is its own enum type.
    if schema.dialect == migrate_core::Dialect::Mysql
        && lists.is_empty()
        && let Some(labels) = migrate_core::replay::types::mysql_labels(&col.sql_type)
    {
        return Ok(Target {
            what: format!("`{table_name}.{column}` ({})", col.sql_type),
            labels: labels
                .into_iter()
                .map(|l| (l, col.origin.clone()))
                .collect(),
            origin: col.origin.to_string(),
            lists,
        });
    }
    let Some(first) = lists.first() else {
        return Err(fail(
            format!(
                "column `{table_name}.{column}` ({}) has no `CHECK ({column} IN (…))` list to check the variants against",
                col.origin
            ),
            "add a CHECK (… IN (…)) list in a migration, or remove #[migrate(check)]",
        ));
    };
    let labels = first
        .values
        .iter()
        .filter(|v| lists.iter().all(|l| l.values.contains(v)))
        .map(|v| (v.clone(), first.origin.clone()))
        .collect();
    let what = match lists.as_slice() {
        [_] => format!("`CHECK ({column} IN (…))` on `{table_name}.{column}`"),
        _ => format!(
            "the {} `CHECK ({column} IN (…))` lists on `{table_name}.{column}` together",
            lists.len()
        ),
    };
    let origin = lists
        .iter()
        .map(|l| format!("{} at {}", l.name, l.origin))
        .collect::<Vec<_>>()
        .join("; ");
    Ok(Target {
        what,
        labels,
        origin,
        lists,
    })
}

fn unknown_label(v: &Variant<'_>, target: &Target) -> Finding {
    let labels: Vec<&str> = target.labels.iter().map(|(l, _)| l.as_str()).collect();
    let shown = labels
        .iter()
        .map(|l| format!("'{l}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let allowed_by: Vec<&CheckList> = target
        .lists
        .iter()
        .filter(|l| l.values.contains(&v.label))
        .collect();
    if !allowed_by.is_empty() {
        // Some lists allow it, another refuses it: the database rejects it.
        let refused: Vec<String> = target
            .lists
            .iter()
            .filter(|l| !l.values.contains(&v.label))
            .map(|l| format!("{} ({})", l.name, l.origin))
            .collect();
        return Finding::new(
            v.ident.span(),
            Some(v.ident.to_string()),
            format!(
                "variant `{}` is written as '{}', which {} refuses though {} allows it: a row must pass every check, so the database rejects it. The labels all checks allow are {shown}; drop the variant, or drop or widen the refusing check in a migration",
                v.ident,
                v.label,
                refused.join(" and "),
                allowed_by
                    .iter()
                    .map(|l| format!("{} ({})", l.name, l.origin))
                    .collect::<Vec<_>>()
                    .join(" and "),
            ),
            "drop the variant, or drop or widen the refusing check in a migration",
        );
    }
    let (hint, fix) = match suggest::spelling_of(&v.label, labels.iter().copied()) {
        Some(close) => (
            format!(
                "; '{close}' looks like the same word: rename the variant with #[sqlx(rename = \"{close}\")], or add the label in a migration"
            ),
            format!(
                "#[sqlx(rename = \"{close}\")] (or add the label '{}' in a migration)",
                v.label
            ),
        ),
        None => (
            "; add the label in a migration (or remove the variant)".to_owned(),
            format!(
                "add the label '{}' in a migration, or remove the variant",
                v.label
            ),
        ),
    };
    let problem = format!(
        "written as '{}', which {} ({}) does not have: its labels are {shown}",
        v.label, target.what, target.origin
    );
    Finding::new(
        v.ident.span(),
        Some(v.ident.to_string()),
        format!(
            "variant `{}` is written as '{}', which {} ({}) does not have: its labels are {shown}{hint}",
            v.ident, v.label, target.what, target.origin
        ),
        fix,
    )
    .problem(problem)
}

#[cfg(test)]
mod sql_enum_name_tests {
    use super::sql_enum_name;

    #[test]
    fn spells_the_name_one_character_per_level() {
        let p = "::migrate_runtime::__private::";
        assert_eq!(
            sql_enum_name("a.b").to_string().replace(' ', ""),
            format!("{p}Ch<'a',{p}Ch<'.',{p}Ch<'b',{p}End>>>")
        );
        assert_ne!(
            sql_enum_name("ab").to_string(),
            sql_enum_name("ba").to_string()
        );
    }
}
