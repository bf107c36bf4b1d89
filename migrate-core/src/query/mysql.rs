//! MySQL and MariaDB's result types: literals, arithmetic, casts and the common type of
//! alternatives, as MariaDB's prepared-statement metadata reports them (a column type and a
//! `NOT_NULL` flag per result column), spelled as the schema model spells MySQL types.
//!
//! Expressions have no length: `varchar`, `decimal`, `text` (the model's table columns keep
//! theirs: `varchar(40)`, `decimal(12,2)`). Comparisons and logic are `int` (MariaDB's
//! `LONG`), as are integer literals of up to 9 digits (`int(N)`, N their digits); integer
//! arithmetic is an `int(N)` of the digits it can make up to 8, a `bigint` beyond, `unsigned`
//! when an operand is; `/` is `decimal` (or `double` with a floating operand).

use sqlparser::ast::{
    BinaryOperator as Op, DataType, Expr, GroupByExpr, Select, SelectItem, Value,
};

use super::{Col, Infer, Typed};

/// What a MySQL type is, for arithmetic and common types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Class {
    /// `tinyint` … `bigint`, `year`, `bit`; `bool` for `unsigned`.
    Integer(bool),
    Decimal,
    Double,
    /// `char`, `varchar`, `enum`, `set`.
    Varchar,
    /// `tinytext` … `longtext`, `json` (MariaDB's `longtext`).
    Text,
    Other,
}

/// The class of a type in the model's spelling.
pub(crate) fn class(sql_type: &str) -> Class {
    let lower = sql_type.trim().to_ascii_lowercase();
    let unsigned = lower.split_whitespace().any(|w| w == "unsigned");
    let head = lower.split_whitespace().next().unwrap_or("");
    let base = head.split('(').next().unwrap_or(head);
    match base {
        "tinyint" | "smallint" | "mediumint" | "int" | "integer" | "bigint" | "year" | "bit" => {
            Class::Integer(unsigned)
        }
        "decimal" | "numeric" => Class::Decimal,
        "double" | "float" | "real" => Class::Double,
        "char" | "varchar" | "enum" | "set" => Class::Varchar,
        "tinytext" | "text" | "mediumtext" | "longtext" | "json" => Class::Text,
        _ => Class::Other,
    }
}

/// The decimal digits of an integer type, as MariaDB sizes integer results: the type's
/// (`tinyint` 3, `smallint` 5, `mediumint` 8, `int` 10, `bigint` 19, unsigned 20), or the
/// `N` of an expression's `int(N)` (a literal's digits, an arithmetic result's).
fn digits(t: &str) -> Option<u32> {
    let Class::Integer(unsigned) = class(t) else {
        return None;
    };
    let base = t.split(['(', ' ']).next().unwrap_or(t);
    if base == "int"
        && !t.contains("zerofill")
        && let Some(n) = t
            .split_once('(')
            .and_then(|(_, rest)| rest.split(')').next())
            .and_then(|n| n.parse().ok())
    {
        return Some(n);
    }
    Some(match base {
        "tinyint" => 3,
        "smallint" => 5,
        "mediumint" => 8,
        "int" | "integer" => 10,
        "year" => 4,
        _ if unsigned => 20,
        _ => 19,
    })
}

/// An integer result of `digits` digits: MariaDB makes it an `int` (`LONG`) up to 8 digits,
/// a `bigint` beyond; `int(N)` keeps the digits for the arithmetic around it.
fn integer(digits: u32, unsigned: bool) -> String {
    match (digits <= 8, unsigned) {
        (true, false) => format!("int({digits})"),
        (true, true) => format!("int({digits}) unsigned"),
        (false, false) => "bigint".to_owned(),
        (false, true) => "bigint unsigned".to_owned(),
    }
}

