//! Calls of PostgreSQL's built-in functions and binary operators: their result type and
//! nullability, and the types their parameters take, from the generated catalog
//! ([`super::pg_catalog`]).

use sqlparser::ast::{BinaryOperator as Op, Expr, UnaryOperator, Value};

use super::pg_catalog::{Arg, Overload, Resolved, catalog};
use super::{Infer, QueryError, Typed};

/// Never NULL, though the catalog cannot say so: non-strict functions that return a value
/// for NULL arguments (`concat`, `json_build_object`), functions of no argument, and the
/// aggregate and window functions that count.
const NEVER_NULL: &[&str] = &[
    "count",
    "row_number",
    "rank",
    "dense_rank",
    "percent_rank",
    "cume_dist",
    "now",
    "transaction_timestamp",
    "statement_timestamp",
    "clock_timestamp",
    "random",
    "pi",
    "gen_random_uuid",
    "concat",
    "json_build_object",
    "json_build_array",
    "jsonb_build_object",
    "jsonb_build_array",
    "num_nulls",
    "num_nonnulls",
];

/// Strict functions that may still return NULL for arguments that are not: no match
/// (`regexp_match`, `substring(text, pattern)`, `array_position`), an empty array or range
/// (`array_length`; `lower(range)`: any function of a range argument, below), a missing
/// object or setting (`to_regclass`, `current_setting(name, true)`, `obj_description`,
/// `txid_status` of an old transaction), `NaN` (`scale`). JSON functions of several
/// arguments (paths, fields), `pg_*`, `has_*`, `to_reg*` functions are matched below.
const MAYBE_NULL: &[&str] = &[
    "array_length",
    "array_lower",
    "array_upper",
    "array_ndims",
    "array_dims",
    "array_position",
    "regexp_match",
    "regexp_substr",
    "substring",
    "current_setting",
    "txid_status",
    "scale",
    "min_scale",
];

fn may_be_null(name: &str, overload: &Overload) -> bool {
    let args = overload.args.len();
    MAYBE_NULL.contains(&name)
        || overload.args.iter().any(|a| a.contains("range"))
        || name.starts_with("pg_")
        || name.starts_with("to_reg")
        || name.starts_with("has_")
        || name.ends_with("_description")
        || (name.starts_with("json") && args >= 2)
}

/// Binary operators that may return NULL for arguments that are not: JSON's extraction and
/// path tests.
const MAYBE_NULL_OPERATORS: &[&str] = &["->", "->>", "#>", "#>>", "@?", "@@"];

/// The name of a binary operator in `pg_operator` (`AND`, `OR` and the like are no operator
/// there: the catalog does not know them).
fn operator_name(op: &Op) -> Option<String> {
    Some(match op {
        Op::PGCustomBinaryOperator(parts) => parts.last()?.clone(),
        // Each other operator is written as PostgreSQL names it (`||`, `->>`, `<<=`, `^@`).
        other => other.to_string(),
    })
}

/// An untyped placeholder (`$1` that no context typed yet), in parentheses or not.
fn placeholder(expr: &Expr) -> bool {
    match expr {
        Expr::Value(v) => matches!(v.value, Value::Placeholder(_)),
        Expr::Nested(inner) => placeholder(inner),
        _ => false,
    }
}

/// What resolution knows of an argument: a string literal, `NULL` and an untyped parameter
/// are PostgreSQL's `unknown` (not `text`: `lower('x')` and `lower(range)` differ).
fn arg(expr: &Expr, typed: &Typed) -> Arg {
    match expr {
        Expr::Nested(inner) => arg(inner, typed),
        Expr::Value(v) => match &v.value {
            Value::Null
            | Value::SingleQuotedString(_)
            | Value::DollarQuotedString(_)
            | Value::EscapedStringLiteral(_)
            | Value::UnicodeStringLiteral(_) => Arg::Unknown,
            Value::Placeholder(_) if typed.sql_type.is_none() => Arg::Unknown,
            _ => known(typed),
        },
        _ => known(typed),
    }
}

fn known(typed: &Typed) -> Arg {
    match &typed.sql_type {
        Some(t) => Arg::Known(t.clone()),
        None => Arg::Opaque,
    }
}

