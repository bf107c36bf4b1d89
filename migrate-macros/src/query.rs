//! `query!`, `query_as!`, `query_scalar!`: the query is described over the replayed schema
//! (`migrate_core::query::describe`), its result columns become Rust types, and the expansion
//! is sqlx's run-time API (`query_as`, `query_scalar`, `.bind`), with every argument checked
//! against its parameter's inferred type.

mod rust_types;

use migrate_core::Dialect;
use migrate_core::query::{Described, ResultColumn, describe, enum_type};
use migrate_core::schema::Schema;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, LitStr, Token, Type};

use crate::schema_cache;

/// Which macro is expanding.
pub enum Kind {
    /// `query!`: a generated record.
    Record,
    /// `query_as!(Type, …)`: the caller's struct, field by column name.
    As,
    /// `query_scalar!`: the single column's value.
    Scalar,
}

/// The macro's input: `[Type,] "SQL", args…`.
struct Input {
    target: Option<Type>,
    sql: LitStr,
    args: Vec<Expr>,
}

impl Input {
    fn parse(input: ParseStream, with_type: bool) -> syn::Result<Input> {
        let target = if with_type {
            let target: Type = input.parse()?;
            input.parse::<Token![,]>()?;
            Some(target)
        } else {
            None
        };
        let sql: LitStr = input.parse()?;
        let mut args = Vec::new();
        if !input.is_empty() {
            input.parse::<Token![,]>()?;
            let rest = Punctuated::<Expr, Token![,]>::parse_terminated(input)?;
            args.extend(rest);
        }
        Ok(Input { target, sql, args })
    }
}

struct WithType(Input);
struct WithoutType(Input);

impl Parse for WithType {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        Input::parse(input, true).map(WithType)
    }
}

impl Parse for WithoutType {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        Input::parse(input, false).map(WithoutType)
    }
}

/// A result column as the expansion reads it: its Rust field name and type.
struct Column {
    field: syn::Ident,
    ty: TokenStream,
}

