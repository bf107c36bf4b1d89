//! `EXECUTE <expression>`: the command text, when the expression is built from literals only:
//! `'…'`, `$$…$$`, `||`, `format('… %I %L %s …', literal, …)`, `quote_ident`,
//! `quote_literal`, `concat`, casts, and the parameters of the routine being replayed that
//! were called with literals (`vars`).

use sqlparser::ast::{
    BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, SelectItem, SetExpr,
    Statement, Value,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::parse::{Token, tokens};

/// The SQL an `EXECUTE` runs, or why the replay cannot know it.
pub(super) fn command(expression: &str, vars: &[(String, String)]) -> Result<String, String> {
    // `EXECUTE … INTO x USING y`: only the command expression matters.
    let mut end = expression.len();
    if let Ok(toks) = tokens(expression) {
        let mut depth = 0usize;
        for t in &toks {
            match &t.token {
                Token::Open => depth += 1,
                Token::Close => depth = depth.saturating_sub(1),
                Token::Word(w) if depth == 0 && (w == "INTO" || w == "USING") => {
                    end = t.start;
                    break;
                }
                _ => {}
            }
        }
    }
    value(expression[..end].trim(), vars)
        .map_err(|why| format!("of a string built from {why}, which the replay does not know"))
}

/// The text of an expression built from literals and `vars`, or what in it is unknown.
pub(super) fn value(expression: &str, vars: &[(String, String)]) -> Result<String, String> {
    let parsed = Parser::parse_sql(&PostgreSqlDialect {}, &format!("SELECT {expression}"))
        .map_err(|e| format!("of `{expression}`: cannot read the expression ({e})"))?;
    let expr = match parsed.as_slice() {
        [Statement::Query(q)] => match q.body.as_ref() {
            SetExpr::Select(s) => match s.projection.as_slice() {
                [SelectItem::UnnamedExpr(e)] => e.clone(),
                _ => return Err(format!("of `{expression}`: cannot read the expression")),
            },
            _ => return Err(format!("of `{expression}`: cannot read the expression")),
        },
        _ => return Err(format!("of `{expression}`: cannot read the expression")),
    };
    text(&expr, vars)
}

fn text(expr: &Expr, vars: &[(String, String)]) -> Result<String, String> {
    let text = |e: &Expr| text(e, vars);
    match expr {
        Expr::Nested(e) | Expr::Cast { expr: e, .. } => text(e),
        Expr::Identifier(id) => {
            let name = if id.quote_style.is_some() {
                id.value.clone()
            } else {
                id.value.to_lowercase()
            };
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.clone())
                .ok_or_else(|| format!("`{id}`"))
        }
        Expr::Value(v) if matches!(&v.value, Value::Placeholder(_)) => {
            let Value::Placeholder(p) = &v.value else {
                unreachable!()
            };
            vars.iter()
                .find(|(n, _)| n == p)
                .map(|(_, v)| v.clone())
                .ok_or_else(|| format!("`{p}`"))
        }
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) | Value::EscapedStringLiteral(s) => Ok(s.clone()),
            Value::DollarQuotedString(d) => Ok(d.value.clone()),
            Value::Number(n, _) => Ok(n.clone()),
            other => Err(format!("the value {other}")),
        },
        Expr::BinaryOp {
            left,
            op: BinaryOperator::StringConcat,
            right,
        } => Ok(format!("{}{}", text(left)?, text(right)?)),
        Expr::Function(f) => {
            let name = f.name.to_string().to_lowercase();
            let mut args = Vec::new();
            if let FunctionArguments::List(list) = &f.args {
                for arg in &list.args {
                    let FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) = arg else {
                        return Err(format!("the call {expr}"));
                    };
                    args.push(text(e)?);
                }
            }
            match (name.as_str(), args.as_slice()) {
                ("format", [pattern, rest @ ..]) => format(pattern, rest),
                ("quote_ident", [name]) => Ok(quote_ident(name)),
                ("quote_literal", [value]) => Ok(quote_literal(value)),
                ("concat", parts) => Ok(parts.concat()),
                _ => Err(format!("the call {expr}")),
            }
        }
        other => Err(format!("`{other}`")),
    }
}

/// PostgreSQL's `format`: `%s`, `%I`, `%L`, `%%`, and `%n$…` positions.
fn format(pattern: &str, args: &[String]) -> Result<String, String> {
    let mut out = String::new();
    let mut next = 0;
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut position = String::new();
        while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            position.push(*d);
            chars.next();
        }
        let index = if position.is_empty() {
            next
        } else if chars.next_if_eq(&'$').is_some() {
            position
                .parse::<usize>()
                .map_err(|_| "a format position".to_owned())?
                - 1
        } else {
            return Err(format!("the format `{pattern}`"));
        };
        let arg = |i: usize| {
            args.get(i)
                .ok_or_else(|| format!("the format `{pattern}` (too few arguments)"))
        };
        match chars.next() {
            Some('%') if position.is_empty() => {
                out.push('%');
                continue;
            }
            Some('s') => out.push_str(arg(index)?),
            Some('I') => out.push_str(&quote_ident(arg(index)?)),
            Some('L') => out.push_str(&quote_literal(arg(index)?)),
            _ => return Err(format!("the format `{pattern}`")),
        }
        next = index + 1;
    }
    Ok(out)
}

fn quote_ident(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

fn quote_literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn execute_builds_commands_from_literals() {
        assert_eq!(
            command("'CREATE TABLE a (x int)'", &[]).unwrap(),
            "CREATE TABLE a (x int)"
        );
        assert_eq!(
            command(
                "format('CREATE TABLE %I (x int) -- %L %%', 'My T', 'it''s')",
                &[]
            )
            .unwrap(),
            "CREATE TABLE \"My T\" (x int) -- 'it''s' %"
        );
        assert_eq!(
            command(
                "'ALTER TABLE ' || quote_ident('t') || ' ADD c int' INTO x",
                &[]
            )
            .unwrap(),
            "ALTER TABLE t ADD c int"
        );
        assert_eq!(
            command("format('%2$s %1$s', 'b', 'a')", &[]).unwrap(),
            "a b"
        );
        let err = command("'DROP TABLE ' || r.name", &[]).unwrap_err();
        assert!(err.contains("of a string built from `r.name`"), "{err}");
        // A routine's parameters, bound to the literals it was called with.
        let vars = [
            ("_tbl".to_owned(), "indexes".to_owned()),
            ("$2".to_owned(), "x".to_owned()),
        ];
        assert_eq!(
            command(
                "format('DROP TRIGGER t ON %s', _tbl::text) || ' ' || $2",
                &vars
            )
            .unwrap(),
            "DROP TRIGGER t ON indexes x"
        );
        let err = command("format('ON %s', other)", &vars).unwrap_err();
        assert!(err.contains("of a string built from `other`"), "{err}");
    }
}
