//! Built-in functions: what each returns and when it can be NULL.
//!
//! PostgreSQL's built-in functions come from the catalog generated from `pg_proc`
//! ([`super::pg_calls`]); here are the few expressions that look like its functions but are
//! not (`coalesce`, `greatest`, `least`, `nullif`). SQLite's come from the catalog generated
//! from its function list ([`super::sqlite_catalog`]). A function not known is of unknown type
//! and may be NULL, never an error; a SQLite built-in called with a number of arguments it does
//! not take is an error, as SQLite makes it.

use sqlparser::ast::{Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments, Spanned};

use super::expr::common;
use super::sqlite_catalog::{self, Lookup};
use super::{Infer, QueryError, Typed};
use crate::Dialect;

/// When a function's result is NULL.
#[derive(Clone, Copy, Debug)]
pub(super) enum Nulls {
    /// Never (`count`, `now()`, `concat`).
    Never,
    /// Exactly when an argument is (strict functions: `lower`, `length`).
    Strict,
    /// Maybe, whatever the arguments (aggregates over no rows, `nullif`, `lag`).
    Maybe,
    /// Only when every argument is (`coalesce`, `greatest`).
    AllNull,
}

/// What a function returns.
#[derive(Clone, Copy, Debug)]
pub(super) enum Returns {
    Fixed(&'static str),
    /// The type of its first argument (`min`, `max`, `abs`).
    First,
    /// The common type of its arguments (`coalesce`).
    Common,
    /// `sum`'s rule.
    Sum,
    /// SQLite's `substr`: BLOB for a BLOB first argument, otherwise TEXT.
    TextOrBlob,
    /// Depends on the values (SQLite's `json_extract`, `iif`).
    Unknown,
}

/// PostgreSQL's expressions that look like function calls but are not functions (no
/// `pg_proc` row): the built-in functions are the generated catalog's
/// ([`super::pg_calls`]).
fn postgres(name: &str) -> Option<(Returns, Nulls)> {
    use Nulls::*;
    use Returns::*;
    Some(match name {
        "coalesce" | "greatest" | "least" => (Common, AllNull),
        "nullif" => (First, Maybe),
        // SQL's value functions, written without parentheses.
        "current_date" => (Fixed("date"), Never),
        "current_timestamp" => (Fixed("timestamp with time zone"), Never),
        "localtimestamp" => (Fixed("timestamp without time zone"), Never),
        "current_time" => (Fixed("time with time zone"), Never),
        "localtime" => (Fixed("time without time zone"), Never),
        // Not in the catalog: `row_to_json` takes a `record` (no column's type), and
        // `uuid_generate_v4` is the `uuid-ossp` extension's.
        "row_to_json" => (Fixed("json"), Maybe),
        "uuid_generate_v4" => (Fixed("uuid"), Never),
        _ => return None,
    })
}

/// A call's arguments, each with its type, in order (`count(*)`'s star is none).
pub(super) struct Call<'e> {
    pub args: Vec<(&'e Expr, Typed)>,
    /// Some argument is named (`make_interval(days => 1)`): which parameter it is, the
    /// catalog does not say.
    pub named: bool,
}

/// The function's name, lower-cased, without its schema.
pub(super) fn function_name(function: &Function) -> String {
    function
        .name
        .0
        .last()
        .map(|p| p.to_string().to_lowercase())
        .unwrap_or_default()
}

impl Infer<'_> {
    /// Types a call's arguments (a subquery argument and a `FILTER` are checked too).
    pub(super) fn call<'e>(&mut self, function: &'e Function) -> Result<Call<'e>, QueryError> {
        let mut args = Vec::new();
        let mut named = false;
        match &function.args {
            FunctionArguments::List(list) => {
                for arg in &list.args {
                    named |= !matches!(arg, FunctionArg::Unnamed(_));
                    let arg = match arg {
                        FunctionArg::Named { arg, .. }
                        | FunctionArg::ExprNamed { arg, .. }
                        | FunctionArg::Unnamed(arg) => arg,
                    };
                    if let FunctionArgExpr::Expr(e) = arg {
                        args.push((e, self.expr(e)?));
                    }
                }
            }
            FunctionArguments::Subquery(q) => {
                self.subquery(q)?;
            }
            FunctionArguments::None => {}
        }
        if let Some(filter) = &function.filter {
            self.expr(filter)?;
        }
        Ok(Call { args, named })
    }

    pub fn function(&mut self, function: &Function) -> Result<Typed, QueryError> {
        if self.dialect == Dialect::Mysql {
            return self.mysql_function(function);
        }
        let Call { args, named } = self.call(function)?;
        if let Some(typed) = self.user_function(function, &args)? {
            return Ok(typed);
        }
        let name = function_name(function);
        let known = match self.dialect {
            Dialect::Postgres => match postgres(&name) {
                Some(form) => Some(form),
                None if named => return Ok(Typed::unknown()),
                // `app.lower(x)`: a function of another schema than `pg_catalog`'s.
                None if function.name.0.len() > 1
                    && !function.name.0[0]
                        .to_string()
                        .eq_ignore_ascii_case("pg_catalog") =>
                {
                    return Ok(Typed::unknown());
                }
                None => return self.pg_function(&name, &args),
            },
            dialect => match sqlite_catalog::lookup(&name, args.len()) {
                Lookup::Found(returns, nulls) => Some((returns, nulls)),
                Lookup::Unknown => None,
                Lookup::WrongArity(takes) if dialect == Dialect::Sqlite => {
                    let span = function.name.span();
                    return Err(sqlite_catalog::wrong_arity(&name, &takes, args.len(), span));
                }
                Lookup::WrongArity(_) => None,
            },
        };
        let Some((returns, nulls)) = known else {
            return Ok(Typed::unknown());
        };
        // `coalesce($1, col)`: a parameter takes the type of the others (a domain's base
        // type: PostgreSQL resolves a common type with an unknown input as the base type).
        if matches!(returns, Returns::Common) {
            let others = common(&args.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>());
            let hint = others
                .sql_type
                .map(|t| super::user_types::without_domain(self.schema, t));
            for (e, _) in &args {
                self.expect(e, hint.clone())?;
            }
        }
        // A function resolves a domain argument as its base type (`sum(domain_over_integer)`).
        let typed: Vec<Typed> = args
            .iter()
            .map(|(_, t)| Typed {
                sql_type: t
                    .sql_type
                    .clone()
                    .map(|t| super::user_types::without_domain(self.schema, t)),
                not_null: t.not_null,
            })
            .collect();
        let first = typed.first().and_then(|t| t.sql_type.clone());
        let sql_type = match returns {
            Returns::Fixed(t) => Some(t.to_owned()),
            Returns::First => first,
            Returns::TextOrBlob => Some(match first.as_deref() {
                Some(t) if t.eq_ignore_ascii_case("BLOB") => "BLOB".to_owned(),
                _ => "TEXT".to_owned(),
            }),
            Returns::Unknown => None,
            Returns::Common => common_of(&args),
            // SQLite's sum is an integer when every value is one: only INTEGER and REAL
            // affinity decide it; otherwise it is a number of either kind.
            Returns::Sum => first.map(|t| super::expr::sqlite_number(&t, &t).to_owned()),
        };
        let not_null = match nulls {
            Nulls::Never => true,
            Nulls::Maybe => false,
            Nulls::Strict => !typed.is_empty() && typed.iter().all(|t| t.not_null),
            Nulls::AllNull => typed.iter().any(|t| t.not_null),
        };
        Ok(Typed { sql_type, not_null })
    }
}

/// The common type of `coalesce`'s (and `greatest`'s) arguments: a quoted literal, `NULL` or a
/// parameter takes the others' type, so another argument of unknown type makes the result's
/// unknown (`coalesce(array_agg(row), '{}')` is no `text`).
fn common_of(args: &[(&sqlparser::ast::Expr, Typed)]) -> Option<String> {
    use sqlparser::ast::{Expr, Value};
    let adapts = |e: &Expr| {
        matches!(e, Expr::Value(v) if matches!(
            v.value,
            Value::SingleQuotedString(_) | Value::Null | Value::Placeholder(_)
        ))
    };
    let others: Vec<Typed> = args
        .iter()
        .filter(|(e, _)| !adapts(e))
        .map(|(_, t)| t.clone())
        .collect();
    if others.is_empty() {
        let all: Vec<Typed> = args.iter().map(|(_, t)| t.clone()).collect();
        return common(&all).sql_type;
    }
    if others.iter().any(|t| t.sql_type.is_none()) {
        return None;
    }
    common(&others).sql_type
}
