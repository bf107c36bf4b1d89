//! Functions the migrations create (PostgreSQL): `CREATE [OR REPLACE] FUNCTION`, `DROP
//! FUNCTION [IF EXISTS]`, `ALTER FUNCTION … RENAME TO / SET SCHEMA / STRICT`, recorded in
//! [`Schema::functions`](crate::schema::Schema) with their declared types, for the checked
//! queries. (Replaying the bodies when a migration calls them is [`super::super::plpgsql`]'s.)
//!
//! sqlparser reads the header (name, arguments, `RETURNS`) but not every option after it
//! (`COST`, `LEAKPROOF`, `BEGIN ATOMIC`), so the header is cut at the first option and parsed
//! alone; `STRICT` and `RETURNS NULL ON NULL INPUT` are read from the options' words.

use sqlparser::ast::{
    AlterFunctionAction, AlterFunctionOperation, ArgMode, DataType, FunctionCalledOnNull,
    FunctionDesc, FunctionReturnType, OperateFunctionArg, Statement as Ast,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::super::plpgsql::parse::{Token, tokens};
use super::Run;
use crate::Dialect;
use crate::replay::types::normalize;
use crate::schema::{Function, Name};

/// The words that open a `CREATE FUNCTION` option: the header ends before the first.
const OPTIONS: &[&str] = &[
    "LANGUAGE",
    "AS",
    "IMMUTABLE",
    "STABLE",
    "VOLATILE",
    "STRICT",
    "CALLED",
    "SECURITY",
    "EXTERNAL",
    "COST",
    "ROWS",
    "SUPPORT",
    "SET",
    "PARALLEL",
    "LEAKPROOF",
    "NOT",
    "WINDOW",
    "TRANSFORM",
    "BEGIN",
    "RETURNS",
];

impl Run<'_> {
    /// `CREATE [OR REPLACE] FUNCTION …`: records its signature (a procedure has none to
    /// record). A header sqlparser cannot read leaves the function unknown: its calls are
    /// then of unknown type, as before.
    pub(super) fn create_function(&mut self, sql: &str) {
        let Some((header, options)) = split_header(sql) else {
            return;
        };
        let Ok(parsed) = Parser::parse_sql(&PostgreSqlDialect {}, header) else {
            return;
        };
        let [Ast::CreateFunction(create)] = parsed.as_slice() else {
            return;
        };
        let name = self.name(&create.name);
        let args = create.args.clone().unwrap_or_default();
        let inputs: Vec<&OperateFunctionArg> = args.iter().filter(|a| is_input(a)).collect();
        let outs: Vec<(String, String)> = args
            .iter()
            .filter(|a| matches!(a.mode, Some(ArgMode::Out | ArgMode::InOut)))
            .map(|a| {
                let name = a.name.as_ref().map(|n| self.ident(n)).unwrap_or_default();
                (name, arg_type(&a.data_type))
            })
            .collect();
        let (returns, returns_set, out_columns) = match &create.return_type {
            Some(FunctionReturnType::DataType(DataType::Table(columns))) => {
                let columns = columns.iter().flatten();
                let columns = columns
                    .map(|c| (self.ident(&c.name), arg_type(&c.data_type)))
                    .collect();
                ("record".to_owned(), true, columns)
            }
            Some(FunctionReturnType::DataType(t)) => (arg_type(t), false, outs),
            Some(FunctionReturnType::SetOf(t)) => (arg_type(t), true, outs),
            // OUT arguments only: one is the result type, several make a record.
            None => match outs.as_slice() {
                [] => return,
                [(_, t)] => (t.clone(), false, outs),
                _ => ("record".to_owned(), false, outs),
            },
        };
        let function = Function {
            name,
            args: inputs.iter().map(|a| arg_type(&a.data_type)).collect(),
            defaults: inputs
                .iter()
                .rev()
                .take_while(|a| a.default_expr.is_some())
                .count(),
            variadic: inputs
                .last()
                .is_some_and(|a| a.mode == Some(ArgMode::Variadic)),
            returns,
            returns_set,
            out_columns,
            strict: strict(&options),
            origin: self.origin(),
        };
        let same = self
            .schema
            .functions
            .iter()
            .position(|f| same_signature(self.dialect, f, &function.name, &function.args));
        match same {
            Some(i) if create.or_replace => self.schema.functions[i] = function,
            Some(i) => {
                let at = self.schema.functions[i].origin.clone();
                self.error(format!(
                    "function {}({}) already exists with the same argument types (created at \
                     {at}); write CREATE OR REPLACE FUNCTION to replace it",
                    function.name,
                    function.args.join(", ")
                ));
            }
            None => self.schema.functions.push(function),
        }
    }

    /// `DROP FUNCTION …` and `ALTER FUNCTION …`: `true` when `sql` is one (handled here).
    pub(super) fn drop_or_alter_function(&mut self, sql: &str) -> bool {
        let Ok(parsed) = Parser::parse_sql(&PostgreSqlDialect {}, sql) else {
            return false;
        };
        match parsed.as_slice() {
            [Ast::DropFunction(drop)] => {
                for desc in &drop.func_desc {
                    match self.function_of(desc) {
                        Ok(Some(i)) => {
                            self.schema.functions.remove(i);
                        }
                        Ok(None) => {}
                        Err(message) => self.error(message),
                    }
                }
                true
            }
            [Ast::AlterFunction(alter)] => {
                let i = match self.function_of(&alter.function) {
                    Ok(Some(i)) => i,
                    Ok(None) => return true,
                    Err(message) => {
                        self.error(message);
                        return true;
                    }
                };
                let origin = self.origin();
                let target_schema = match &alter.operation {
                    AlterFunctionOperation::SetSchema { schema_name } => {
                        Some(self.name(schema_name).name)
                    }
                    _ => None,
                };
                let function = &mut self.schema.functions[i];
                match &alter.operation {
                    AlterFunctionOperation::RenameTo { new_name } => {
                        function.name.name = super::ident_in(Dialect::Postgres, new_name);
                        function.origin = origin;
                    }
                    AlterFunctionOperation::SetSchema { .. } => {
                        function.name.schema = target_schema;
                        function.origin = origin;
                    }
                    AlterFunctionOperation::Actions { actions, .. } => {
                        for action in actions {
                            if let AlterFunctionAction::CalledOnNull(called) = action {
                                function.strict =
                                    !matches!(called, FunctionCalledOnNull::CalledOnNullInput);
                            }
                        }
                    }
                    _ => {}
                }
                true
            }
            _ => false,
        }
    }

    /// The recorded function `desc` names: by name and, when written, input argument types.
    /// `None` when none is recorded (PostgreSQL fails then, unless `IF EXISTS`; but a function
    /// may come from an extension or have a header the replay cannot read, so it stays
    /// silent); an error message (what is wrong, what to do) when several match a name
    /// written without argument types.
    fn function_of(&self, desc: &FunctionDesc) -> Result<Option<usize>, String> {
        let name = self.name(&desc.name);
        let args: Option<Vec<String>> = desc.args.as_ref().map(|args| {
            args.iter()
                .filter(|a| is_input(a))
                .map(|a| arg_type(&a.data_type))
                .collect()
        });
        let found: Vec<usize> = self
            .schema
            .functions
            .iter()
            .enumerate()
            .filter(|(_, f)| match &args {
                Some(args) => same_signature(self.dialect, f, &name, args),
                None => self.schema.same_name(&f.name, &name),
            })
            .map(|(i, _)| i)
            .collect();
        match found.as_slice() {
            [] => Ok(None),
            [i] => Ok(Some(*i)),
            _ => Err(format!(
                "function name {name} is not unique ({}); write its argument types: \
                 DROP FUNCTION {name}(…)",
                self.functions_named(&name)
            )),
        }
    }

    /// `f(integer) at m/1.sql:3, f(text) at …`.
    fn functions_named(&self, name: &Name) -> String {
        let all: Vec<String> = self
            .schema
            .functions
            .iter()
            .filter(|f| self.schema.same_name(&f.name, name))
            .map(|f| format!("{}({}) at {}", f.name, f.args.join(", "), f.origin))
            .collect();
        all.join(", ")
    }
}

