//! A string literal where an enum value is expected (`status = 'pending'`, `IN (…)`,
//! `VALUES (…)`, `SET status = '…'`, `'…'::task_status`) must be one of the enum's labels:
//! PostgreSQL refuses any other (`invalid input value for enum`) when the query runs, so the
//! build refuses it first.

use sqlparser::ast::{Expr, Value};

use super::user_types::enum_type;
use super::{Infer, QueryError};
use crate::suggest;

impl Infer<'_> {
    /// Fails when `expr` is a string literal and `expected` an enum type without that label.
    pub(crate) fn check_enum_label(
        &self,
        expr: &Expr,
        expected: Option<&str>,
    ) -> Result<(), QueryError> {
        let Expr::Value(v) = expr else { return Ok(()) };
        let label = match &v.value {
            Value::SingleQuotedString(s) | Value::EscapedStringLiteral(s) => s.as_str(),
            Value::DollarQuotedString(d) => d.value.as_str(),
            _ => return Ok(()),
        };
        let Some(ty) = expected.and_then(|t| enum_type(self.schema, t)) else {
            return Ok(());
        };
        let labels: Vec<&str> = ty.labels.iter().map(|l| l.name.as_str()).collect();
        if labels.contains(&label) {
            return Ok(());
        }
        let quoted: Vec<String> = labels.iter().map(|l| format!("'{l}'")).collect();
        let listed = match quoted.as_slice() {
            [] => "it has no labels".to_owned(),
            _ => format!("its labels are {}", quoted.join(", ")),
        };
        let hint = match suggest::spelling_of(label, labels.iter().copied()) {
            Some(close) => format!("; did you mean '{close}'?"),
            None => String::new(),
        };
        Err(QueryError::new(
            format!(
                "enum {} has no label '{label}' ({}); {listed}{hint}",
                ty.name, ty.origin
            ),
            v.span,
        ))
    }
}
