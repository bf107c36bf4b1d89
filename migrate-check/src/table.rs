//! `#[derive(Table)]`: a struct's fields, mapped to columns exactly as `sqlx::FromRow` maps
//! them, checked against the table (or view) the migrations produce.

use migrate_core::Dialect;
use migrate_core::compat::Verdict;
use migrate_core::schema::{Column, Name};
use std::cell::RefCell;

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Ident, Type};

use crate::attrs::{self, On};
use crate::errors::{Checked, Deferred, Errors, Finding};
use crate::loaded::{Loaded, Loader};
use crate::sql_types::{self, ColumnView};

mod messages;

/// The impl and the generated checks, and every error of every field, with the impl beside
/// them (its columns as the fields name them) so that nothing else fails because of them.
pub fn check(input: &DeriveInput, load: Loader<'_>) -> Checked {
    run(input, load).unwrap_or_else(Checked::failed)
}

fn run(input: &DeriveInput, load: Loader<'_>) -> syn::Result<Checked> {
    let ident = &input.ident;
    let container = attrs::Container::parse(&input.attrs, On::Struct)?;
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new(
            ident.span(),
            "#[derive(Table)] needs a struct with named fields: sqlx::FromRow reads columns by name",
        ));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new(
            ident.span(),
            "#[derive(Table)] needs a struct with named fields: sqlx::FromRow reads columns by name",
        ));
    };
    let mut errors = Errors::default();
    let mut fields = Vec::new();
    for field in &named.named {
        if let Some(attrs) = errors.ok(attrs::Field::parse(&field.attrs, On::Field)) {
            fields.push((field, attrs));
        }
    }
    let table_lit = container.table.as_ref();
    let table_span = table_lit.map_or_else(|| ident.span(), syn::LitStr::span);
    let table_text = table_lit.map_or_else(|| default_table(ident), syn::LitStr::value);
    let generics: Vec<String> = input
        .generics
        .type_params()
        .map(|p| p.ident.to_string())
        .collect();
    let loaded = match load(table_span) {
        Ok(loaded) => loaded,
        Err(e) => {
            errors.push(e);
            let tokens = fallback_impl(input, &table_text, &container, &fields);
            return Ok(Checked { tokens, errors });
        }
    };
    let relation = match find_relation(&loaded, &table_text) {
        Ok(relation) => relation,
        Err((message, problem, fix)) => {
            errors.add(Finding::new(table_span, None, message, fix).problem(problem));
            let tokens = fallback_impl(input, &table_text, &container, &fields);
            return Ok(Checked { tokens, errors });
        }
    };

    let mut columns = Vec::new();
    let mut required = Vec::new();
    let mut checks = Vec::new();
    for (field, attrs) in &fields {
        let Some(field_ident) = &field.ident else {
            continue;
        };
        if attrs.skip {
            continue;
        }
        if attrs.flatten {
            // sqlx reads the flattened struct's columns from the same row: they must be columns
            // of this relation too. Its own #[derive(Table)] checks their types.
            if !attrs.unchecked {
                match flatten_check(ident, field_ident, &field.ty, &relation, &generics) {
                    Ok(tokens) => checks.push(tokens),
                    Err(finding) => errors.add(finding),
                }
            }
            continue;
        }
        let column_name = attrs
            .rename
            .clone()
            .unwrap_or_else(|| container.mapped(field_ident));
        let field_check = FieldCheck {
            loaded: &loaded,
            relation: &relation,
            field_ident,
            field_ty: &field.ty,
            attrs,
            column_name: &column_name,
            generics: &generics,
            deferred: RefCell::default(),
        };
        let may_be_missing = container.default || attrs.default;
        if let Some(tokens) = field_check.run(may_be_missing, &mut errors) {
            checks.push(tokens);
        }
        errors.deferred.extend(field_check.deferred.into_inner());
        if !may_be_missing {
            required.push(column_name.clone());
        }
        if !may_be_missing || relation.columns.iter().any(|c| c.name == column_name) {
            columns.push(column_name);
        }
    }
    let table = relation.name.to_string();
    let table_impl = table_impl(input, &table, &columns, &required);
    Ok(Checked {
        tokens: quote! {
            #table_impl
            #(#checks)*
        },
        errors,
    })
}

