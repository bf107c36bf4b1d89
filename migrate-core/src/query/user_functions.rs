//! Calls of functions the migrations created ([`Schema::functions`](crate::schema::Schema)):
//! typed by their declaration. The result is the declared return type; a `STRICT` function is
//! NULL exactly when an argument is, any other may be NULL; each parameter passed takes the
//! declared type of its argument (`my_fn($1)`).
//!
//! Resolution follows PostgreSQL's search path (`pg_catalog`, then `public`): a call written
//! `schema.f(…)` is the migrations' function; an unqualified call is theirs only when no
//! built-in function of that name takes it ([`builtin_takes`]). Among overloads, the one
//! whose argument count and known argument types fit; when several still fit the result is
//! unknown, never a guess.

use sqlparser::ast::{Expr, Function as Call, ObjectNamePart};

use super::{Infer, QueryError, Typed};
use crate::Dialect;
use crate::schema::Function;

impl Infer<'_> {
    /// The call `call`, whose arguments are `args` (typed), when it names a function the
    /// migrations created; `None` for any other call (a built-in, or unknown).
    pub(super) fn user_function(
        &mut self,
        call: &Call,
        args: &[(&Expr, Typed)],
    ) -> Result<Option<Typed>, QueryError> {
        if self.schema.functions.is_empty() || self.dialect != Dialect::Postgres {
            return Ok(None);
        }
        let parts: Vec<String> = call
            .name
            .0
            .iter()
            .map(|p| match p {
                ObjectNamePart::Identifier(i) if i.quote_style.is_some() => i.value.clone(),
                other => other.to_string().to_lowercase(),
            })
            .collect();
        let (schema, name) = match parts.as_slice() {
            [name] => (None, name.as_str()),
            [.., schema, name] => (Some(schema.as_str()), name.as_str()),
            [] => return Ok(None),
        };
        let types: Vec<Option<&str>> = args.iter().map(|(_, t)| t.sql_type.as_deref()).collect();
        if schema.is_none() && builtin_takes(name, &types) {
            return Ok(None);
        }
        let visible = |f: &&Function| {
            f.name.name == name
                && match schema {
                    Some(s) => f.name.schema.as_deref() == Some(s),
                    // The search path: pg_catalog (the built-ins, above), then public.
                    None => f.name.schema.as_deref().is_none_or(|s| s == "public"),
                }
        };
        let fits_count: Vec<&Function> = self
            .schema
            .functions
            .iter()
            .filter(visible)
            .filter(|f| takes_count(f, args.len()))
            .collect();
        if fits_count.is_empty() {
            return Ok(None);
        }
        // Overloads: the argument types that are known must be the declared ones.
        let exact: Vec<&Function> = fits_count
            .iter()
            .copied()
            .filter(|f| {
                types
                    .iter()
                    .zip(&f.args)
                    .all(|(t, declared)| t.is_none_or(|t| same_type(t, declared)))
            })
            .collect();
        let chosen = match (exact.as_slice(), fits_count.as_slice()) {
            ([one], _) => *one,
            // No declared types match (an implicit cast, `integer` to `bigint`): one
            // function of that count is the one PostgreSQL calls.
            ([], [one]) => *one,
            _ => return Ok(Some(Typed::unknown())),
        };
        let chosen = chosen.clone();
        for ((expr, _), declared) in args.iter().zip(&chosen.args) {
            self.expect(expr, Some(declared.clone()))?;
        }
        let not_null = chosen.strict && !args.is_empty() && args.iter().all(|(_, t)| t.not_null);
        Ok(Some(Typed {
            sql_type: Some(chosen.returns.clone()),
            not_null,
        }))
    }
}

/// Whether `f` takes `count` arguments (its defaults may be left out; a VARIADIC takes any
/// number from its place on).
fn takes_count(f: &Function, count: usize) -> bool {
    let max = f.args.len();
    let min = max - f.defaults.min(max);
    if f.variadic {
        count + 1 >= max
    } else {
        (min..=max).contains(&count)
    }
}

/// Whether an argument of type `actual` is of the declared type `declared` (which has no
/// type modifier: `character varying(40)` is a `character varying`).
fn same_type(actual: &str, declared: &str) -> bool {
    actual == declared || actual.split('(').next().map(str::trim_end) == Some(declared)
}

/// Whether PostgreSQL resolves an unqualified call `name(types…)` to a built-in function:
/// `pg_catalog` comes first on the search path, so a built-in that takes the call wins over a
/// migration's function of the same name and signature (`CREATE FUNCTION lower(text)` does not
/// change `lower(x)`), as PostgreSQL's catalog resolves the call ([`super::pg_catalog`]); an
/// argument of no known type is read as PostgreSQL's `unknown` (a literal or a parameter), and a
/// call the catalog finds ambiguous is left to the migration's function.
fn builtin_takes(name: &str, types: &[Option<&str>]) -> bool {
    let args: Vec<super::pg_catalog::Arg> = types
        .iter()
        .map(|t| match t {
            Some(t) => super::pg_catalog::Arg::Known(t.to_string()),
            None => super::pg_catalog::Arg::Unknown,
        })
        .collect();
    super::pg_catalog::catalog().function(name, &args).is_some()
}
