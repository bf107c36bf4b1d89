//! Built-in functions: what each returns and when it can be NULL.
//!
//! PostgreSQL's built-in functions come from the catalog generated from `pg_proc`
//! ([`super::pg_calls`]); here are the few expressions that look like its functions but are
//! not (`coalesce`, `greatest`, `least`, `nullif`), and a small hand-written table of SQLite's
//! functions. A function not known is of unknown type and may be NULL, never an error.

use sqlparser::ast::{Function, FunctionArg, FunctionArgExpr, FunctionArguments};

use super::expr::common;
use super::{Infer, QueryError, Typed};
use crate::Dialect;

/// When a function's result is NULL.
#[derive(Clone, Copy)]
enum Nulls {
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
#[derive(Clone, Copy)]
enum Returns {
    Fixed(&'static str),
    /// The type of its first argument (`min`, `max`, `abs`).
    First,
    /// The common type of its arguments (`coalesce`).
    Common,
    /// `sum`'s rule.
    Sum,
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

fn sqlite(name: &str) -> Option<(Returns, Nulls)> {
    use Nulls::*;
    use Returns::*;
    Some(match name {
        "count" | "row_number" | "rank" | "dense_rank" | "ntile" => (Fixed("INTEGER"), Never),
        "changes" | "total_changes" | "last_insert_rowid" | "random" => (Fixed("INTEGER"), Never),
        "total" => (Fixed("REAL"), Never),
        "sum" => (Sum, Maybe),
        "avg" => (Fixed("REAL"), Maybe),
        "min" | "max" | "lag" | "lead" | "first_value" | "last_value" | "nth_value" => {
            (First, Maybe)
        }
        "coalesce" | "ifnull" => (Common, AllNull),
        "nullif" => (First, Maybe),
        "group_concat" | "string_agg" => (Fixed("TEXT"), Maybe),
        "lower" | "upper" | "trim" | "ltrim" | "rtrim" | "replace" | "substr" | "substring"
        | "hex" | "quote" | "printf" | "format" => (Fixed("TEXT"), Strict),
        "length" | "instr" | "unicode" => (Fixed("INTEGER"), Strict),
        "abs" | "round" => (First, Strict),
        "datetime" | "date" | "time" | "strftime" | "julianday" => (Fixed("TEXT"), Maybe),
        "json" | "json_object" | "json_array" | "json_group_array" | "json_group_object" => {
            (Fixed("TEXT"), Maybe)
        }
        _ => return None,
    })
}

impl Infer<'_> {
    pub fn function(&mut self, function: &Function) -> Result<Typed, QueryError> {
        let mut args = Vec::new();
        // `make_interval(days => 1)`: which parameter a named argument is, the catalog does
        // not say.
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
                    // `count(*)`: a star is no argument to type.
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
        let name = function
            .name
            .0
            .last()
            .map(|p| p.to_string().to_lowercase())
            .unwrap_or_default();
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
            _ => sqlite(&name),
        };
        let Some((returns, nulls)) = known else {
            return Ok(Typed::unknown());
        };
        // `coalesce($1, col)`: a parameter takes the type of the others.
        if matches!(returns, Returns::Common) {
            let others = common(&args.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>());
            for (e, _) in &args {
                self.expect(e, others.sql_type.clone())?;
            }
        }
        let typed: Vec<Typed> = args.iter().map(|(_, t)| t.clone()).collect();
        let first = typed.first().and_then(|t| t.sql_type.clone());
        let sql_type = match returns {
            Returns::Fixed(t) => Some(t.to_owned()),
            Returns::First => first,
            Returns::Common => common(&typed).sql_type,
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
