//! Domains: `CREATE DOMAIN`'s `NOT NULL` (which sqlparser does not read), and `ALTER DOMAIN`
//! (which it does not know), read here from the statement's words.
//!
//! The model keeps a domain's name, base type and nullability; its checks and default are not
//! modelled, so `ALTER DOMAIN … ADD/DROP/RENAME/VALIDATE CONSTRAINT`, `SET/DROP DEFAULT` and
//! `OWNER TO` change nothing in it.

use super::Run;
use super::renames::words;
use crate::schema::Name;

impl Run<'_> {
    /// `ALTER DOMAIN name …`.
    pub(super) fn alter_domain(&mut self, sql: &str) {
        let words = words(sql);
        let upper: Vec<String> = words.iter().map(|w| w.to_ascii_uppercase()).collect();
        let u = |i: usize| upper.get(i).map(String::as_str).unwrap_or("");
        let Some(name) = words.get(2).and_then(|w| self.parse_name(w)) else {
            return self.error("cannot read the domain's name in `ALTER DOMAIN`");
        };
        let Some(at) = self
            .schema
            .domains
            .iter()
            .position(|d| self.schema.same_name(&d.name, &name))
        else {
            return self.error(format!(
                "there is no domain {name} at this point (CREATE DOMAIN makes one)"
            ));
        };
        match (u(3), u(4), u(5)) {
            ("SET", "NOT", "NULL") => self.schema.domains[at].not_null = true,
            ("DROP", "NOT", "NULL") => self.schema.domains[at].not_null = false,
            ("SET" | "DROP", "DEFAULT", _)
            | ("ADD" | "DROP" | "VALIDATE", _, _)
            | ("RENAME", "CONSTRAINT", _)
            | ("OWNER", "TO", _) => {}
            ("RENAME", "TO", _) if words.len() == 6 => {
                let Some(new) = self.parse_name(&words[5]) else {
                    return self.error("cannot read the new name in `ALTER DOMAIN … RENAME TO`");
                };
                let renamed = Name {
                    schema: name.schema.clone(),
                    name: new.name,
                };
                self.move_domain(at, renamed);
            }
            ("SET", "SCHEMA", _) if words.len() == 6 => {
                let Some(schema) = self.parse_name(&words[5]) else {
                    return self.error("cannot read the schema in `ALTER DOMAIN … SET SCHEMA`");
                };
                let moved = Name {
                    schema: Some(schema.name),
                    name: name.name.clone(),
                };
                self.move_domain(at, moved);
            }
            _ => self.error(format!(
                "`ALTER DOMAIN {name} {}` is not understood by the schema replay",
                words[3..].join(" ")
            )),
        }
    }

    /// Renames (or moves) domain number `at`; the columns of that type follow, as PostgreSQL
    /// prints their type (`format_type`: qualified outside `public`).
    fn move_domain(&mut self, at: usize, new: Name) {
        if self
            .schema
            .domains
            .iter()
            .any(|d| self.schema.same_name(&d.name, &new))
        {
            return self.error(format!("type {new} already exists"));
        }
        let old = std::mem::replace(&mut self.schema.domains[at].name, new.clone());
        let (from, to) = (old.to_string(), new.to_string());
        let retype = |sql_type: &mut String| {
            if let Some(rest) = sql_type.strip_prefix(from.as_str())
                && (rest.is_empty() || rest.starts_with('['))
            {
                *sql_type = format!("{to}{rest}");
            }
        };
        for table in &mut self.schema.tables {
            table
                .columns
                .iter_mut()
                .for_each(|c| retype(&mut c.sql_type));
        }
        for view in &mut self.schema.views {
            for c in view.columns.iter_mut().flatten() {
                retype(&mut c.sql_type);
            }
        }
    }
}

/// `CREATE DOMAIN d AS t [CONSTRAINT c] NOT NULL CHECK (VALUE IS NOT NULL)`: whether the domain
/// is `NOT NULL`, and the statement without its `[CONSTRAINT c] NOT NULL` / `NULL`
/// constraints (sqlparser reads neither). Only words outside parentheses and quotes count:
/// `VALUE IS NOT NULL` in a check is the check's.
pub(super) fn take_not_null(sql: &str) -> (String, bool) {
    let spans = top_level_words(sql);
    let word = |i: usize| {
        spans
            .get(i)
            .map(|&(s, e)| sql[s..e].to_ascii_uppercase())
            .unwrap_or_default()
    };
    let mut remove: Vec<(usize, usize)> = Vec::new();
    let mut not_null = false;
    let mut i = 0;
    while i < spans.len() {
        let (start, end, next) = match (word(i).as_str(), word(i + 1).as_str()) {
            ("NOT", "NULL") => {
                not_null = true;
                (spans[i].0, spans[i + 1].1, i + 2)
            }
            ("NULL", _) if word(i.wrapping_sub(1)) != "DEFAULT" => (spans[i].0, spans[i].1, i + 1),
            _ => {
                i += 1;
                continue;
            }
        };
        // A name given to the constraint goes with it.
        let start = match i.checked_sub(2) {
            Some(c) if word(c) == "CONSTRAINT" => spans[c].0,
            _ => start,
        };
        remove.push((start, end));
        i = next;
    }
    let mut out = String::with_capacity(sql.len());
    let mut at = 0;
    for (start, end) in remove {
        out.push_str(&sql[at..start]);
        at = end;
    }
    out.push_str(&sql[at..]);
    (out, not_null)
}

/// The byte spans of the words outside parentheses, quotes and comments.
fn top_level_words(sql: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None::<char>, None::<usize>);
    for (i, c) in sql.char_indices() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        let in_word = c.is_alphanumeric() || c == '_';
        if in_word && depth == 0 {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            spans.push((s, i));
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, sql.len()));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_null_outside_checks_is_the_domains() {
        let (sql, not_null) =
            take_not_null("CREATE DOMAIN d AS text NOT NULL CHECK (VALUE IS NOT NULL)");
        assert!(not_null);
        assert_eq!(sql, "CREATE DOMAIN d AS text  CHECK (VALUE IS NOT NULL)");
        let (sql, not_null) = take_not_null("CREATE DOMAIN d AS text CHECK (VALUE IS NOT NULL)");
        assert!(!not_null);
        assert_eq!(sql, "CREATE DOMAIN d AS text CHECK (VALUE IS NOT NULL)");
        let (sql, not_null) = take_not_null(
            "CREATE DOMAIN d AS int CONSTRAINT nn NOT NULL DEFAULT NULL CHECK (VALUE > 0) NULL",
        );
        assert!(not_null);
        assert_eq!(
            sql,
            "CREATE DOMAIN d AS int  DEFAULT NULL CHECK (VALUE > 0) "
        );
        let (_, not_null) = take_not_null("CREATE DOMAIN \"NOT NULL\" AS text");
        assert!(!not_null);
    }
}