/// Expands one of the three macros; with `from_file`, the string is the path of a file holding
/// the query (relative to the package's `Cargo.toml`), as sqlx's `query_file!`.
pub fn expand(kind: Kind, from_file: bool, tokens: TokenStream) -> syn::Result<TokenStream> {
    let input = match kind {
        Kind::As => syn::parse2::<WithType>(tokens)?.0,
        Kind::Record | Kind::Scalar => syn::parse2::<WithoutType>(tokens)?.0,
    };
    let span = input.sql.span();
    let loaded = schema_cache::load(span)?;
    let dialect = loaded.schema.dialect;
    let (sql, tracked) = if from_file {
        read_query_file(&input.sql)?
    } else {
        (input.sql.value(), TokenStream::new())
    };
    let described = describe(&loaded.schema, &sql).map_err(|e| {
        let at =
            e.at.map(|at| format!(" (at line {}, column {} of the query)", at.line, at.col))
                .unwrap_or_default();
        syn::Error::new(span, format!("{}{at}", e.message))
    })?;
    check_arguments(&described, input.args.len(), span)?;
    let columns = described
        .columns
        .iter()
        .map(|c| column(&loaded.schema, c, !matches!(kind, Kind::Scalar), span))
        .collect::<syn::Result<Vec<_>>>()?;
    let (db, row) = database(dialect, span)?;
    let sqlx = quote!(::migrate_runtime::__private::sqlx);
    let binds = binds(&loaded.schema, &described, &input.args);
    let lit = &LitStr::new(&sql, span);
    let expansion = match kind {
        Kind::Scalar => {
            let [column] = columns.as_slice() else {
                return Err(syn::Error::new(
                    span,
                    format!(
                        "query_scalar! reads one column; this query returns {}: use query! or query_as!",
                        columns.len()
                    ),
                ));
            };
            let ty = &column.ty;
            quote! {
                #sqlx::query_scalar::<#db, #ty>(#lit) #(#binds)*
            }
        }
        Kind::Record if columns.is_empty() => quote! {
            #sqlx::query::<#db>(#lit) #(#binds)*
        },
        Kind::Record => {
            let fields = columns.iter().map(|c| {
                let (field, ty) = (&c.field, &c.ty);
                quote!(pub #field: #ty)
            });
            let record = quote!(__MigrateRecord);
            let init = initializer(&record, &columns, &sqlx);
            quote! {{
                #[derive(Debug)]
                #[allow(non_camel_case_types, non_snake_case)]
                struct #record { #(#fields,)* }
                #sqlx::query::<#db>(#lit) #(#binds)*
                    .try_map(|row: #row| ::std::result::Result::Ok(#init))
            }}
        }
        Kind::As => {
            let target = input
                .target
                .as_ref()
                .map(|t| quote!(#t))
                .unwrap_or_default();
            let init = initializer(&target, &columns, &sqlx);
            quote! {
                #sqlx::query::<#db>(#lit) #(#binds)*
                    .try_map(|row: #row| ::std::result::Result::Ok(#init))
            }
        }
    };
    Ok(quote!({ #tracked #expansion }))
}

/// The query in the file `path` names, and an `include_str!` of it so that an edit rebuilds.
fn read_query_file(path: &LitStr) -> syn::Result<(String, TokenStream)> {
    let span = path.span();
    let full = crate::package::manifest_dir(span)?.join(path.value());
    let sql = std::fs::read_to_string(&full).map_err(|e| {
        syn::Error::new(
            span,
            format!(
                "cannot read the query file `{}` (relative to the package's Cargo.toml): {e}",
                path.value()
            ),
        )
    })?;
    let shown = full.display().to_string();
    Ok((
        sql,
        quote!(
            const _: &str = ::std::include_str!(#shown);
        ),
    ))
}

/// `Target { col: row.try_get::<ColType, _>(i)?.into(), … }`: a field with no column is the
/// compiler's "missing field", a column with no field its "no field", and a field of another
/// type an `Into` error, each on the query's string.
fn initializer(target: &TokenStream, columns: &[Column], sqlx: &TokenStream) -> TokenStream {
    let fields = columns.iter().enumerate().map(|(i, c)| {
        let (field, ty) = (&c.field, &c.ty);
        quote_spanned! {field.span()=>
            #field: ::std::convert::Into::into(#sqlx::Row::try_get::<#ty, usize>(&row, #i)?)
        }
    });
    quote!(#target { #(#fields,)* })
}

/// The database and row types of the dialect.
fn database(dialect: Dialect, span: Span) -> syn::Result<(TokenStream, TokenStream)> {
    let sqlx = quote!(::migrate_runtime::__private::sqlx);
    match dialect {
        Dialect::Postgres => Ok((quote!(#sqlx::Postgres), quote!(#sqlx::postgres::PgRow))),
        Dialect::Sqlite => Ok((quote!(#sqlx::Sqlite), quote!(#sqlx::sqlite::SqliteRow))),
        Dialect::Mysql => Ok((quote!(#sqlx::MySql), quote!(#sqlx::mysql::MySqlRow))),
        other => Err(syn::Error::new(
            span,
            format!(
                "checked queries support PostgreSQL, SQLite and MySQL; this package's dialect is {other:?}"
            ),
        )),
    }
}

fn check_arguments(described: &Described, given: usize, span: Span) -> syn::Result<()> {
    let wanted = described.parameters.len();
    if wanted == given {
        return Ok(());
    }
    Err(syn::Error::new(
        span,
        format!(
            "the query has {wanted} parameter(s) but {given} argument(s) are given: pass one argument per parameter, in number order"
        ),
    ))
}

/// `.bind(arg)` per argument, through the check of its parameter's type when it has one.
fn binds(schema: &Schema, described: &Described, args: &[Expr]) -> Vec<TokenStream> {
    args.iter()
        .zip(&described.parameters)
        .map(|(arg, parameter)| {
            let checked = parameter
                .sql_type
                .as_deref()
                .and_then(|t| rust_types::parameter_type(schema, t));
            let enum_name = parameter
                .sql_type
                .as_deref()
                .and_then(|t| enum_type(schema, t))
                .map(|e| e.name.to_string());
            match (checked, enum_name) {
                (Some(ty), _) => quote_spanned! {arg.span()=>
                    .bind(::migrate_runtime::__private::arg::<#ty, _>(#arg))
                },
                // A parameter of an enum type: a `#[derive(DbEnum)]` enum of that type.
                (None, Some(name)) => {
                    let name = migrate_check::sql_enum_name(&name);
                    quote_spanned! {arg.span()=>
                        .bind(::migrate_runtime::__private::enum_arg::<#name, _>(#arg))
                    }
                }
                (None, None) => quote!(.bind(#arg)),
            }
        })
        .collect()
}

/// A result column's field name and Rust type, with sqlx's overrides in its name:
/// `"col!"` (NOT NULL), `"col?"` (nullable), `"col: Type"` (the Rust type).
/// Without `named` (`query_scalar!`), the name need not be a Rust field name.
fn column(schema: &Schema, c: &ResultColumn, named: bool, span: Span) -> syn::Result<Column> {
    let (name, written) = match c.name.split_once(':') {
        Some((name, ty)) => {
            let ty: Type = syn::parse_str(ty.trim()).map_err(|e| {
                syn::Error::new(
                    span,
                    format!(
                        "column `{}`: the type after `:` does not parse: {e}",
                        c.name
                    ),
                )
            })?;
            (name.trim(), Some(quote!(#ty)))
        }
        None => (c.name.as_str(), None),
    };
    let (name, not_null) = if let Some(name) = name.strip_suffix('!') {
        (name, true)
    } else if let Some(name) = name.strip_suffix('?') {
        (name, false)
    } else {
        (name, c.not_null)
    };
    let field = if named {
        field_name(name, span)?
    } else {
        syn::Ident::new("value", span)
    };
    let ty = match written {
        Some(ty) => ty,
        None => c
            .sql_type
            .as_deref()
            .and_then(|t| rust_types::column_type(schema, t))
            .ok_or_else(|| unmapped(schema, c, name, span))?,
    };
    let ty = if not_null {
        ty
    } else {
        quote!(::std::option::Option<#ty>)
    };
    Ok(Column { field, ty })
}

fn unmapped(schema: &Schema, c: &ResultColumn, name: &str, span: Span) -> syn::Error {
    if let Some(error) = enum_column(schema, c, name, span) {
        return error;
    }
    let what = match &c.sql_type {
        Some(t) => format!(
            "has the SQL type `{t}`, which the checked queries do not map to a Rust type yet"
        ),
        None => "has a type the inference cannot tell".to_owned(),
    };
    syn::Error::new(
        span,
        format!(
            "column `{name}` {what}: name its Rust type in the query, e.g. `… AS \"{name}: MyType\"`"
        ),
    )
}

/// A column of an enum type (or an array of one): sqlx decodes it into the Rust enum the
/// query names, as sqlx's own `query!` requires.
fn enum_column(schema: &Schema, c: &ResultColumn, name: &str, span: Span) -> Option<syn::Error> {
    let sql_type = c.sql_type.as_deref()?;
    let (element, array) = match sql_type.strip_suffix("[]") {
        Some(element) => (element, true),
        None => (sql_type, false),
    };
    let found = enum_type(schema, element)?;
    let (what, rust) = if array {
        ("an array of the enum type", "Vec<YourEnum>")
    } else {
        ("of the enum type", "YourEnum")
    };
    Some(syn::Error::new(
        span,
        format!(
            "column `{name}` is {what} `{}` ({}): name its Rust type with `AS \"{name}: {rust}\"` (a #[derive(DbEnum)] enum)",
            found.name, found.origin
        ),
    ))
}

fn field_name(name: &str, span: Span) -> syn::Result<syn::Ident> {
    let valid = !name.is_empty()
        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if !valid {
        return Err(syn::Error::new(
            span,
            format!(
                "the result column `{name}` is not a Rust field name: give it one with `AS name`"
            ),
        ));
    }
    Ok(syn::parse_str::<syn::Ident>(name)
        .map(|i| syn::Ident::new(&i.to_string(), span))
        .unwrap_or_else(|_| format_ident!("r#{}", name, span = span)))
}
