//! Spellings that differ between what a migration writes and what a catalog stores: types and
//! default expressions.

use sqlparser::ast::Expr;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use crate::Dialect;

/// PostgreSQL types compare exactly (both are `format_type()` spellings); SQLite declared
/// types compare ignoring case and spaces.
pub fn same_type(dialect: Dialect, a: &str, b: &str) -> bool {
    match dialect {
        Dialect::Postgres => a == b,
        _ => {
            let squash = |s: &str| {
                s.chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_ascii_uppercase()
            };
            squash(a) == squash(b)
        }
    }
}

/// A default expression in a form that compares equal across spellings: casts (`::text`)
/// dropped, keywords lower-cased, spaces outside quotes removed, outer parentheses removed,
/// quoted numbers unquoted. `'a'::text` and `'a'` are equal; so are `(0)` and `'0'::integer`.
pub fn normalize_default(text: &str) -> String {
    normalize_default_with(text, Years::Rounded)
}

/// How an interval's fraction of a year becomes months: PostgreSQL 15 rounds it
/// (`'1.99 years'` is 2 years), 12 to 14 truncate it (1 year 11 months).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Years {
    Rounded,
    Truncated,
}

/// [`normalize_default`] with the year fractions of interval literals read as `years` says.
pub fn normalize_default_with(text: &str, years: Years) -> String {
    let mut out = String::new();
    let mut chars = text.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                // `INTERVAL '12 months'` is the literal of `'1 year'::interval`.
                let typed_interval = out.ends_with("interval");
                if typed_interval {
                    out.truncate(out.len() - "interval".len());
                }
                let start = out.len();
                out.push('\'');
                while let Some(q) = chars.next() {
                    out.push(q);
                    if q == '\'' {
                        if chars.peek() == Some(&'\'') {
                            out.push(chars.next().unwrap_or('\''));
                        } else {
                            break;
                        }
                    }
                }
                if typed_interval || followed_by_interval_cast(chars.clone()) {
                    canonical_interval(&mut out, start, years);
                }
            }
            ':' if chars.peek() == Some(&':') => {
                chars.next();
                // Skip the type name: words, spaces, dots, quotes, `[]` and a modifier (a `]`
                // that closes an ARRAY[…] is not the type's).
                let mut depth = 0usize;
                let mut brackets = 0usize;
                while let Some(&t) = chars.peek() {
                    let part_of_type = t.is_alphanumeric()
                        || matches!(t, '_' | '.' | '"' | ' ')
                        || (t == '[' && {
                            brackets += 1;
                            true
                        })
                        || (t == ']' && brackets > 0 && {
                            brackets -= 1;
                            true
                        })
                        || (t == '(' && {
                            depth += 1;
                            true
                        })
                        || (t == ')' && depth > 0 && {
                            depth -= 1;
                            true
                        });
                    if !part_of_type {
                        break;
                    }
                    chars.next();
                }
            }
            c if c.is_whitespace() => {}
            c => out.push(c.to_ascii_lowercase()),
        }
    }
    let mut s = unwrap_literals(&out);
    while s.starts_with('(') && s.ends_with(')') && balanced(&s[1..s.len() - 1]) {
        s = s[1..s.len() - 1].to_owned();
    }
    if s.len() >= 2
        && s.starts_with('\'')
        && s.ends_with('\'')
        && s[1..s.len() - 1].parse::<f64>().is_ok()
    {
        s = s[1..s.len() - 1].to_owned();
    }
    if let Some(instant) = s
        .strip_prefix('\'')
        .and_then(|x| x.strip_suffix('\''))
        .and_then(|x| midnight(x).or_else(|| clock(x)))
    {
        s = format!("'{instant}'");
    }
    // `nextval('public.users_id_seq')` (pg_dump, Rails' structure.sql) names the sequence
    // PostgreSQL prints without its default schema.
    s.replace("nextval('public.", "nextval('")
}

