//! The type and nullability of an expression, and the types its parameters take from it.

use sqlparser::ast::{
    BinaryOperator as Op, CastKind, CeilFloorKind, DataType, DateTimeField, Expr, Spanned,
    UnaryOperator, Value,
};

use super::user_types::without_domain;
use super::{Infer, QueryError, Typed};
use crate::Dialect;
use crate::replay::types::normalize;

impl Infer<'_> {
    /// Types `expr` in the current scopes; parameters in it take the types their context
    /// gives them.
    pub fn expr(&mut self, expr: &Expr) -> Result<Typed, QueryError> {
        Ok(match expr {
            Expr::Identifier(ident) => self.column(std::slice::from_ref(ident))?,
            Expr::CompoundIdentifier(parts) => self.column(parts)?,
            Expr::Value(v) => self.literal(&v.value, v.span),
            Expr::Nested(inner) => self.expr(inner)?,
            Expr::Cast {
                kind,
                expr: inner,
                data_type,
                ..
            } => {
                let (target, keeps_not_null) = match self.dialect {
                    Dialect::Mysql => self.mysql_cast(inner, data_type),
                    _ => (self.type_name(data_type), true),
                };
                self.expect(inner, Some(target.clone()))?;
                let inner = self.expr(inner)?;
                Typed {
                    sql_type: Some(target),
                    not_null: inner.not_null && keeps_not_null && *kind != CastKind::TryCast,
                }
            }
            Expr::IsNull(e) | Expr::IsNotNull(e) => {
                self.expr(e)?;
                self.boolean(true)
            }
            Expr::IsTrue(e)
            | Expr::IsNotTrue(e)
            | Expr::IsFalse(e)
            | Expr::IsNotFalse(e)
            | Expr::IsUnknown(e)
            | Expr::IsNotUnknown(e) => {
                self.expect(e, Some(self.bool_name().to_owned()))?;
                self.boolean(true)
            }
            Expr::IsDistinctFrom(a, b) | Expr::IsNotDistinctFrom(a, b) => {
                self.pair(a, b)?;
                self.boolean(true)
            }
            Expr::BinaryOp { left, op, right } => self.binary(left, op, right)?,
            Expr::UnaryOp { op, expr: inner } => {
                let typed = self.expr(inner)?;
                match op {
                    UnaryOperator::Not => self.boolean(typed.not_null),
                    // MySQL: `-col` is a signed integer of col's digits; `-1` a literal.
                    UnaryOperator::Minus
                        if self.dialect == Dialect::Mysql
                            && !matches!(inner.as_ref(), Expr::Value(_)) =>
                    {
                        Typed {
                            sql_type: typed.sql_type.as_deref().map(super::mysql::negate),
                            ..typed
                        }
                    }
                    // PostgreSQL's prefix operators are the catalog's (`|/ 2` is a double).
                    _ if self.dialect == Dialect::Postgres => {
                        match self.pg_prefix(op, inner, &typed)? {
                            Some(resolved) => resolved,
                            None => Typed {
                                sql_type: None,
                                ..typed
                            },
                        }
                    }
                    _ => typed,
                }
            }
            Expr::InList { expr: e, list, .. } => {
                let left = self.expr(e)?;
                let mut not_null = left.not_null;
                // One item is `=` (an operator: varchar's operand is text); more resolve a
                // common type first (varchar stays, a domain is its base type).
                let hint = match list.len() {
                    1 => self.operand(left.sql_type.clone()),
                    _ => left
                        .sql_type
                        .clone()
                        .map(|t| without_domain(self.schema, t)),
                };
                for item in list {
                    self.expect(item, hint.clone())?;
                    not_null &= self.expr(item)?.not_null;
                }
                self.boolean(not_null)
            }
            Expr::InSubquery {
                expr: e, subquery, ..
            } => {
                self.expr(e)?;
                self.subquery(subquery)?;
                self.boolean(false)
            }
            Expr::Between {
                expr: e, low, high, ..
            } => {
                let typed = self.expr(e)?;
                let hint = self.operand(typed.sql_type.clone());
                self.expect(low, hint.clone())?;
                self.expect(high, hint)?;
                let low = self.expr(low)?;
                let high = self.expr(high)?;
                self.boolean(typed.not_null && low.not_null && high.not_null)
            }
            Expr::Like {
                expr: e, pattern, ..
            }
            | Expr::ILike {
                expr: e, pattern, ..
            }
            | Expr::SimilarTo {
                expr: e, pattern, ..
            } => {
                let typed = self.expr(e)?;
                self.expect(pattern, Some(self.text_name().to_owned()))?;
                let pattern = self.expr(pattern)?;
                self.boolean(typed.not_null && pattern.not_null)
            }
            Expr::AnyOp { left, right, .. } | Expr::AllOp { left, right, .. } => {
                let typed = self.expr(left)?;
                let hint = self.operand(typed.sql_type.clone());
                self.expect(right, hint.map(|t| format!("{t}[]")))?;
                if let Expr::Subquery(q) = right.as_ref() {
                    self.subquery(q)?;
                } else {
                    self.expr(right)?;
                }
                self.boolean(false)
            }
            Expr::Case {
                operand,
                conditions,
                else_result,
                ..
            } => {
                let operand = match operand {
                    Some(o) => Some(self.expr(o)?),
                    None => None,
                };
                let mut results = Vec::new();
                for when in conditions {
                    let hint = operand.as_ref().and_then(|o| o.sql_type.clone());
                    self.expect(&when.condition, hint)?;
                    self.expr(&when.condition)?;
                    results.push(self.expr(&when.result)?);
                }
                match (else_result, self.dialect) {
                    (Some(e), _) => results.push(self.expr(e)?),
                    // MySQL: no ELSE is NULL, but no NULL of a type (`unsigned` stays).
                    (None, Dialect::Mysql) => {
                        let typed = super::mysql_functions::alternatives(&results);
                        return Ok(Typed {
                            not_null: false,
                            ..typed
                        });
                    }
                    (None, _) => results.push(Typed::unknown()),
                }
                match self.dialect {
                    Dialect::Mysql => super::mysql_functions::alternatives(&results),
                    _ => common(&results),
                }
            }
            Expr::Function(function) => self.function(function)?,
            Expr::Subquery(query) => {
                let columns = self.subquery(query)?;
                let typed = columns
                    .into_iter()
                    .next()
                    .map(|c| c.typed)
                    .unwrap_or_default();
                // No row is NULL.
                Typed {
                    not_null: false,
                    ..typed
                }
            }
            Expr::Exists { subquery, .. } => {
                self.subquery(subquery)?;
                self.boolean(true)
            }
            Expr::TypedString(typed) => Typed::of(&self.type_name(&typed.data_type), true),
            Expr::Collate { expr: inner, .. } => self.expr(inner)?,
            Expr::Interval(_) if self.dialect == Dialect::Postgres => Typed::of("interval", true),
            // `ARRAY[a, b]`: an array of its elements' common type, never NULL itself.
            Expr::Array(array) if self.dialect == Dialect::Postgres => {
                let mut elements = Vec::new();
                for e in &array.elem {
                    elements.push(self.expr(e)?);
                }
                let element = common(&elements).sql_type;
                Typed {
                    sql_type: element.map(|t| format!("{t}[]")),
                    not_null: true,
                }
            }
            // `a[i]` (an element of an array, NULL past its end) and `j['key']` (jsonb).
            Expr::CompoundFieldAccess { root, access_chain } => {
                // `t.col[1]`: the leading names are a column reference.
                let (parts, rest) = reference(root, access_chain);
                let mut typed = match parts {
                    Some(parts) => self.column(&parts)?,
                    None => self.expr(root)?,
                };
                for access in rest {
                    let sqlparser::ast::AccessExpr::Subscript(subscript) = access else {
                        return Err(QueryError::new(
                            format!("the expression `{expr}` is not inferred yet"),
                            expr.span(),
                        ));
                    };
                    typed = self.subscript(typed, subscript)?;
                }
                typed
            }
            Expr::Extract { expr: inner, .. } => {
                let typed = self.expr(inner)?;
                let name = match self.dialect {
                    Dialect::Postgres => "numeric",
                    Dialect::Mysql => "int",
                    Dialect::Sqlite => "INTEGER",
                };
                Typed::of(name, typed.not_null && self.dialect != Dialect::Mysql)
            }
            // PostgreSQL: the function `substring(x, from[, for])` (text, bytea, bit; a
            // pattern).
            Expr::Substring {
                expr: inner,
                substring_from: Some(from),
                substring_for,
                ..
            } if self.dialect == Dialect::Postgres => {
                let mut args = vec![(inner.as_ref(), self.expr(inner)?)];
                args.push((from.as_ref(), self.expr(from)?));
                if let Some(count) = substring_for {
                    args.push((count.as_ref(), self.expr(count)?));
                }
                self.pg_function("substring", &args)?
            }
            Expr::Ceil {
                expr: inner,
                field: CeilFloorKind::DateTimeField(DateTimeField::NoDateTime),
            } if self.dialect == Dialect::Postgres => {
                let arg = [(inner.as_ref(), self.expr(inner)?)];
                self.pg_function("ceil", &arg)?
            }
            Expr::Floor {
                expr: inner,
                field: CeilFloorKind::DateTimeField(DateTimeField::NoDateTime),
            } if self.dialect == Dialect::Postgres => {
                let arg = [(inner.as_ref(), self.expr(inner)?)];
                self.pg_function("floor", &arg)?
            }
            Expr::Substring {
                expr: inner,
                substring_from,
                substring_for,
                shorthand,
                ..
            } => {
                let typed = self.expr(inner)?;
                let mut not_null = typed.not_null;
                for e in [substring_from, substring_for].into_iter().flatten() {
                    not_null &= self.expr(e)?.not_null;
                }
                let sqlite = self.dialect == Dialect::Sqlite;
                if sqlite && substring_from.is_none() {
                    let name = if *shorthand { "substr" } else { "substring" };
                    return Err(super::sqlite_catalog::wrong_arity(
                        name,
                        "2 or 3",
                        1,
                        expr.span(),
                    ));
                }
                // SQLite's substr of a blob is a blob.
                let blob = sqlite
                    && typed
                        .sql_type
                        .as_deref()
                        .is_some_and(|t| t.eq_ignore_ascii_case("BLOB"));
                // MariaDB flags string functions nullable whatever their arguments.
                let not_null = not_null && self.dialect != Dialect::Mysql;
                Typed::of(if blob { "BLOB" } else { self.text_name() }, not_null)
            }
            Expr::Trim {
                expr: inner,
                trim_what,
                trim_characters,
                ..
            } => {
                // NULL when the text or the characters to trim are.
                let mut not_null = self.expr(inner)?.not_null;
                let what = trim_what.iter().map(|e| e.as_ref());
                for e in what.chain(trim_characters.iter().flatten()) {
                    not_null &= self.expr(e)?.not_null;
                }
                Typed::of(self.text_name(), not_null && self.dialect != Dialect::Mysql)
            }
            Expr::Tuple(items) => {
                for item in items {
                    self.expr(item)?;
                }
                Typed::unknown()
            }
            other => {
                return Err(QueryError::new(
                    format!("the expression `{other}` is not inferred yet"),
                    other.span(),
                ));
            }
        })
    }

    /// `value[index]`, `value[lower:upper]`: an element or a slice of an array (an integer
    /// index), a member of a `jsonb` value; NULL when there is none.
    fn subscript(
        &mut self,
        value: Typed,
        subscript: &sqlparser::ast::Subscript,
    ) -> Result<Typed, QueryError> {
        use sqlparser::ast::Subscript;
        let array = value.sql_type.as_deref().and_then(|t| t.strip_suffix("[]"));
        let sql_type = match subscript {
            Subscript::Index { index } => {
                let hint = match value.sql_type.as_deref() {
                    Some("jsonb") => "text",
                    _ => "integer",
                };
                let hint = Some(hint.to_owned());
                self.expect(index, hint)?;
                self.expr(index)?;
                match (array, value.sql_type.as_deref()) {
                    (Some(element), _) => Some(element.to_owned()),
                    (None, Some("jsonb")) => Some("jsonb".to_owned()),
                    _ => None,
                }
            }
            Subscript::Slice {
                lower_bound,
                upper_bound,
                stride,
            } => {
                for bound in [lower_bound, upper_bound, stride].into_iter().flatten() {
                    self.expect(bound, Some("integer".to_owned()))?;
                    self.expr(bound)?;
                }
                array.map(|_| value.sql_type.clone().unwrap_or_default())
            }
        };
        Ok(Typed {
            sql_type,
            not_null: false,
        })
    }

    /// Gives `expr` the type `hint` when it is a parameter (or a parameter in parentheses).
    /// A string literal there must be a label of the enum `hint` names
    /// ([`Infer::check_enum_label`]).
    pub fn expect(&mut self, expr: &Expr, hint: Option<String>) -> Result<(), QueryError> {
        self.check_enum_label(expr, hint.as_deref())?;
        match expr {
            Expr::Value(v) if matches!(v.value, Value::Placeholder(_)) => {
                if let Some(number) = self.parameter_number(v.span) {
                    self.set_parameter(number, hint);
                }
            }
            Expr::Nested(inner) => self.expect(inner, hint)?,
            Expr::Array(array) => {
                let element = hint.and_then(|t| t.strip_suffix("[]").map(str::to_owned));
                for item in &array.elem {
                    self.expect(item, element.clone())?;
                }
            }
            Expr::Tuple(items) => {
                for item in items {
                    self.expect(item, hint.clone())?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn literal(&self, value: &Value, span: sqlparser::tokenizer::Span) -> Typed {
        if self.dialect == Dialect::Mysql
            && let Some(typed) = self.mysql_literal(value)
        {
            return typed;
        }
        let pg = self.dialect == Dialect::Postgres;
        match value {
            Value::Number(text, _) => {
                let integer = !text.contains(['.', 'e', 'E']);
                let name = match (pg, integer) {
                    (true, true) if text.parse::<i32>().is_ok() => "integer",
                    (true, true) if text.parse::<i64>().is_ok() => "bigint",
                    (true, _) => "numeric",
                    (false, true) => "INTEGER",
                    (false, false) => "REAL",
                };
                Typed::of(name, true)
            }
            Value::Boolean(_) => Typed::of(self.bool_name(), true),
            Value::Null => Typed::unknown(),
            Value::Placeholder(_) => Typed {
                sql_type: self
                    .parameter_number(span)
                    .and_then(|n| self.parameter_type(n)),
                not_null: false,
            },
            Value::SingleQuotedString(_)
            | Value::DollarQuotedString(_)
            | Value::EscapedStringLiteral(_)
            | Value::UnicodeStringLiteral(_) => Typed::of(self.text_name(), true),
            _ => Typed {
                sql_type: None,
                not_null: true,
            },
        }
    }

    fn binary(&mut self, left: &Expr, op: &Op, right: &Expr) -> Result<Typed, QueryError> {
        // PostgreSQL's operators are the catalog's; the rules below are for SQLite, and for
        // what the catalog cannot resolve (an operand of unknown type).
        if self.dialect == Dialect::Postgres
            && let Some(typed) = self.pg_binary(op, left, right)?
        {
            return Ok(typed);
        }
        let (l, r) = self.pair(left, right)?;
        let both = l.not_null && r.not_null;
        Ok(match op {
            Op::Eq
            | Op::NotEq
            | Op::Lt
            | Op::LtEq
            | Op::Gt
            | Op::GtEq
            | Op::And
            | Op::Or
            | Op::PGRegexMatch
            | Op::PGRegexIMatch
            | Op::PGRegexNotMatch
            | Op::PGRegexNotIMatch
            | Op::PGLikeMatch
            | Op::PGILikeMatch
            | Op::PGNotLikeMatch
            | Op::PGNotILikeMatch
            | Op::AtArrow
            | Op::ArrowAt
            | Op::Question
            | Op::QuestionAnd
            | Op::QuestionPipe => self.boolean(both),
            Op::StringConcat => {
                let array = [&l, &r]
                    .into_iter()
                    .find_map(|t| t.sql_type.clone().filter(|t| t.ends_with("[]")));
                Typed {
                    sql_type: Some(array.unwrap_or_else(|| self.text_name().to_owned())),
                    not_null: both,
                }
            }
            // MySQL: a division by zero is NULL.
            Op::Divide | Op::Modulo | Op::MyIntegerDivide if self.dialect == Dialect::Mysql => {
                Typed {
                    sql_type: self.arithmetic(op, &l, &r),
                    not_null: false,
                }
            }
            Op::Plus | Op::Minus | Op::Multiply | Op::Divide | Op::Modulo => Typed {
                sql_type: self.arithmetic(op, &l, &r),
                not_null: both,
            },
            // SQLite's `->` is JSON text, its `->>` the SQL value at the path (any class).
            Op::Arrow if self.dialect == Dialect::Sqlite => Typed {
                sql_type: Some("TEXT".to_owned()),
                not_null: false,
            },
            Op::LongArrow if self.dialect == Dialect::Sqlite => Typed::unknown(),
            Op::Xor if self.dialect == Dialect::Mysql => self.boolean(both),
            Op::Arrow | Op::HashArrow => Typed {
                sql_type: l.sql_type.clone(),
                not_null: false,
            },
            Op::LongArrow | Op::HashLongArrow => Typed {
                sql_type: Some(self.text_name().to_owned()),
                not_null: false,
            },
            _ => Typed::unknown(),
        })
    }

    /// Types both sides, each parameter taking the other side's type as an operator's
    /// operand ([`Infer::operand`]).
    fn pair(&mut self, left: &Expr, right: &Expr) -> Result<(Typed, Typed), QueryError> {
        let l = self.expr(left)?;
        self.expect(right, self.operand(l.sql_type.clone()))?;
        let r = self.expr(right)?;
        self.expect(left, self.operand(r.sql_type.clone()))?;
        let l = if l.sql_type.is_none() {
            self.expr(left)?
        } else {
            l
        };
        Ok((l, r))
    }

    /// `a + b` and friends: numbers widen (integer < bigint < numeric < real < double), and
    /// the date and time arithmetic PostgreSQL defines.
    fn arithmetic(&self, op: &Op, l: &Typed, r: &Typed) -> Option<String> {
        // A domain's operators are its base type's.
        let (a, b) = (
            without_domain(self.schema, l.sql_type.clone()?),
            without_domain(self.schema, r.sql_type.clone()?),
        );
        let (a, b) = (a.as_str(), b.as_str());
        if self.dialect == Dialect::Mysql {
            return super::mysql::arithmetic(op, a, b);
        }
        if self.dialect != Dialect::Postgres {
            return Some(sqlite_number(a, b).to_owned());
        }
        const NUMBERS: [&str; 6] = [
            "smallint",
            "integer",
            "bigint",
            "numeric",
            "real",
            "double precision",
        ];
        // `numeric(12,2)` ranks as `numeric` (the result drops the precision).
        let rank = |t: &str| {
            let base = if t.starts_with("numeric(") {
                "numeric"
            } else {
                t
            };
            NUMBERS.iter().position(|n| *n == base)
        };
        if let (Some(x), Some(y)) = (rank(a), rank(b)) {
            let wide = x.max(y);
            // real with anything but real is double precision.
            let wide = if wide == 4 && x != y { 5 } else { wide };
            return Some(NUMBERS[wide].to_owned());
        }
        let time = |t: &str| t.starts_with("timestamp") || t == "date";
        Some(match (op, a, b) {
            (Op::Minus, "date", "date") => "integer".to_owned(),
            (Op::Minus, x, y) if time(x) && time(y) => "interval".to_owned(),
            (Op::Plus | Op::Minus, "date", "integer") => "date".to_owned(),
            (Op::Plus | Op::Minus, "date", "interval") => "timestamp without time zone".to_owned(),
            (Op::Plus | Op::Minus, x, "interval") if time(x) => x.to_owned(),
            (Op::Plus, "interval", y) if time(y) => y.to_owned(),
            (_, "interval", "interval") => "interval".to_owned(),
            _ => return None,
        })
    }

    /// The type a parameter takes as the other operand of an operator (`=`, `<`, `IN` of
    /// one item, `BETWEEN`, `ANY`) whose one side has type `other`: a domain's base type.
    /// PostgreSQL has no operators on `character varying` nor `cidr`: it resolves them as
    /// `text`'s and `inet`'s, so the parameter is `text` or `inet`.
    fn operand(&self, other: Option<String>) -> Option<String> {
        // A domain's operators are its base type's.
        let other = other.map(|t| without_domain(self.schema, t));
        match other {
            Some(t) if self.dialect == Dialect::Postgres && t.starts_with("character varying") => {
                Some("text".to_owned())
            }
            // Nor on `cidr`: it compares with `inet`'s.
            Some(t) if self.dialect == Dialect::Postgres && t == "cidr" => Some("inet".to_owned()),
            other => other,
        }
    }

    /// A type as written in a cast, in the schema model's spelling.
    pub fn type_name(&self, data_type: &DataType) -> String {
        normalize(self.dialect, &data_type.to_string()).sql_type
    }

    /// The type of a comparison or a logical operator (MySQL has no boolean: `int`).
    pub fn bool_name(&self) -> &'static str {
        match self.dialect {
            Dialect::Postgres => "boolean",
            Dialect::Mysql => "int",
            Dialect::Sqlite => "BOOLEAN",
        }
    }

    /// The type of a string built by an expression.
    pub fn text_name(&self) -> &'static str {
        match self.dialect {
            Dialect::Postgres => "text",
            Dialect::Mysql => "varchar",
            Dialect::Sqlite => "TEXT",
        }
    }

    fn boolean(&self, not_null: bool) -> Typed {
        Typed::of(self.bool_name(), not_null)
    }
}

/// The common type of alternatives (CASE branches, COALESCE arguments, UNION columns): the
/// known types when they agree, the widest of PostgreSQL numbers (`coalesce(count(*), 0)` is
/// `bigint`), the first of `varchar` and `text`, otherwise unknown; NOT NULL only if all are.
pub(crate) fn common(alternatives: &[Typed]) -> Typed {
    let mut types = alternatives.iter().filter_map(|t| t.sql_type.as_deref());
    let mut resolved = types.next().map(str::to_owned);
    for t in types {
        resolved = resolved.and_then(|a| super::using::join_type(Some(&a), Some(t)));
    }
    Typed {
        sql_type: resolved,
        not_null: !alternatives.is_empty() && alternatives.iter().all(|t| t.not_null),
    }
}

/// The declared type of SQLite arithmetic on columns declared `a` and `b` (and of `sum`, with
/// `a == b`): REAL when either has REAL affinity, INTEGER when both have INTEGER affinity,
/// otherwise NUMERIC (an integer or a real depending on the values: `NUMERIC` or `BOOLEAN`
/// columns, text).
pub(crate) fn sqlite_number(a: &str, b: &str) -> &'static str {
    let real = |t: &str| {
        let t = t.to_ascii_uppercase();
        !t.contains("INT") && (t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB"))
    };
    let integer = |t: &str| t.to_ascii_uppercase().contains("INT");
    if real(a) || real(b) {
        "REAL"
    } else if integer(a) && integer(b) {
        "INTEGER"
    } else {
        "NUMERIC"
    }
}

/// The column reference that starts `root.a.b[…]…` (`root`, then the names before the first
/// subscript), and the accesses after it; no reference when `root` is no name.
pub(crate) fn reference<'e>(
    root: &Expr,
    chain: &'e [sqlparser::ast::AccessExpr],
) -> (
    Option<Vec<sqlparser::ast::Ident>>,
    &'e [sqlparser::ast::AccessExpr],
) {
    use sqlparser::ast::AccessExpr;
    let mut parts = match root {
        Expr::Identifier(i) => vec![i.clone()],
        Expr::CompoundIdentifier(p) => p.clone(),
        _ => return (None, chain),
    };
    let mut rest = chain;
    while let [AccessExpr::Dot(Expr::Identifier(i)), tail @ ..] = rest {
        parts.push(i.clone());
        rest = tail;
    }
    (Some(parts), rest)
}