/// The type of `a op b` for `+ - * / % DIV` over numbers (strings convert to `double`):
/// integers give an integer as wide as the digits the operator can make (`+`/`-`: one more
/// than the wider, `*`: the sum, `DIV`: the left's, `%`: the wider's), `unsigned` when an
/// operand is; `/` and decimals give `decimal`, floating types `double`. `None` for dates and
/// times (their arithmetic is `INTERVAL`'s, not inferred).
pub(crate) fn arithmetic(op: &Op, a: &str, b: &str) -> Option<String> {
    let number = |c: Class| match c {
        Class::Varchar | Class::Text => Some(Class::Double),
        Class::Other => None,
        other => Some(other),
    };
    let (x, y) = (number(class(a))?, number(class(b))?);
    if let (Some(da), Some(db)) = (digits(a), digits(b))
        && !matches!(op, Op::Divide)
    {
        let unsigned = matches!(x, Class::Integer(true)) || matches!(y, Class::Integer(true));
        let digits = match op {
            Op::Plus | Op::Minus => da.max(db) + 1,
            Op::Multiply => da + db,
            Op::MyIntegerDivide => da,
            _ => da.max(db),
        };
        return Some(integer(digits, unsigned));
    }
    Some(
        match (op, x, y) {
            (Op::MyIntegerDivide, _, _) => "bigint",
            (_, Class::Double, _) | (_, _, Class::Double) => "double",
            _ => "decimal",
        }
        .to_owned(),
    )
}

/// `-x`: a signed integer of `x`'s digits, or `x`'s type.
pub(crate) fn negate(t: &str) -> String {
    match digits(t) {
        Some(d) => integer(d, false),
        None => t.to_owned(),
    }
}

/// `abs(x)`: an integer of `x`'s digits and sign, or `x`'s type.
pub(crate) fn absolute(t: &str) -> String {
    match digits(t) {
        Some(d) => integer(d, class(t) == Class::Integer(true)),
        None => t.to_owned(),
    }
}

/// The common type of alternatives (`COALESCE`, `IFNULL`, `IF`, `CASE`, `UNION`,
/// `GREATEST`); `None` among `types` is a NULL or a parameter. Integers give the widest
/// integer type (`tinyint(1)` is a `tinyint` then), but `decimal` when one is unsigned and
/// another is not (NULL included); then `decimal`, `double`, `varchar`, `text`; `None`
/// when they do not combine.
pub(crate) fn common_type(types: &[Option<String>]) -> Option<String> {
    let known: Vec<&str> = types.iter().flatten().map(String::as_str).collect();
    let first = *known.first()?;
    let classes: Vec<Class> = known.iter().map(|t| class(t)).collect();
    let all = |f: fn(Class) -> bool| classes.iter().all(|c| f(*c));
    if all(|c| matches!(c, Class::Integer(_))) {
        let unsigned = classes
            .iter()
            .filter(|c| **c == Class::Integer(true))
            .count();
        if unsigned != 0 && (unsigned != classes.len() || known.len() != types.len()) {
            return Some("decimal".to_owned());
        }
        let widest = known.iter().max_by_key(|t| integer_rank(t)).copied()?;
        return Some(base_without_width(widest));
    }
    if known.iter().all(|t| *t == first) {
        return Some(first.to_owned());
    }
    if all(|c| matches!(c, Class::Integer(_) | Class::Decimal)) {
        return Some("decimal".to_owned());
    }
    if all(|c| matches!(c, Class::Integer(_) | Class::Decimal | Class::Double)) {
        return Some("double".to_owned());
    }
    if all(|c| matches!(c, Class::Varchar)) {
        return Some("varchar".to_owned());
    }
    if all(|c| matches!(c, Class::Varchar | Class::Text)) {
        return Some("text".to_owned());
    }
    None
}

fn integer_rank(t: &str) -> u8 {
    match t.split(['(', ' ']).next().unwrap_or(t) {
        "tinyint" => 1,
        "smallint" => 2,
        "mediumint" => 3,
        "int" | "integer" => 4,
        _ => 5,
    }
}

/// `tinyint(1)` -> `tinyint`, `int(3)` -> `int`: a common type is no boolean, and has the
/// type's width.
fn base_without_width(t: &str) -> String {
    let unsigned = t.contains("unsigned");
    let base = t.split(['(', ' ']).next().unwrap_or(t);
    if unsigned {
        format!("{base} unsigned")
    } else {
        base.to_owned()
    }
}