/// An expression (a check's, an index key's or predicate, a generated column's) with spelling
/// removed, so that the SQL as written and PostgreSQL's `pg_get_expr` / `pg_get_indexdef`
/// print compare equal: re-rendered by sqlparser (keyword case, `!=` as `<>`, `x IN (…)` as
/// PostgreSQL's `x = ANY (ARRAY[…])`), then casts, case outside quotes, spaces, parentheses
/// and identifier quotes removed. `lower((email)::text)` and `LOWER(email)` are equal.
pub(super) fn expression_key(expr: &str) -> String {
    let rendered = Parser::new(&PostgreSqlDialect {})
        .try_with_sql(expr)
        .and_then(|mut p| p.parse_expr())
        .map(|e| canonical(&e))
        .unwrap_or_else(|_| expr.to_owned());
    normalize_default(&rendered)
        .chars()
        .filter(|c| !matches!(c, '(' | ')' | '"' | '`'))
        .collect()
}

/// The expression as sqlparser prints it, with `IN` lists in PostgreSQL's spelling.
fn canonical(expr: &Expr) -> String {
    match expr {
        Expr::Nested(inner) => format!("({})", canonical(inner)),
        Expr::InList {
            expr,
            list,
            negated,
        } => {
            let items: Vec<String> = list.iter().map(canonical).collect();
            let op = if *negated { "<> ALL" } else { "= ANY" };
            format!("{} {op} (ARRAY[{}])", canonical(expr), items.join(", "))
        }
        Expr::BinaryOp { left, op, right } => {
            format!("{} {op} {}", canonical(left), canonical(right))
        }
        Expr::UnaryOp { op, expr } => format!("{op} {}", canonical(expr)),
        Expr::IsNull(e) => format!("{} IS NULL", canonical(e)),
        Expr::IsNotNull(e) => format!("{} IS NOT NULL", canonical(e)),
        other => other.to_string(),
    }
}

/// A time of day as PostgreSQL prints a `time` default: `'00:00'` is `'00:00:00'`.
fn clock(literal: &str) -> Option<String> {
    let parts: Vec<&str> = literal.split(':').collect();
    let two_digits = |p: &str| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [h, m] if two_digits(h) && two_digits(m) => Some(format!("{h}:{m}:00")),
        _ => None,
    }
}

