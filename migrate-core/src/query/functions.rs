//! Built-in functions: what each returns and when it can be NULL.
//!
//! A small hand-written table of the common functions of PostgreSQL and SQLite. The catalog
//! the checked queries need in the end (every function, operator and cast, generated from
//! `pg_proc`/`pg_operator`/`pg_cast` and SQLite's function list by a committed script) replaces
//! it; a function not listed here is of unknown type and may be NULL, never an error.

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
    /// PostgreSQL's `min`/`max`: the first argument's type, but `text` for `character
    /// varying` (whose only `min`/`max` are text's).
    MinMax,
    /// The common type of its arguments (`coalesce`).
    Common,
    /// `sum`'s rule.
    Sum,
    /// `avg`'s rule.
    Avg,
    /// An array of its first argument (`array_agg`).
    ArrayOfFirst,
    /// The type of its second argument (`date_trunc`).
    Second,
}

fn postgres(name: &str) -> Option<(Returns, Nulls)> {
    use Nulls::*;
    use Returns::*;
    Some(match name {
        "count" => (Fixed("bigint"), Never),
        "row_number" | "rank" | "dense_rank" | "ntile" => (Fixed("bigint"), Never),
        "percent_rank" | "cume_dist" => (Fixed("double precision"), Never),
        "sum" => (Sum, Maybe),
        "avg" => (Avg, Maybe),
        "min" | "max" => (MinMax, Maybe),
        "lag" | "lead" | "first_value" | "last_value" | "nth_value" => (First, Maybe),
        "coalesce" => (Common, AllNull),
        "greatest" | "least" => (Common, AllNull),
        "nullif" => (First, Maybe),
        "array_agg" => (ArrayOfFirst, Maybe),
        "string_agg" => (Fixed("text"), Maybe),
        "json_agg" | "json_object_agg" => (Fixed("json"), Maybe),
        "jsonb_agg" | "jsonb_object_agg" => (Fixed("jsonb"), Maybe),
        "bool_and" | "bool_or" | "every" => (Fixed("boolean"), Maybe),
        "lower" | "upper" | "btrim" | "ltrim" | "rtrim" | "initcap" | "replace" | "substr"
        | "left" | "right" | "lpad" | "rpad" | "md5" | "reverse" | "repeat" | "split_part"
        | "translate" | "to_char" => (Fixed("text"), Strict),
        "concat" | "concat_ws" => (Fixed("text"), Never),
        "format" => (Fixed("text"), Maybe),
        "length" | "char_length" | "character_length" | "octet_length" | "position" | "strpos"
        | "array_length" => (Fixed("integer"), Strict),
        "abs" | "ceil" | "ceiling" | "floor" | "round" | "trunc" | "sign" => (First, Strict),
        "now" | "transaction_timestamp" | "statement_timestamp" | "clock_timestamp" => {
            (Fixed("timestamp with time zone"), Never)
        }
        "date_trunc" => (Second, Strict),
        "date_part" => (Fixed("double precision"), Strict),
        "age" => (Fixed("interval"), Strict),
        "gen_random_uuid" | "uuid_generate_v4" => (Fixed("uuid"), Never),
        "to_json" | "row_to_json" | "json_build_object" | "json_build_array" => {
            (Fixed("json"), Never)
        }
        "to_jsonb" | "jsonb_build_object" | "jsonb_build_array" | "jsonb_set" => {
            (Fixed("jsonb"), Maybe)
        }
        "random" => (Fixed("double precision"), Never),
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
        match &function.args {
            FunctionArguments::List(list) => {
                for arg in &list.args {
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
            Dialect::Postgres => postgres(&name),
            _ => sqlite(&name),
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
        let pg = self.dialect == Dialect::Postgres;
        let sql_type = match returns {
            Returns::Fixed(t) => Some(t.to_owned()),
            Returns::First => first,
            Returns::MinMax => first.map(|t| {
                if t.starts_with("character varying") {
                    "text".to_owned()
                } else {
                    t
                }
            }),
            Returns::Second => typed.get(1).and_then(|t| t.sql_type.clone()),
            Returns::Common => common(&typed).sql_type,
            Returns::ArrayOfFirst => first.map(|t| format!("{t}[]")),
            Returns::Sum if pg => first.and_then(|t| {
                Some(match t.as_str() {
                    "smallint" | "integer" => "bigint".to_owned(),
                    "bigint" | "numeric" => "numeric".to_owned(),
                    "real" | "double precision" | "interval" | "money" => t,
                    n if n.starts_with("numeric(") => "numeric".to_owned(),
                    _ => return None,
                })
            }),
            // SQLite's sum is an integer when every value is one: only INTEGER and REAL
            // affinity decide it; otherwise it is a number of either kind.
            Returns::Sum => first.map(|t| super::expr::sqlite_number(&t, &t).to_owned()),
            Returns::Avg => first.and_then(|t| match t.as_str() {
                "smallint" | "integer" | "bigint" | "numeric" => Some("numeric".to_owned()),
                n if n.starts_with("numeric(") => Some("numeric".to_owned()),
                "real" | "double precision" => Some("double precision".to_owned()),
                "interval" => Some(t),
                _ => None,
            }),
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