/// An input argument: IN (or no mode), INOUT, VARIADIC.
fn is_input(arg: &OperateFunctionArg) -> bool {
    !matches!(arg.mode, Some(ArgMode::Out))
}

/// An argument's or result's type as `format_type()` spells it in a function's signature:
/// normalised as a column's, without the type modifier (PostgreSQL keeps none for them).
fn arg_type(data_type: &DataType) -> String {
    let full = normalize(Dialect::Postgres, &data_type.to_string()).sql_type;
    let mut out = String::new();
    let mut depth = 0usize;
    for c in full.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" []", "[]")
}

/// Same name and same input argument types.
fn same_signature(dialect: Dialect, f: &Function, name: &Name, args: &[String]) -> bool {
    super::same_name(dialect, &f.name, name) && f.args == args
}

/// The header (`CREATE … FUNCTION name(args) [RETURNS type]`) and the upper-cased words of
/// the options after it (a quoted body is no word; a `BEGIN ATOMIC` body ends them).
fn split_header(sql: &str) -> Option<(&str, Vec<String>)> {
    let toks = tokens(sql).ok()?;
    let mut depth = 0usize;
    let mut seen_args = false;
    let mut seen_returns = false;
    for (i, t) in toks.iter().enumerate() {
        match &t.token {
            Token::Open => depth += 1,
            Token::Close => {
                depth = depth.saturating_sub(1);
                seen_args |= depth == 0;
            }
            Token::Word(w) if depth == 0 && seen_args => {
                if w == "RETURNS" && !seen_returns {
                    seen_returns = true;
                } else if OPTIONS.contains(&w.as_str()) {
                    let words = toks[i..]
                        .iter()
                        .filter_map(|t| match &t.token {
                            Token::Word(w) => Some(w.clone()),
                            _ => None,
                        })
                        .take_while(|w| w != "BEGIN")
                        .collect();
                    return Some((&sql[..t.start], words));
                }
            }
            _ => {}
        }
    }
    Some((sql, Vec::new()))
}

/// `STRICT` or `RETURNS NULL ON NULL INPUT` among the options.
fn strict(options: &[String]) -> bool {
    options.iter().any(|w| w == "STRICT")
        || options
            .windows(5)
            .any(|w| w.join(" ") == "RETURNS NULL ON NULL INPUT")
}