impl Infer<'_> {
    /// A literal's type: integers of up to 9 digits are `int(N)` (N digits), up to 18
    /// `bigint`, longer ones and `1.5` `decimal`, `1e3` `double`, strings `varchar`, `TRUE`/`FALSE` `int`.
    pub(crate) fn mysql_literal(&self, value: &Value) -> Option<Typed> {
        Some(match value {
            Value::Number(text, _) => {
                let digits = text.trim_start_matches(['-', '+']);
                let name = if digits.contains(['e', 'E']) {
                    "double".to_owned()
                } else if digits.contains('.') || digits.len() > 18 {
                    "decimal".to_owned()
                } else if digits.len() > 9 {
                    "bigint".to_owned()
                } else {
                    format!("int({})", digits.len())
                };
                Typed {
                    sql_type: Some(name),
                    not_null: true,
                }
            }
            Value::Boolean(_) => Typed::of("int", true),
            Value::SingleQuotedString(_)
            | Value::DoubleQuotedString(_)
            | Value::NationalStringLiteral(_) => Typed::of("varchar", true),
            Value::HexStringLiteral(_) => Typed::of("varbinary", true),
            _ => return None,
        })
    }

    /// `CAST(x AS …)` / `CONVERT(x, …)`: the target's type, and whether a NOT NULL `x` stays
    /// NOT NULL (MariaDB flags casts to dates, times, `double` and `char` as nullable: a
    /// string that is no date is NULL).
    pub(crate) fn mysql_cast(&self, inner: &Expr, data_type: &DataType) -> (String, bool) {
        let written = data_type.to_string().to_ascii_lowercase();
        let words: Vec<&str> = written.split_whitespace().collect();
        let head = words.first().copied().unwrap_or("");
        let base = head.split('(').next().unwrap_or(head);
        match base {
            // MariaDB sizes `CAST(? AS SIGNED)` by a parameter of no length: an `int`.
            "signed" if matches!(inner, Expr::Value(v) if matches!(v.value, Value::Placeholder(_))) => {
                ("int".to_owned(), true)
            }
            "signed" => ("bigint".to_owned(), true),
            "unsigned" => ("bigint unsigned".to_owned(), true),
            "char" | "nchar" | "varchar" | "character" => ("varchar".to_owned(), false),
            "binary" => ("varbinary".to_owned(), false),
            "date" | "datetime" | "time" | "timestamp" => (base.to_owned(), false),
            "double" | "float" | "real" => ("double".to_owned(), false),
            "decimal" | "dec" | "numeric" => (
                crate::replay::types::normalize(self.dialect, &written).sql_type,
                true,
            ),
            _ => (
                crate::replay::types::normalize(self.dialect, &written).sql_type,
                false,
            ),
        }
    }
}

/// The aggregates: a select list with one and no `GROUP BY` is one group, a row even when no
/// row matches.
const AGGREGATES: [&str; 8] = [
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "group_concat",
    "json_arrayagg",
    "json_objectagg",
];

/// MySQL runs `SELECT count(*), email FROM users` (an aggregate, no `GROUP BY`) as one group:
/// over no rows, `email` is NULL. Every column but a `count` is then nullable; and MariaDB
/// says every column but the window functions' of a query with one may be NULL.
pub(crate) fn implicit_group(select: &Select, columns: &mut [Col]) {
    let grouped = match &select.group_by {
        GroupByExpr::Expressions(exprs, _) => !exprs.is_empty(),
        GroupByExpr::All(_) => true,
    };
    let exprs: Vec<Option<&Expr>> = select
        .projection
        .iter()
        .map(|item| match item {
            SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => Some(e),
            _ => None,
        })
        .collect();
    let aggregate = |e: &Expr| {
        matches!(e, Expr::Function(f)
        if f.over.is_none()
            && f.name.0.last().is_some_and(|n| {
                AGGREGATES.contains(&n.to_string().to_lowercase().as_str())
            }))
    };
    let window = |e: &Expr| matches!(e, Expr::Function(f) if f.over.is_some());
    if exprs.len() != columns.len() {
        return;
    }
    // MariaDB flags every other column of a query with a window function nullable.
    if exprs.iter().flatten().any(|e| window(e)) {
        for (column, e) in columns.iter_mut().zip(&exprs) {
            if !e.is_some_and(window) {
                column.typed.not_null = false;
            }
        }
    }
    if grouped || !exprs.iter().flatten().any(|e| aggregate(e)) {
        return;
    }
    for (column, e) in columns.iter_mut().zip(exprs) {
        let count = matches!(e, Some(Expr::Function(f))
            if f.name.0.last().is_some_and(|n| n.to_string().eq_ignore_ascii_case("count")));
        if !count {
            column.typed.not_null = false;
        }
    }
}
