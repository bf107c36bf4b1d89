//! The attributes the derives read: sqlx's own (`#[sqlx(…)]`, so the build checks the mapping
//! that runs) and ours (`#[migrate(…)]`). Unknown `sqlx` keys are sqlx's business and are
//! skipped; unknown `migrate` keys are errors.

use syn::{Attribute, Ident, LitStr, Token, Type};

use crate::case;

/// Attributes on the struct or enum.
#[derive(Default)]
pub struct Container {
    pub rename_all: Option<LitStr>,
    pub type_name: Option<LitStr>,
    /// `#[sqlx(default)]`: missing columns take the struct's default.
    pub default: bool,
    pub repr: Option<Ident>,
    pub table: Option<LitStr>,
    pub check: Option<LitStr>,
    pub non_exhaustive: bool,
}

/// Attributes on a field or variant.
#[derive(Default)]
pub struct Field {
    pub rename: Option<String>,
    pub skip: bool,
    pub default: bool,
    pub flatten: bool,
    pub try_from: Option<Type>,
    /// `Some(nullable)` for `#[sqlx(json)]` / `#[sqlx(json(nullable))]`.
    pub json: Option<bool>,
    pub sql_type: Option<LitStr>,
    pub unchecked: bool,
    pub not_null: bool,
}

/// Which item the attributes are on, for the keys `migrate` accepts there.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum On {
    Struct,
    Enum,
    Field,
    Variant,
}

const STRUCT_KEYS: &str = "`table`";
const ENUM_KEYS: &str = "`check = \"table.column\"`, `non_exhaustive`";
const FIELD_KEYS: &str = "`sql_type = \"…\"`, `unchecked`, `not_null`";

impl Container {
    pub fn parse(attrs: &[Attribute], on: On) -> syn::Result<Container> {
        let mut out = Container::default();
        for attr in attrs {
            if attr.path().is_ident("sqlx") {
                attr.parse_nested_meta(|meta| {
                    if meta.path.is_ident("rename_all") {
                        let lit: LitStr = meta.value()?.parse()?;
                        if !case::RULES.contains(&lit.value().as_str()) {
                            return Err(syn::Error::new(
                                lit.span(),
                                format!(
                                    "sqlx does not know rename_all = \"{}\"; it accepts {}",
                                    lit.value(),
                                    case::RULES.join(", ")
                                ),
                            ));
                        }
                        out.rename_all = Some(lit);
                    } else if meta.path.is_ident("type_name") {
                        out.type_name = Some(meta.value()?.parse()?);
                    } else if meta.path.is_ident("default") {
                        out.default = true;
                    } else {
                        skip_value(&meta)?;
                    }
                    Ok(())
                })?;
            } else if attr.path().is_ident("repr") {
                attr.parse_nested_meta(|meta| {
                    if let Some(ident) = meta.path.get_ident()
                        && ident.to_string().starts_with(['i', 'u'])
                    {
                        out.repr = Some(ident.clone());
                    }
                    skip_value(&meta)
                })?;
            } else if attr.path().is_ident("migrate") {
                attr.parse_nested_meta(|meta| {
                    if on == On::Struct && meta.path.is_ident("table") {
                        out.table = Some(meta.value()?.parse()?);
                    } else if on == On::Enum && meta.path.is_ident("check") {
                        out.check = Some(meta.value()?.parse()?);
                    } else if on == On::Enum && meta.path.is_ident("non_exhaustive") {
                        out.non_exhaustive = true;
                    } else {
                        let keys = if on == On::Struct {
                            STRUCT_KEYS
                        } else {
                            ENUM_KEYS
                        };
                        return Err(meta
                            .error(format!("unknown `migrate` attribute here; expected {keys}")));
                    }
                    Ok(())
                })?;
            }
        }
        Ok(out)
    }

    /// A field or variant name as sqlx maps it under `rename_all`.
    pub fn mapped(&self, ident: &Ident) -> String {
        let raw = ident.to_string();
        let raw = raw.trim_start_matches("r#");
        match &self.rename_all {
            Some(rule) => case::rename(raw, &rule.value()).unwrap_or_else(|| raw.to_owned()),
            None => raw.to_owned(),
        }
    }
}

impl Field {
    pub fn parse(attrs: &[Attribute], on: On) -> syn::Result<Field> {
        let mut out = Field::default();
        for attr in attrs {
            if attr.path().is_ident("sqlx") {
                attr.parse_nested_meta(|meta| {
                    if meta.path.is_ident("rename") {
                        out.rename = Some(meta.value()?.parse::<LitStr>()?.value());
                    } else if meta.path.is_ident("skip") {
                        out.skip = true;
                    } else if meta.path.is_ident("default") {
                        out.default = true;
                    } else if meta.path.is_ident("flatten") {
                        out.flatten = true;
                    } else if meta.path.is_ident("try_from") {
                        let lit: LitStr = meta.value()?.parse()?;
                        out.try_from = Some(lit.parse()?);
                    } else if meta.path.is_ident("json") {
                        let mut nullable = false;
                        if meta.input.peek(syn::token::Paren) {
                            meta.parse_nested_meta(|inner| {
                                nullable |= inner.path.is_ident("nullable");
                                Ok(())
                            })?;
                        }
                        out.json = Some(nullable);
                    } else {
                        skip_value(&meta)?;
                    }
                    Ok(())
                })?;
            } else if attr.path().is_ident("migrate") {
                attr.parse_nested_meta(|meta| {
                    if on == On::Field && meta.path.is_ident("sql_type") {
                        out.sql_type = Some(meta.value()?.parse()?);
                    } else if on == On::Field && meta.path.is_ident("unchecked") {
                        out.unchecked = true;
                    } else if on == On::Field && meta.path.is_ident("not_null") {
                        out.not_null = true;
                    } else {
                        let expected = match on {
                            On::Field => FIELD_KEYS,
                            _ => "no `migrate` attribute on a variant",
                        };
                        return Err(meta.error(format!(
                            "unknown `migrate` attribute here; expected {expected}"
                        )));
                    }
                    Ok(())
                })?;
            }
        }
        Ok(out)
    }
}

/// Consumes `= value` or `(…)` after a key we do not read.
fn skip_value(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.input.parse::<Token![=]>()?;
        meta.input.parse::<syn::Expr>()?;
    } else if !meta.input.is_empty() && !meta.input.peek(Token![,]) {
        meta.input.parse::<proc_macro2::TokenTree>()?;
    }
    Ok(())
}
