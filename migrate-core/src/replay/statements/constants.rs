//! Constants as PostgreSQL stores them: a default the database would not keep (`DEFAULT
//! NULL`), and boolean literals in their canonical spelling.

use crate::Dialect;

/// The default PostgreSQL keeps for `DEFAULT <expr>` on a column of `sql_type`.
pub(super) fn stored_default(dialect: Dialect, sql_type: &str, expr: String) -> Option<String> {
    // PostgreSQL keeps no `DEFAULT NULL`; SQLite reports it as written.
    if dialect == Dialect::Postgres && expr.eq_ignore_ascii_case("NULL") {
        return None;
    }
    if dialect == Dialect::Postgres && sql_type == "boolean" {
        let bare = expr
            .trim_end_matches("::boolean")
            .trim_matches('\'')
            .to_ascii_lowercase();
        return Some(match bare.as_str() {
            "t" | "true" | "y" | "yes" | "on" | "1" => "true".to_owned(),
            "f" | "false" | "n" | "no" | "off" | "0" => "false".to_owned(),
            _ => expr,
        });
    }
    let interval = sql_type.starts_with("interval") && !sql_type.ends_with("[]");
    if dialect == Dialect::Postgres && interval && is_literal(&expr) {
        // PostgreSQL stores a literal default cast to the column's type.
        return Some(format!("{expr}::interval"));
    }
    Some(expr)
}

/// `'…'`, one single-quoted literal and nothing else.
fn is_literal(expr: &str) -> bool {
    let Some(inner) = expr.strip_prefix('\'').and_then(|e| e.strip_suffix('\'')) else {
        return false;
    };
    !inner.replace("''", "").contains('\'')
}

#[cfg(test)]
mod tests {
    use super::stored_default;
    use crate::Dialect;

    #[test]
    fn null_defaults_vanish_and_booleans_are_canonical() {
        let pg = |t: &str, e: &str| stored_default(Dialect::Postgres, t, e.to_owned());
        assert_eq!(pg("text", "NULL"), None);
        assert_eq!(
            stored_default(Dialect::Sqlite, "TEXT", "NULL".into()).as_deref(),
            Some("NULL")
        );
        assert_eq!(pg("boolean", "'f'").as_deref(), Some("false"));
        assert_eq!(pg("boolean", "'t'::boolean").as_deref(), Some("true"));
        assert_eq!(pg("boolean", "FALSE").as_deref(), Some("false"));
        assert_eq!(pg("text", "'f'").as_deref(), Some("'f'"));
        assert_eq!(
            pg("interval", "'1 day'").as_deref(),
            Some("'1 day'::interval")
        );
        assert_eq!(
            pg("interval", "now() - now()").as_deref(),
            Some("now() - now()")
        );
        assert_eq!(
            stored_default(Dialect::Sqlite, "BOOLEAN", "'f'".into()).as_deref(),
            Some("'f'")
        );
    }
}