fn table_impl(
    input: &DeriveInput,
    table: &str,
    columns: &[String],
    required: &[String],
) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        impl #impl_generics ::migrate_runtime::Table for #ident #ty_generics #where_clause {
            const TABLE: &'static str = #table;
            const COLUMNS: &'static [&'static str] = &[#(#columns),*];
            const REQUIRED: &'static [&'static str] = &[#(#required),*];
        }
    }
}

/// The impl of a struct whose table could not be found: its columns as its fields name them.
fn fallback_impl(
    input: &DeriveInput,
    table: &str,
    container: &attrs::Container,
    fields: &[(&syn::Field, attrs::Field)],
) -> TokenStream {
    let columns: Vec<String> = fields
        .iter()
        .filter(|(_, a)| !a.skip && !a.flatten)
        .filter_map(|(f, a)| {
            let ident = f.ident.as_ref()?;
            Some(a.rename.clone().unwrap_or_else(|| container.mapped(ident)))
        })
        .collect();
    table_impl(input, table, &columns, &columns)
}

/// A constant that fails to compile unless every column the flattened type reads
/// (`Table::COLUMNS`) is a column of `relation`.
fn flatten_check(
    outer: &Ident,
    field: &Ident,
    ty: &Type,
    relation: &Relation,
    generics: &[String],
) -> Result<TokenStream, Finding> {
    if sql_types::mentions(ty, generics) {
        return Err(Finding::new(
            ty.span(),
            Some(field.to_string()),
            format!(
                "field `{field}` flattens a generic type, whose columns the build cannot check: mark it #[migrate(unchecked)]"
            ),
            "mark the field #[migrate(unchecked)]",
        ));
    }
    let names: Vec<&str> = relation.columns.iter().map(|c| c.name.as_str()).collect();
    let message = format!(
        "`{}` is flattened into `{outer}` (field `{field}`), so sqlx reads its columns from the same row, but {} `{}` lacks at least one of them (it has: {}): compare with `{}`'s fields, add the column in a new migration (`cargo migrate new`), or mark the field #[migrate(unchecked)]",
        ty.to_token_stream().to_string().replace(' ', ""),
        relation.kind,
        relation.name,
        names.join(", "),
        ty.to_token_stream().to_string().replace(' ', ""),
    );
    Ok(quote_spanned! {ty.span()=>
        const _: () = {
            if !::migrate_runtime::__private::all_within(
                <#ty as ::migrate_runtime::Table>::REQUIRED,
                &[#(#names),*],
            ) {
                ::core::panic!(#message);
            }
        };
    })
}

/// `TaskItem` -> `task_item` (the table name when `#[migrate(table)]` is absent).
pub(crate) fn default_table(ident: &Ident) -> String {
    crate::case::rename(&ident.to_string(), "snake_case").unwrap_or_default()
}

/// A table or a view whose columns are known.
struct Relation<'a> {
    kind: &'static str,
    name: Name,
    columns: &'a [Column],
    table: Option<&'a migrate_core::schema::Table>,
}

/// The table or view, or why there is none (the message, the problem alone) and the fix.
fn find_relation<'a>(
    loaded: &'a Loaded,
    written: &str,
) -> Result<Relation<'a>, (String, String, String)> {
    let schema = &loaded.schema;
    let name = sql_types::parse_name(schema.dialect, written, false);
    if let Some(table) = schema.tables.iter().find(|t| t.name == name) {
        return Ok(Relation {
            kind: "table",
            name: table.name.clone(),
            columns: &table.columns,
            table: Some(table),
        });
    }
    if let Some(view) = schema.views.iter().find(|v| v.name == name) {
        return match &view.columns {
            Some(columns) => Ok(Relation {
                kind: "view",
                name: view.name.clone(),
                columns,
                table: None,
            }),
            None => Err((
                format!(
                    "the columns of view `{name}` ({}) cannot be derived from its query, so this struct cannot be checked: read it through a table, or simplify the view",
                    view.origin
                ),
                format!(
                    "the columns of view `{name}` ({}) cannot be derived from its query",
                    view.origin
                ),
                "read it through a table, or simplify the view".to_owned(),
            )),
        };
    }
    Err(messages::missing_relation(schema, &loaded.dir, &name))
}

