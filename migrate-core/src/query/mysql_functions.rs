//! MySQL and MariaDB's built-in functions: what each returns and when it can be NULL, a hand
//! table checked against MariaDB's result metadata (type and `NOT_NULL` flag). A function not
//! listed is of unknown type and may be NULL, never an error.
//!
//! MariaDB flags most string functions nullable whatever their arguments (`lower(v)` of a
//! NOT NULL `v`), and so does the table: the inference says what the server says.

use sqlparser::ast::Function;

use super::mysql::{Class, absolute, class, common_type};
use super::{Infer, QueryError, Typed};

/// When a function's result is NULL.
#[derive(Clone, Copy)]
enum Nulls {
    Never,
    /// Exactly when an argument is.
    Strict,
    Maybe,
    /// Only when every argument is (`coalesce`, `ifnull`).
    AllNull,
}

/// What a function returns.
#[derive(Clone, Copy)]
enum Returns {
    Fixed(&'static str),
    /// The first argument's type (`min`, `max`, `nullif`, `lag`).
    First,
    /// The common type of the arguments (`coalesce`, `greatest`).
    Common,
    /// The common type of the second and third (`if`).
    IfBranches,
    /// `varchar`, or `text` when an argument is a text (`concat`, `lower`).
    String,
    /// `sum` and `avg`: `double` over floating types, `decimal` otherwise.
    SumAvg,
    /// `abs`: an integer of its argument's digits and sign, or the argument's type.
    Absolute,
    /// `round`, `truncate`, `sign`: the argument's type (`double` for a string).
    Numeric,
    /// `floor`, `ceil`: an integer's type, `bigint` for decimals that fit, `double` for
    /// floating types.
    Rounded,
}

fn table(name: &str) -> Option<(Returns, Nulls)> {
    use Nulls::*;
    use Returns::*;
    Some(match name {
        "count" => (Fixed("bigint"), Never),
        "row_number" | "rank" | "dense_rank" | "ntile" => (Fixed("bigint"), Never),
        "percent_rank" | "cume_dist" => (Fixed("double"), Never),
        "sum" | "avg" => (SumAvg, Maybe),
        "min" | "max" | "any_value" => (First, Maybe),
        "lag" | "lead" | "first_value" | "last_value" | "nth_value" => (First, Maybe),
        "coalesce" | "ifnull" | "nvl" => (Common, AllNull),
        "greatest" | "least" => (Common, Strict),
        "nullif" => (First, Maybe),
        "if" => (IfBranches, Maybe),
        "group_concat" => (Fixed("text"), Maybe),
        "concat" | "concat_ws" | "lower" | "upper" | "lcase" | "ucase" | "trim" | "ltrim"
        | "rtrim" | "substr" | "substring" | "left" | "right" | "replace" | "reverse"
        | "repeat" | "lpad" | "rpad" => (String, Maybe),
        "date_format" | "md5" | "sha1" | "sha2" | "hex" | "format" | "monthname" | "dayname" => {
            (Fixed("varchar"), Maybe)
        }
        "length" | "char_length" | "character_length" | "octet_length" | "bit_length"
        | "locate" | "instr" | "position" | "ascii" => (Fixed("int"), Strict),
        "abs" => (Absolute, Strict),
        "round" | "truncate" => (Numeric, Strict),
        "sign" => (Fixed("int(2)"), Strict),
        "floor" | "ceil" | "ceiling" => (Rounded, Strict),
        "now" | "current_timestamp" | "localtime" | "localtimestamp" | "sysdate"
        | "utc_timestamp" => (Fixed("datetime"), Never),
        "curdate" | "current_date" | "utc_date" => (Fixed("date"), Never),
        "curtime" | "current_time" | "utc_time" => (Fixed("time"), Never),
        "date" => (Fixed("date"), Maybe),
        "year" | "month" | "day" | "dayofmonth" | "hour" | "minute" | "second" | "dayofweek"
        | "dayofyear" | "week" | "quarter" | "datediff" => (Fixed("int"), Maybe),
        "timestampdiff" | "unix_timestamp" => (Fixed("bigint"), Maybe),
        "uuid" => (Fixed("char(36)"), Maybe),
        "last_insert_id" => (Fixed("bigint unsigned"), Never),
        "rand" => (Fixed("double"), Never),
        "json_extract" | "json_unquote" | "json_object" | "json_array" | "json_arrayagg"
        | "json_objectagg" => (Fixed("longtext"), Maybe),
        _ => return None,
    })
}

/// The type and nullability of `CASE` branches (or other alternatives): their common type,
/// NOT NULL only if all are.
pub(crate) fn alternatives(results: &[Typed]) -> Typed {
    let types: Vec<Option<String>> = results.iter().map(|t| t.sql_type.clone()).collect();
    Typed {
        sql_type: common_type(&types),
        not_null: !results.is_empty() && results.iter().all(|t| t.not_null),
    }
}

impl Infer<'_> {
    /// A MySQL function call: its arguments typed (parameters among them take the type of
    /// the others for `coalesce`, `ifnull`, `greatest`, `least`), its result from the table.
    pub(crate) fn mysql_function(&mut self, function: &Function) -> Result<Typed, QueryError> {
        let args = self.call(function)?.args;
        let name = super::functions::function_name(function);
        let Some((returns, nulls)) = table(&name) else {
            return Ok(Typed::unknown());
        };
        let typed: Vec<Typed> = args.iter().map(|(_, t)| t.clone()).collect();
        let types: Vec<Option<String>> = typed.iter().map(|t| t.sql_type.clone()).collect();
        if matches!(returns, Returns::Common) {
            let others = common_type(&types);
            for (e, _) in &args {
                self.expect(e, others.clone())?;
            }
        }
        let first = types.first().cloned().flatten();
        let sql_type = match returns {
            Returns::Fixed(t) => Some(t.to_owned()),
            Returns::First => first,
            Returns::Common => common_type(&types),
            // MariaDB's `if` ignores a NULL branch (`unsigned` stays, unlike CASE's).
            Returns::IfBranches => {
                let branches: Vec<Option<String>> = types
                    .get(1..)
                    .unwrap_or_default()
                    .iter()
                    .filter(|t| t.is_some())
                    .cloned()
                    .collect();
                common_type(&branches)
            }
            // MariaDB's `json` is a `longtext` of binary collation: strings built of it are
            // binary.
            Returns::String => Some(
                if types.iter().flatten().any(|t| t == "json") {
                    "longblob"
                } else if types.iter().flatten().any(|t| class(t) == Class::Text) {
                    "text"
                } else {
                    "varchar"
                }
                .to_owned(),
            ),
            Returns::SumAvg => first.map(|t| match class(&t) {
                Class::Double | Class::Varchar | Class::Text => "double".to_owned(),
                _ => "decimal".to_owned(),
            }),
            Returns::Absolute => first.map(|t| absolute(&t)),
            Returns::Numeric => first.map(|t| match class(&t) {
                Class::Varchar | Class::Text => "double".to_owned(),
                _ => t,
            }),
            Returns::Rounded => first.and_then(|t| match class(&t) {
                Class::Integer(_) => Some(t),
                Class::Decimal if decimal_fits_bigint(&t) => Some("bigint".to_owned()),
                Class::Decimal => Some("decimal".to_owned()),
                Class::Double | Class::Varchar | Class::Text => Some("double".to_owned()),
                Class::Other => None,
            }),
        };
        let not_null = match nulls {
            Nulls::Never => true,
            Nulls::Maybe => match returns {
                // `if(c, a, b)`: NULL only when the branch taken is.
                Returns::IfBranches => typed.len() == 3 && typed[1..].iter().all(|t| t.not_null),
                _ => false,
            },
            Nulls::Strict => !typed.is_empty() && typed.iter().all(|t| t.not_null),
            // MariaDB flags a string `coalesce` nullable whatever its arguments.
            Nulls::AllNull => {
                typed.iter().any(|t| t.not_null)
                    && !matches!(
                        sql_type.as_deref().map(class),
                        Some(Class::Varchar | Class::Text) | None
                    )
            }
        };
        Ok(Typed { sql_type, not_null })
    }
}

/// `decimal(p,s)` whose integer part has at most 18 digits: `floor` of it is a `bigint`
/// (`decimal` without precision is an expression's, of unknown width: no).
fn decimal_fits_bigint(t: &str) -> bool {
    let Some(args) = t
        .split_once('(')
        .and_then(|(_, rest)| rest.split(')').next())
    else {
        return false;
    };
    let mut parts = args.split(',').map(|p| p.trim().parse::<u32>().ok());
    match (parts.next().flatten(), parts.next().flatten().or(Some(0))) {
        (Some(p), Some(s)) => p.saturating_sub(s) <= 18,
        _ => false,
    }
}
