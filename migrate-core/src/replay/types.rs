//! Type names as the database names them: PostgreSQL's `format_type()` spelling, SQLite's
//! declared type (upper-cased, whitespace collapsed).

use crate::Dialect;

/// MySQL: the labels of an `enum(…)` or `set(…)` column type, in order (`None` for other
/// types).
pub use super::statements::mysql::types::labels as mysql_labels;

/// A column type after normalisation, and whether it was a PostgreSQL `serial` (which also
/// means NOT NULL and a sequence default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// The type as PostgreSQL's `format_type()` (or SQLite's declaration) spells it.
    pub sql_type: String,
    /// Whether it was written `serial`/`bigserial`/`smallserial`.
    pub serial: bool,
}

/// Normalises a type as sqlparser prints it (`INT`, `VARCHAR(320)`, `TIMESTAMPTZ`, `TEXT[]`).
pub fn normalize(dialect: Dialect, written: &str) -> Normalized {
    let collapsed = written.split_whitespace().collect::<Vec<_>>().join(" ");
    match dialect {
        Dialect::Postgres => postgres(&collapsed),
        Dialect::Mysql => Normalized {
            sql_type: super::statements::mysql::types::normalize(&collapsed),
            serial: false,
        },
        _ => Normalized {
            sql_type: collapsed.to_ascii_uppercase(),
            serial: false,
        },
    }
}

fn postgres(t: &str) -> Normalized {
    // The SQL-standard spelling: `INTEGER ARRAY`, `INTEGER ARRAY[4]` (PostgreSQL's `integer[]`).
    let upper = t.to_ascii_uppercase();
    let standard = upper.strip_suffix(" ARRAY").map(str::len).or_else(|| {
        upper
            .strip_suffix(']')
            .and_then(|rest| rest.rfind(" ARRAY["))
            .filter(|&at| {
                upper[at + " ARRAY[".len()..upper.len() - 1]
                    .bytes()
                    .all(|b| b.is_ascii_digit())
            })
    });
    if let Some(end) = standard {
        let inner = postgres(t[..end].trim_end());
        return Normalized {
            sql_type: format!("{}[]", inner.sql_type),
            serial: false,
        };
    }
    if let Some(element) = t.strip_suffix("[]") {
        let inner = postgres(element.trim_end());
        return Normalized {
            sql_type: format!("{}[]", inner.sql_type),
            serial: false,
        };
    }
    // Quoted names keep their case and quotes; everything else compares lower-cased.
    if t.starts_with('"') {
        return Normalized {
            sql_type: t.to_owned(),
            serial: false,
        };
    }
    let lower = t.to_ascii_lowercase();
    let (base, modifier) = match (lower.find('('), lower.rfind(')')) {
        (Some(open), Some(close)) if close > open => (
            format!("{}{}", lower[..open].trim_end(), &lower[close + 1..]),
            Some(lower[open..=close].replace(' ', "")),
        ),
        _ => (lower.clone(), None),
    };
    let base = base.trim();
    let serial = |t: &str| Normalized {
        sql_type: t.to_owned(),
        serial: true,
    };
    let plain = |t: &str| Normalized {
        sql_type: t.to_owned(),
        serial: false,
    };
    let with_mod = |t: &str| match &modifier {
        Some(m) => plain(&format!("{t}{m}")),
        None => plain(t),
    };
    match base {
        "int" | "integer" | "int4" => plain("integer"),
        "smallint" | "int2" => plain("smallint"),
        "bigint" | "int8" => plain("bigint"),
        "serial" | "serial4" => serial("integer"),
        "bigserial" | "serial8" => serial("bigint"),
        "smallserial" | "serial2" => serial("smallint"),
        "real" | "float4" => plain("real"),
        "double precision" | "float8" | "double" => plain("double precision"),
        "float" => match modifier
            .as_deref()
            .and_then(|m| m.trim_matches(['(', ')']).parse::<u32>().ok())
        {
            Some(p) if p <= 24 => plain("real"),
            _ => plain("double precision"),
        },
        "numeric" | "decimal" | "dec" => with_mod("numeric"),
        "boolean" | "bool" => plain("boolean"),
        "text" => plain("text"),
        "varchar" | "character varying" | "char varying" => with_mod("character varying"),
        "char" | "character" | "bpchar" => match &modifier {
            Some(m) => plain(&format!("character{m}")),
            None if base == "bpchar" => plain("bpchar"),
            None => plain("character(1)"),
        },
        "time" | "time without time zone" => time("time", modifier.as_deref(), false),
        "timetz" | "time with time zone" => time("time", modifier.as_deref(), true),
        "timestamp" | "timestamp without time zone" => {
            time("timestamp", modifier.as_deref(), false)
        }
        "timestamptz" | "timestamp with time zone" => time("timestamp", modifier.as_deref(), true),
        "bit varying" | "varbit" => with_mod("bit varying"),
        "bit" => match &modifier {
            Some(m) => plain(&format!("bit{m}")),
            None => plain("bit(1)"),
        },
        _ => with_mod(base),
    }
}

fn time(kind: &str, modifier: Option<&str>, tz: bool) -> Normalized {
    let zone = if tz {
        "with time zone"
    } else {
        "without time zone"
    };
    let sql_type = match modifier {
        Some(m) => format!("{kind}{m} {zone}"),
        None => format!("{kind} {zone}"),
    };
    Normalized {
        sql_type,
        serial: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg(t: &str) -> String {
        normalize(Dialect::Postgres, t).sql_type
    }

    #[test]
    fn postgres_spellings() {
        assert_eq!(pg("INT"), "integer");
        assert_eq!(pg("INT8"), "bigint");
        assert_eq!(pg("VARCHAR(320)"), "character varying(320)");
        assert_eq!(pg("CHARACTER VARYING"), "character varying");
        assert_eq!(pg("TIMESTAMPTZ"), "timestamp with time zone");
        assert_eq!(pg("TIMESTAMP(3)"), "timestamp(3) without time zone");
        assert_eq!(pg("TEXT[]"), "text[]");
        assert_eq!(pg("INTEGER[][]"), "integer[][]");
        // kitsune's `capabilities INTEGER ARRAY NOT NULL`.
        assert_eq!(pg("INTEGER ARRAY"), "integer[]");
        assert_eq!(pg("int array[4]"), "integer[]");
        assert_eq!(pg("VARCHAR(20) ARRAY"), "character varying(20)[]");
        assert_eq!(pg("DECIMAL(10, 2)"), "numeric(10,2)");
        assert_eq!(pg("FLOAT"), "double precision");
        assert_eq!(pg("FLOAT(10)"), "real");
        assert_eq!(pg("CHAR"), "character(1)");
        assert_eq!(pg("citext"), "citext");
        assert_eq!(pg("\"Status\""), "\"Status\"");
        assert!(normalize(Dialect::Postgres, "BIGSERIAL").serial);
        assert_eq!(
            normalize(Dialect::Sqlite, "varchar( 20 )").sql_type,
            "VARCHAR( 20 )"
        );
    }
}