/// `('x')` -> `'x'`, `((0))` -> `(0)`: parentheses around a lone literal say nothing
/// (PostgreSQL prints a cast argument as `(0)::double precision`).
fn unwrap_literals(s: &str) -> String {
    let mut out = unwrap_numbers(s);
    let mut from = 0;
    while let Some(at) = out[from..].find("('").map(|i| i + from) {
        let body = &out[at + 2..];
        // Not a call: `nextval('seq')` keeps its parentheses.
        let call = out[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        match body.find('\'') {
            Some(end) if !call && body[end + 1..].starts_with(')') => {
                let literal = format!("'{}'", &body[..end]);
                out.replace_range(at..at + 2 + end + 2, &literal);
                from = at + literal.len();
            }
            _ => from = at + 2,
        }
    }
    out
}

/// `f((0))` -> `f(0)`, `((-1))` -> `-1`: a number alone in parentheses that are not a call's.
fn unwrap_numbers(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let call = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if chars[i] == '(' && !call {
            let mut j = i + 1;
            if chars.get(j) == Some(&'-') {
                j += 1;
            }
            let digits = j;
            while chars
                .get(j)
                .is_some_and(|c| c.is_ascii_digit() || *c == '.')
            {
                j += 1;
            }
            if j > digits && chars.get(j) == Some(&')') {
                out.extend(&chars[i + 1..j]);
                i = j + 1;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    if out != s { unwrap_numbers(&out) } else { out }
}

/// Whether the text after a literal is `::interval`.
fn followed_by_interval_cast(mut rest: impl Iterator<Item = char>) -> bool {
    let next: String = rest.by_ref().take(10).collect();
    next.eq_ignore_ascii_case("::interval")
        && rest
            .next()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
}

/// Rewrites the interval literal at `out[start..]` as PostgreSQL keeps an interval: months,
/// days and microseconds, each a whole number (`'12 months'`, `'1 year'` and `'1 yr'` are
/// equal; `'1.5 days'` is `'1 day 12:00:00'`; `'-90 minutes'` is `'-01:30:00'`). Text it cannot
/// read is left as it is.
fn canonical_interval(out: &mut String, start: usize, years: Years) {
    let text = out[start..].trim_matches('\'').to_ascii_lowercase();
    let Some((months, days, micros)) = interval_parts(&text, years) else {
        return;
    };
    out.truncate(start);
    out.push_str(&format!("'{months}mo{days}d{micros}us'"));
}

/// PostgreSQL's reading of an interval's text (its `DecodeInterval`, for the usual forms):
/// fractions of years become months, of months and weeks days, of days time.
fn interval_parts(text: &str, years: Years) -> Option<(i64, i64, i64)> {
    let (mut months, mut days, mut micros) = (0f64, 0f64, 0f64);
    let mut words = text.split_whitespace().peekable();
    let mut ago = false;
    while let Some(word) = words.next() {
        if word == "ago" {
            ago = true;
            continue;
        }
        if word.contains(':') {
            let (sign, clock) = match word.strip_prefix('-') {
                Some(rest) => (-1.0, rest),
                None => (1.0, word.strip_prefix('+').unwrap_or(word)),
            };
            let parts: Vec<f64> = clock
                .split(':')
                .map(|p| p.parse::<f64>().ok())
                .collect::<Option<_>>()?;
            let seconds = match parts.as_slice() {
                [h, m] => h * 3600.0 + m * 60.0,
                [h, m, s] => h * 3600.0 + m * 60.0 + s,
                _ => return None,
            };
            micros += sign * seconds * 1e6;
            continue;
        }
        let n: f64 = word.parse().ok()?;
        // A bare number is seconds.
        let unit = words.next().unwrap_or("second");
        match unit {
            "year" | "years" | "yr" | "yrs" | "y" => {
                months += match years {
                    Years::Rounded => (n * 12.0).round(),
                    Years::Truncated => (n * 12.0).trunc(),
                }
            }
            "month" | "months" | "mon" | "mons" => {
                months += n.trunc();
                days += n.fract() * 30.0;
            }
            "week" | "weeks" | "w" => days += n * 7.0,
            "day" | "days" | "d" => days += n,
            "hour" | "hours" | "hr" | "hrs" | "h" => micros += n * 3600e6,
            "minute" | "minutes" | "min" | "mins" | "m" => micros += n * 60e6,
            "second" | "seconds" | "sec" | "secs" | "s" => micros += n * 1e6,
            "millisecond" | "milliseconds" | "msec" | "msecs" | "ms" => micros += n * 1e3,
            "microsecond" | "microseconds" | "usec" | "usecs" | "us" => micros += n,
            _ => return None,
        }
    }
    // Fractions of a day become time (at a microsecond's precision: 0.3 months is 9 days).
    let days = (days * 86_400e6).round() / 86_400e6;
    micros += days.fract() * 86_400e6;
    let days = days.trunc();
    let sign = if ago { -1.0 } else { 1.0 };
    Some((
        (sign * months) as i64,
        (sign * days) as i64,
        (sign * micros).round() as i64,
    ))
}

/// PostgreSQL stores a date or timestamp literal default evaluated: `'epoch'` and
/// `'1970-01-01'` become `'1970-01-01 00:00:00'` (`+00` on a `timestamptz`, in a UTC
/// session). Midnight of a day, in any of those spellings -> `yyyy-mm-dd 00:00:00`.
fn midnight(literal: &str) -> Option<String> {
    if literal.eq_ignore_ascii_case("epoch") {
        return Some("1970-01-01 00:00:00".to_owned());
    }
    let day = literal.get(..10)?;
    let is_day = day.char_indices().all(|(i, c)| match i {
        4 | 7 => c == '-',
        _ => c.is_ascii_digit(),
    });
    let rest = literal[10..].to_ascii_lowercase();
    let midnight = matches!(
        rest.as_str(),
        "" | " 00:00:00" | "t00:00:00" | " 00:00:00+00" | " 00:00:00+00:00" | " 00:00:00z"
    );
    (is_day && midnight).then(|| format!("{day} 00:00:00"))
}

fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_compare_across_spellings() {
        let n = normalize_default;
        assert_eq!(n("'a'::text"), n("'a'"));
        assert_eq!(n("'todo'::task_status"), n("'todo'"));
        assert_eq!(n("'x'::character varying"), n("'x'"));
        assert_eq!(
            n("nextval('users_id_seq'::regclass)"),
            "nextval('users_id_seq')"
        );
        assert_eq!(n("(0)"), n("'0'::integer"));
        assert_eq!(n("'-1'::integer"), n("-1"));
        assert_eq!(n("FALSE"), n("false"));
        assert_eq!(n("(strftime('%s','now'))"), n("strftime('%s', 'now')"));
        assert_eq!(n("'{}'::jsonb"), n("'{}'"));
        assert_eq!(n("ARRAY['USER'::\"Role\"]"), n("ARRAY['USER']::\"Role\"[]"));
        assert_eq!(n("ARRAY['a'::text]"), "array['a']");
        assert_ne!(n("'A'"), n("'a'"), "quoted text keeps its case");
        assert_eq!(n("'It''s'::text"), "'it''s'".replace("it", "It"));
        assert_eq!(
            n("'1970-01-01 00:00:00'::timestamp without time zone"),
            n("'1970-01-01'")
        );
        assert_eq!(
            n("'1970-01-01 00:00:00+00'::timestamp with time zone"),
            n("'epoch'")
        );
        assert_ne!(n("'1970-01-02'"), n("'epoch'"));
        assert_ne!(n("'1970-01-01 10:00:00'"), n("'1970-01-01'"));
        assert_eq!(
            n("(now() - (random() * '1 year'::interval))"),
            n("(now() - (random() * (INTERVAL '12 months')))")
        );
        assert_eq!(
            n("'1 day 02:00:00'::interval"),
            n("INTERVAL '1 day 2 hours'")
        );
        assert_ne!(n("'1 day'::interval"), n("INTERVAL '1 month'"));
        assert_ne!(n("'1 day'::text"), n("'24 hours'::text"), "only intervals");
        for (written, stored) in [
            ("'-90 minutes'::interval", "'-01:30:00'::interval"),
            ("INTERVAL '1.5 days'", "'1 day 12:00:00'::interval"),
            ("'1.5 months'::interval", "'1 mon 15 days'::interval"),
            ("'500 ms'::INTERVAL", "'00:00:00.5'::interval"),
            ("'2 hours ago'::interval", "'-02:00:00'::interval"),
            ("'1.5 years'::interval", "'1 year 6 mons'::interval"),
            ("'1.99 years'::interval", "'2 years'::interval"),
            ("'2.3 months'::interval", "'2 mons 9 days'::interval"),
            ("'0'::interval", "'00:00:00'::interval"),
            ("'3600'::interval", "'01:00:00'::interval"),
        ] {
            assert_eq!(n(written), n(stored), "{written}");
        }
        // PostgreSQL 12 to 14 truncate a year's fraction to months.
        let old = |t| normalize_default_with(t, Years::Truncated);
        assert_eq!(
            old("'1.99 years'::interval"),
            old("'1 year 11 mons'::interval")
        );
        assert_ne!(n("'1.99 years'::interval"), n("'1 year 11 mons'::interval"));
        assert_ne!(n("INTERVAL '5 ms'"), n("'00:05:00'::interval"));
        assert_eq!(
            n("nextval('public.users_id_seq'::REGCLASS)"),
            n("nextval('users_id_seq'::regclass)")
        );
        assert_eq!(n("'00:00'"), n("'00:00:00'::time without time zone"));
        assert_eq!(
            n("TO_TIMESTAMP(0)"),
            n("to_timestamp((0)::double precision)")
        );
        assert_eq!(n("round(1.5)"), n("round((1.5)::numeric)"));
        assert_ne!(n("f(1)"), n("f(10)"));
        assert_eq!(n("NULL::character varying"), "null");
    }

    #[test]
    fn expressions_compare_as_written_and_as_postgresql_prints_them() {
        let k = expression_key;
        assert_eq!(k("lower((email)::text)"), k("LOWER(email)"));
        assert_eq!(k("(deleted_at IS NULL)"), k("deleted_at is null"));
        assert_eq!(
            k(
                "((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))"
            ),
            k("status IN ('a', 'b')")
        );
        assert_eq!(k("(a <> 0)"), k("a != 0"));
        assert_ne!(k("lower(email)"), k("upper(email)"));
        assert_ne!(k("(a > 0)"), k("a >= 0"));
        assert_ne!(k("status IN ('a')"), k("status IN ('b')"));
    }

    #[test]
    fn sqlite_types_ignore_case_and_spaces() {
        assert!(same_type(Dialect::Sqlite, "varchar( 20 )", "VARCHAR(20)"));
        assert!(!same_type(Dialect::Postgres, "integer", "bigint"));
    }
}