impl Infer<'_> {
    /// What PostgreSQL's resolution sees of a type the migrations create: a domain is its
    /// base type, an enum is an enum.
    fn resolvable(&self, arg: Arg) -> Arg {
        let Arg::Known(mut t) = arg else {
            return arg;
        };
        // A domain over a domain: a few levels at most.
        for _ in 0..8 {
            // `format_type` qualifies a type outside `public` (and `pg_catalog`).
            let named = |n: &crate::schema::Name| match n.schema.as_deref() {
                Some(s) if s != "public" => format!("{s}.{}", n.name) == t,
                _ => n.name == t,
            };
            if let Some(d) = self.schema.domains.iter().find(|d| named(&d.name)) {
                t = d.base_type.clone();
                continue;
            }
            if self.schema.enums.iter().any(|e| named(&e.name)) {
                return Arg::Enum(t);
            }
            break;
        }
        Arg::Known(t)
    }

    /// Gives each untyped parameter among `exprs` the type of its parameter in `resolved`.
    fn parameters_of(&mut self, exprs: &[&Expr], resolved: &Resolved) -> Result<(), QueryError> {
        for (e, p) in exprs.iter().zip(&resolved.params) {
            if placeholder(e) && p.is_some() {
                self.expect(e, p.clone())?;
            } else {
                // `status = 'pending'`: a string literal where the overload takes an enum
                // must be one of its labels.
                self.check_enum_label(e, p.as_deref())?;
            }
        }
        Ok(())
    }

    /// A call of built-in function `name` with `args` (each expression and its type).
    pub fn pg_function(
        &mut self,
        name: &str,
        args: &[(&Expr, Typed)],
    ) -> Result<Typed, QueryError> {
        let kinds: Vec<Arg> = args
            .iter()
            .map(|(e, t)| self.resolvable(arg(e, t)))
            .collect();
        let Some(resolved) = catalog().function(name, &kinds) else {
            return Ok(Typed::unknown());
        };
        let exprs: Vec<&Expr> = args.iter().map(|(e, _)| *e).collect();
        self.parameters_of(&exprs, &resolved)?;
        let o: &Overload = resolved.overload;
        let not_null = if NEVER_NULL.contains(&name) {
            true
        } else {
            // An aggregate is NULL over no rows, a window function past the frame; a
            // set-returning function's rows are whatever it yields.
            o.kind == b'f'
                && o.strict
                && !o.set
                && !args.is_empty()
                && !may_be_null(name, o)
                && args.iter().all(|(_, t)| t.not_null)
        };
        Ok(Typed {
            sql_type: resolved.returns,
            not_null,
        })
    }

    /// `left op right` by the catalog; `None` when it cannot resolve the operator (the
    /// caller's rules apply then).
    pub fn pg_binary(
        &mut self,
        op: &Op,
        left: &Expr,
        right: &Expr,
    ) -> Result<Option<Typed>, QueryError> {
        let Some(name) = operator_name(op) else {
            return Ok(None);
        };
        let (l, r) = (self.expr(left)?, self.expr(right)?);
        let (la, ra) = (
            self.resolvable(arg(left, &l)),
            self.resolvable(arg(right, &r)),
        );
        let Some(resolved) = catalog().binary(&name, la, ra) else {
            return Ok(None);
        };
        let Some(sql_type) = resolved.returns.clone() else {
            return Ok(None);
        };
        self.parameters_of(&[left, right], &resolved)?;
        let not_null = l.not_null
            && r.not_null
            && resolved.overload.strict
            && !MAYBE_NULL_OPERATORS.contains(&name.as_str());
        Ok(Some(Typed {
            sql_type: Some(sql_type),
            not_null,
        }))
    }

    /// `op operand` (`-x`, `|/ x`, `@ x`) by the catalog; `None` when it cannot resolve it.
    pub fn pg_prefix(
        &mut self,
        op: &UnaryOperator,
        operand: &Expr,
        typed: &Typed,
    ) -> Result<Option<Typed>, QueryError> {
        let name = op.to_string();
        let arg = self.resolvable(arg(operand, typed));
        let Some(resolved) = catalog().prefix(&name, arg) else {
            return Ok(None);
        };
        let Some(sql_type) = resolved.returns.clone() else {
            return Ok(None);
        };
        self.parameters_of(&[operand], &resolved)?;
        Ok(Some(Typed {
            sql_type: Some(sql_type),
            not_null: typed.not_null && resolved.overload.strict,
        }))
    }
}