pub(crate) struct FieldCheck<'a> {
    loaded: &'a Loaded,
    relation: &'a Relation<'a>,
    field_ident: &'a Ident,
    field_ty: &'a Type,
    attrs: &'a attrs::Field,
    column_name: &'a str,
    generics: &'a [String],
    /// The fields judged by their `ColumnType` impl (reported beside the findings).
    deferred: RefCell<Vec<Deferred>>,
}

impl FieldCheck<'_> {
    /// Checks the field, recording every error of it (nullability and type both); returns the
    /// generated constant for a type judged by trait.
    fn run(&self, may_be_missing: bool, errors: &mut Errors) -> Option<TokenStream> {
        match self.check(may_be_missing, errors) {
            Ok(tokens) => tokens,
            Err(finding) => {
                errors.add(finding);
                None
            }
        }
    }

    fn check(
        &self,
        may_be_missing: bool,
        errors: &mut Errors,
    ) -> Result<Option<TokenStream>, Finding> {
        let dialect = self.loaded.schema.dialect;
        let relation = self.relation;
        let Some(column) = relation.columns.iter().find(|c| c.name == self.column_name) else {
            if may_be_missing {
                return Ok(None);
            }
            let (message, problem, fix) = self.missing_column();
            return Err(self.error(message, fix).problem(problem));
        };
        let view = ColumnView::new(&self.loaded.schema, relation.table, column);
        let decoded = self.attrs.try_from.as_ref().unwrap_or(self.field_ty);
        let (inner, optional) = match self.attrs.json {
            Some(nullable) => (None, nullable),
            None => {
                let (inner, optional) = sql_types::unwrap_option(decoded);
                (Some(inner), optional)
            }
        };
        let where_ = match relation.kind {
            "view" => format!("column `{}.{}` of the view", relation.name, column.name),
            _ => format!("column `{}.{}`", relation.name, column.name),
        };
        let origin = &column.origin;
        if view.nullable && !optional && !self.attrs.not_null {
            let (message, problem, fix) = self.nullable_message(&where_, column, decoded);
            errors.add(self.error(message, fix).problem(problem));
        }
        if self.attrs.unchecked {
            return Ok(None);
        }
        if let Some(declared) = &self.attrs.sql_type {
            let declared_norm =
                migrate_core::replay::types::normalize(dialect, &declared.value()).sql_type;
            if !migrate_core::diff::same_type(dialect, &declared_norm, &view.sql_type) {
                return Err(self.error_at(
                    declared.span(),
                    format!(
                        "{where_} is `{}` ({origin}), not `{}`: fix #[migrate(sql_type)] or the column",
                        view.sql_type,
                        declared.value()
                    ),
                    format!("#[migrate(sql_type = \"{}\")]", view.sql_type),
                ));
            }
            return Ok(None);
        }
        let Some(inner) = inner else {
            // `#[sqlx(json)]`: the column must hold JSON.
            return match sql_types::verdict(dialect, "serde_json::Value", &view) {
                Verdict::Compatible => Ok(None),
                Verdict::Incompatible { hint } => Err(self.error(
                    format!(
                        "field `{}` is read as JSON (#[sqlx(json)]), but {where_} is `{}` ({origin}): {hint}",
                        self.field_ident, view.sql_type
                    ),
                    format!("drop #[sqlx(json)] and read the column as it is ({hint})"),
                )),
                Verdict::Unknown => Err(self.error(
                    format!(
                        "field `{}` is read as JSON (#[sqlx(json)]) from {where_}, which is `{}` ({origin}): {}",
                        self.field_ident,
                        view.sql_type,
                        sql_types::unjudged(&view.sql_type)
                    ),
                    sql_types::unjudged_fix(&view.sql_type),
                )),
            };
        };
        self.check_type(inner, &view, &where_, optional)
    }

    fn check_type(
        &self,
        ty: &Type,
        view: &ColumnView,
        where_: &str,
        optional: bool,
    ) -> Result<Option<TokenStream>, Finding> {
        let dialect = self.loaded.schema.dialect;
        let origin = &view.origin;
        let tokens = ty.to_token_stream().to_string().replace(' ', "");
        // Arrays of enums and other judged-by-trait types: check the element.
        if let (Some(element_sql), Some(element_ty)) =
            (view.sql_type.strip_suffix("[]"), sql_types::vec_element(ty))
        {
            let element = ColumnView {
                sql_type: element_sql.to_owned(),
                ..view.clone()
            };
            if sql_types::enum_name(&self.loaded.schema, element_sql).is_some()
                || sql_types::is_other(element_ty)
            {
                return self.check_type(element_ty, &element, where_, false);
            }
        }
        if let Some(mapped) = self.loaded.types.get(&view.base_type()) {
            let last = |s: &str| s.rsplit("::").next().unwrap_or(s).to_owned();
            if last(&mapped.replace(' ', "")) == last(&tokens) {
                return Ok(None);
            }
            return Err(self.error(
                format!(
                    "{where_} is `{}` ({origin}), which [package.metadata.migrate.types] maps to `{mapped}`, not `{tokens}`",
                    view.sql_type
                ),
                format!("make it `{}`", wrap(mapped, optional)),
            ));
        }
        if let Some(enum_name) = sql_types::enum_name(&self.loaded.schema, &view.sql_type) {
            let message = format!(
                "{where_} is the enum type `{enum_name}` ({origin}); field `{}: {tokens}` must be a #[derive(DbEnum)] enum with #[sqlx(type_name = \"{enum_name}\")]",
                self.field_ident
            );
            let fix =
                format!("use a #[derive(DbEnum)] enum with #[sqlx(type_name = \"{enum_name}\")]");
            if !sql_types::is_other(ty) {
                return Err(self.error(message, fix));
            }
            let allowed = quote!(::migrate_runtime::Kind::Enum(#enum_name));
            return self.trait_check(ty, &[allowed], message, fix);
        }
        if sql_types::is_other(ty) {
            let allowed = sql_types::kinds_reading(dialect, view);
            if allowed.is_empty() {
                // No rule reads this SQL type: say so rather than pass the field.
                let (fix, short) = if dialect == Dialect::Postgres {
                    let line = format!(
                        "map the type in [package.metadata.migrate.types] (`\"{}\" = \"{tokens}\"`), or mark the field #[migrate(sql_type = \"{}\")] or #[migrate(unchecked)]",
                        view.base_type(),
                        view.sql_type
                    );
                    (line.clone(), line)
                } else {
                    (
                        sql_types::unjudged(&view.sql_type),
                        sql_types::unjudged_fix(&view.sql_type),
                    )
                };
                return Err(self.error_at(
                    ty.span(),
                    format!(
                        "field `{}: {tokens}` reads {where_}, which is `{}` ({origin}): {fix}",
                        self.field_ident, view.sql_type
                    ),
                    short,
                ));
            }
            let names: Vec<&str> = allowed.iter().map(|(name, _)| *name).collect();
            let message = format!(
                "field `{}`: {where_} is `{}` ({origin}), which `{tokens}` does not decode; types that do: {}",
                self.field_ident,
                view.sql_type,
                names.join(", ")
            );
            let fix = use_one_of(&names, optional);
            let kinds: Vec<TokenStream> = allowed.into_iter().map(|(_, kind)| kind).collect();
            return self.trait_check(ty, &kinds, message, fix);
        }
        match sql_types::verdict(dialect, &tokens, view) {
            Verdict::Compatible => Ok(None),
            Verdict::Incompatible { hint } => {
                let names: Vec<&str> = sql_types::kinds_reading(dialect, view)
                    .into_iter()
                    .map(|(name, _)| name)
                    .collect();
                let fix = if names.is_empty() {
                    hint.clone()
                } else {
                    use_one_of(&names, optional)
                };
                let problem = format!(
                    "`{tokens}` cannot read {where_}, which is `{}` ({origin})",
                    view.sql_type
                );
                Err(self
                    .error_at(
                        ty.span(),
                        format!(
                            "field `{}: {tokens}` cannot read {where_}, which is `{}` ({origin}): {hint}",
                            self.field_ident, view.sql_type
                        ),
                        fix,
                    )
                    .problem(problem))
            }
            Verdict::Unknown => Err(self.error_at(
                ty.span(),
                format!(
                    "field `{}: {tokens}` reads {where_}, which is `{}` ({origin}): {}",
                    self.field_ident,
                    view.sql_type,
                    sql_types::unjudged(&view.sql_type)
                ),
                sql_types::unjudged_fix(&view.sql_type),
            )),
        }
    }

    /// A constant that fails to compile unless the type's `ColumnType::KIND` is allowed.
    fn trait_check(
        &self,
        ty: &Type,
        allowed: &[TokenStream],
        message: String,
        fix: String,
    ) -> Result<Option<TokenStream>, Finding> {
        if sql_types::mentions(ty, self.generics) {
            return Err(self.error_at(
                ty.span(),
                format!(
                    "field `{}` has a generic type, which the build cannot check against its column: mark it #[migrate(sql_type = \"…\")] or #[migrate(unchecked)]",
                    self.field_ident
                ),
                "mark the field #[migrate(sql_type = \"…\")] or #[migrate(unchecked)]",
            ));
        }
        let tokens = quote_spanned! {ty.span()=>
            const _: () = {
                if !::migrate_runtime::__private::kind_in(
                    <#ty as ::migrate_runtime::ColumnType>::KIND,
                    &[#(#allowed),*],
                ) {
                    ::core::panic!(#message);
                }
            };
        };
        self.deferred.borrow_mut().push(Deferred {
            span: ty.span(),
            member: self.field_ident.to_string(),
            ty: ty.to_token_stream().to_string().replace(' ', ""),
            allowed: allowed.iter().map(ToString::to_string).collect(),
            message,
            fix,
        });
        Ok(Some(tokens))
    }

    fn error(&self, message: String, fix: impl Into<String>) -> Finding {
        self.error_at(self.field_ident.span(), message, fix)
    }

    fn error_at(&self, span: Span, message: String, fix: impl Into<String>) -> Finding {
        Finding::new(span, Some(self.field_ident.to_string()), message, fix)
    }
}

/// `T`, or `Option<T>` when the field is optional.
fn wrap(ty: &str, optional: bool) -> String {
    if optional {
        format!("Option<{ty}>")
    } else {
        ty.to_owned()
    }
}

/// "make it `i64`", or "make it one of `i32`, `i64`".
fn use_one_of(names: &[&str], optional: bool) -> String {
    const SHOWN: usize = 4;
    let shown: Vec<String> = names
        .iter()
        .take(SHOWN)
        .map(|n| format!("`{}`", wrap(n, optional)))
        .collect();
    match shown.as_slice() {
        [one] => format!("make it {one}"),
        _ => format!("make it one of {}", shown.join(", ")),
    }
}
