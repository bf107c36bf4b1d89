//! Set-returning functions in `FROM` (PostgreSQL): `unnest`, `generate_series`, the JSON
//! expanders, `regexp_matches`, … — the columns each yields; SQLite's `json_each` and
//! `json_tree`.
//!
//! A function in `FROM` sees the items before it (it is implicitly `LATERAL`); the caller
//! sets that scope. PostgreSQL's naming rules: a function returning one value per row (not a
//! record) names its column after the function, or after the alias when the alias has no
//! column list (`unnest(tags) t` is column `t`); one declaring its output columns
//! (`jsonb_array_elements`'s `value`, `jsonb_each`'s `key` and `value`) keeps their names;
//! `WITH ORDINALITY` adds `ordinality bigint` NOT NULL; an alias's column list renames them
//! in order.

use sqlparser::ast::{Expr, FunctionArg, FunctionArgExpr, ObjectName, Spanned, TableAlias};

use super::scope::Rel;
use super::{Col, Infer, QueryError, Typed};
use crate::Dialect;
use crate::replay::ident_in;

/// The columns of a set-returning function, before its alias.
struct Output {
    columns: Vec<Col>,
    /// One value per row, no declared column name: an alias without a column list names it.
    scalar: bool,
}

impl Infer<'_> {
    /// `name(args) [WITH ORDINALITY] [AS alias[(columns)]]` in `FROM`.
    pub(super) fn function_in_from(
        &mut self,
        name: &ObjectName,
        args: &[&FunctionArg],
        with_ordinality: bool,
        alias: Option<&TableAlias>,
    ) -> Result<Rel, QueryError> {
        let function = name
            .0
            .last()
            .and_then(|p| p.as_ident())
            .map(|i| ident_in(self.dialect, i))
            .unwrap_or_default();
        let mut exprs = Vec::new();
        for arg in args {
            match arg {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e))
                | FunctionArg::Named {
                    arg: FunctionArgExpr::Expr(e),
                    ..
                }
                | FunctionArg::ExprNamed {
                    arg: FunctionArgExpr::Expr(e),
                    ..
                } => exprs.push(e),
                other => {
                    return Err(QueryError::new(
                        format!("this argument of {function} in FROM is not inferred yet"),
                        other.span(),
                    ));
                }
            }
        }
        let output = if self.dialect == Dialect::Sqlite {
            self.sqlite_table_function(&function, &exprs, name)?
        } else if function == "unnest" {
            self.unnest_output(&exprs)?
        } else {
            self.srf_output(&function, &exprs, name)?
        };
        Ok(self.function_rel(&function, output, with_ordinality, alias))
    }

    /// `UNNEST(a, …)` as PostgreSQL's parser gives it (a keyword, not a function name).
    pub(super) fn unnest_in_from(
        &mut self,
        exprs: &[Expr],
        with_ordinality: bool,
        alias: Option<&TableAlias>,
    ) -> Result<Rel, QueryError> {
        let exprs: Vec<&Expr> = exprs.iter().collect();
        let output = self.unnest_output(&exprs)?;
        Ok(self.function_rel("unnest", output, with_ordinality, alias))
    }

    /// `unnest(array, …)`: a column of each array's element type, NULL where an element is
    /// or where a shorter array ran out.
    fn unnest_output(&mut self, exprs: &[&Expr]) -> Result<Output, QueryError> {
        let mut columns = Vec::new();
        for e in exprs {
            let array = self.array_type(e)?;
            let element = array.and_then(|t| t.strip_suffix("[]").map(str::to_owned));
            columns.push(Col {
                name: "unnest".to_owned(),
                typed: Typed {
                    sql_type: element,
                    not_null: false,
                },
            });
        }
        Ok(Output {
            scalar: columns.len() == 1,
            columns,
        })
    }

    /// The type of an array argument; `string_to_array(…)` and `regexp_split_to_array(…)` are
    /// `text[]` (the function table may not know them).
    fn array_type(&mut self, e: &Expr) -> Result<Option<String>, QueryError> {
        let typed = self.expr(e)?;
        if typed.sql_type.is_some() {
            return Ok(typed.sql_type);
        }
        if let Expr::Function(f) = e {
            let name = f.name.to_string().to_lowercase();
            if matches!(
                name.as_str(),
                "string_to_array" | "regexp_split_to_array" | "regexp_match"
            ) {
                return Ok(Some("text[]".to_owned()));
            }
        }
        Ok(None)
    }

    /// The other set-returning functions the inference knows.
    fn srf_output(
        &mut self,
        function: &str,
        exprs: &[&Expr],
        name: &ObjectName,
    ) -> Result<Output, QueryError> {
        let mut typed = Vec::new();
        for e in exprs {
            typed.push(self.expr(e)?);
        }
        let col = |name: &str, sql_type: Option<&str>, not_null: bool| Col {
            name: name.to_owned(),
            typed: Typed {
                sql_type: sql_type.map(str::to_owned),
                not_null,
            },
        };
        let scalar = |column: Col| Output {
            columns: vec![column],
            scalar: true,
        };
        let named = |columns: Vec<Col>| Output {
            columns,
            scalar: false,
        };
        // A JSON argument that is a parameter takes the function's JSON type.
        let json = |me: &mut Self, ty: &str| -> Result<(), QueryError> {
            if let Some(e) = exprs.first() {
                me.expect(e, Some(ty.to_owned()))?;
            }
            Ok(())
        };
        Ok(match function {
            "generate_series" => {
                let sql_type = self.series_type(exprs, &typed)?;
                scalar(col(function, sql_type.as_deref(), true))
            }
            "generate_subscripts" => scalar(col(function, Some("integer"), true)),
            "jsonb_array_elements" => {
                json(self, "jsonb")?;
                named(vec![col("value", Some("jsonb"), true)])
            }
            "json_array_elements" => {
                json(self, "json")?;
                named(vec![col("value", Some("json"), true)])
            }
            "jsonb_array_elements_text" | "json_array_elements_text" => {
                json(self, &function[..function.find('_').unwrap_or(0)])?;
                named(vec![col("value", Some("text"), false)])
            }
            "jsonb_each" | "json_each" => {
                let ty = &function[..function.find('_').unwrap_or(0)];
                json(self, ty)?;
                named(vec![
                    col("key", Some("text"), true),
                    col("value", Some(ty), true),
                ])
            }
            "jsonb_each_text" | "json_each_text" => {
                json(self, &function[..function.find('_').unwrap_or(0)])?;
                named(vec![
                    col("key", Some("text"), true),
                    col("value", Some("text"), false),
                ])
            }
            "jsonb_object_keys" | "json_object_keys" => {
                json(self, &function[..function.find('_').unwrap_or(0)])?;
                scalar(col(function, Some("text"), true))
            }
            "regexp_matches" => {
                for e in exprs {
                    self.expect(e, Some("text".to_owned()))?;
                }
                scalar(col(function, Some("text[]"), true))
            }
            "regexp_split_to_table" => {
                for e in exprs {
                    self.expect(e, Some("text".to_owned()))?;
                }
                scalar(col(function, Some("text"), true))
            }
            _ => {
                return Err(QueryError::new(
                    format!(
                        "the set-returning function {function} in FROM is not inferred yet \
                         (unnest, generate_series, generate_subscripts, json(b)_array_elements\
                         [_text], json(b)_each[_text], json(b)_object_keys, regexp_matches and \
                         regexp_split_to_table are): select from it in a subquery with named \
                         columns, or cast its columns"
                    ),
                    name.span(),
                ));
            }
        })
    }

    /// SQLite's table-valued `json_each(json[, path])` and `json_tree(…)`: their eight columns,
    /// of no declared type; `type`, `id`, `fullkey` and `path` are never NULL.
    fn sqlite_table_function(
        &mut self,
        function: &str,
        exprs: &[&Expr],
        name: &ObjectName,
    ) -> Result<Output, QueryError> {
        if !matches!(function, "json_each" | "json_tree") {
            return Err(QueryError::new(
                format!(
                    "the table-valued function {function} in FROM is not inferred yet (json_each \
                     and json_tree are): select from it in a subquery with named columns"
                ),
                name.span(),
            ));
        }
        for e in exprs {
            self.expect(e, Some("TEXT".to_owned()))?;
            self.expr(e)?;
        }
        let col = |name: &str, sql_type: Option<&str>, not_null: bool| Col {
            name: name.to_owned(),
            typed: Typed {
                sql_type: sql_type.map(str::to_owned),
                not_null,
            },
        };
        Ok(Output {
            columns: vec![
                col("key", None, false),
                col("value", None, false),
                col("type", Some("TEXT"), true),
                col("atom", None, false),
                col("id", Some("INTEGER"), true),
                col("parent", Some("INTEGER"), false),
                col("fullkey", Some("TEXT"), true),
                col("path", Some("TEXT"), true),
            ],
            scalar: false,
        })
    }

    /// `generate_series(start, stop[, step])`: numbers of the wider of `start` and `stop`
    /// (a parameter takes the other's type), timestamps of `start`'s type.
    fn series_type(
        &mut self,
        exprs: &[&Expr],
        typed: &[Typed],
    ) -> Result<Option<String>, QueryError> {
        let (Some(start), Some(stop)) = (typed.first(), typed.get(1)) else {
            return Ok(None);
        };
        if let (Some(a), Some(b)) = (exprs.first(), exprs.get(1)) {
            self.expect(a, stop.sql_type.clone())?;
            self.expect(b, start.sql_type.clone())?;
        }
        if let Some(step) = exprs.get(2) {
            let hint = match start.sql_type.as_deref().or(stop.sql_type.as_deref()) {
                Some(t) if t.starts_with("timestamp") => Some("interval".to_owned()),
                other => other.map(str::to_owned),
            };
            self.expect(step, hint)?;
        }
        let start = start.sql_type.as_deref().or(stop.sql_type.as_deref());
        let stop = stop.sql_type.as_deref().or(start);
        Ok(match (start, stop) {
            (Some(a), _) if a.starts_with("timestamp") => Some(a.to_owned()),
            (Some(a), Some(b)) => {
                const NUMBERS: [&str; 3] = ["integer", "bigint", "numeric"];
                let rank = |t: &str| {
                    let t = if t.starts_with("numeric") {
                        "numeric"
                    } else {
                        t
                    };
                    let t = if t == "smallint" { "integer" } else { t };
                    NUMBERS.iter().position(|n| *n == t)
                };
                match (rank(a), rank(b)) {
                    (Some(x), Some(y)) => Some(NUMBERS[x.max(y)].to_owned()),
                    _ => None,
                }
            }
            _ => None,
        })
    }

    /// The relation of a function's output: named after the alias or the function, the
    /// ordinality column added, the alias's column list applied.
    fn function_rel(
        &self,
        function: &str,
        output: Output,
        with_ordinality: bool,
        alias: Option<&TableAlias>,
    ) -> Rel {
        let mut columns = output.columns;
        let alias_name = alias.map(|a| ident_in(self.dialect, &a.name));
        if output.scalar
            && let (Some(name), [only]) = (&alias_name, columns.as_mut_slice())
        {
            only.name = name.clone();
        }
        if with_ordinality {
            columns.push(Col {
                name: "ordinality".to_owned(),
                typed: Typed::of("bigint", true),
            });
        }
        if let Some(alias) = alias {
            for (col, def) in columns.iter_mut().zip(&alias.columns) {
                col.name = ident_in(self.dialect, &def.name);
            }
        }
        Rel::of(alias_name.unwrap_or_else(|| function.to_owned()), columns)
    }
}
