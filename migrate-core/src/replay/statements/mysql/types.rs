//! MySQL column types as the model keeps them: lower case, MySQL 8's spelling. Integer display
//! widths are dropped (MySQL 8.0.19 dropped them; MariaDB still prints `int(11)`) except
//! `tinyint(1)`, the boolean, and with `ZEROFILL`, where the width is the padding; aliases
//! become the type the server stores (`BOOLEAN` is `tinyint(1)`, `INTEGER` `int`, `NUMERIC`
//! `decimal(10,0)`, `SERIAL` `bigint unsigned`); `ENUM`/`SET` keep their labels, quoted as the
//! server prints them.

use super::lexer::{Kind, Token, comma_separated, tokens};

/// The model's spelling of a MySQL type, written (`INT(11) UNSIGNED`, `BOOLEAN`) or as
/// information_schema's `COLUMN_TYPE` prints it (`int(10) unsigned zerofill`).
pub fn normalize(written: &str) -> String {
    let toks = tokens(written);
    let mut words: Vec<String> = Vec::new();
    let mut args: Option<&[Token]> = None;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if t.is_punct('(') {
            let mut depth = 0;
            let open = i;
            while i < toks.len() {
                if toks[i].is_punct('(') {
                    depth += 1;
                } else if toks[i].is_punct(')') {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                i += 1;
            }
            args = Some(&toks[open + 1..i.min(toks.len())]);
        } else if t.kind == Kind::Word {
            words.push(t.text.to_ascii_lowercase());
        }
        i += 1;
    }
    let has = |w: &str| words.iter().any(|x| x == w);
    let zerofill = has("zerofill");
    let unsigned = has("unsigned") || zerofill;
    let base: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| !matches!(*w, "unsigned" | "signed" | "zerofill"))
        .collect();
    let numbers: Vec<String> = args
        .map(|a| {
            comma_separated(a)
                .iter()
                .map(|p| p.iter().map(|t| t.text.clone()).collect::<String>())
                .collect()
        })
        .unwrap_or_default();
    let labels = || -> String {
        let list: Vec<String> = args
            .map(|a| {
                a.iter()
                    .filter(|t| t.kind == Kind::Str)
                    .map(|t| format!("'{}'", t.text.replace('\'', "''")))
                    .collect()
            })
            .unwrap_or_default();
        list.join(",")
    };
    let sign = |t: &str| {
        let mut out = t.to_owned();
        if unsigned {
            out.push_str(" unsigned");
        }
        if zerofill {
            out.push_str(" zerofill");
        }
        out
    };
    let integer = |t: &str, width: u32| {
        let written = numbers.first().cloned();
        if zerofill {
            let w = written.unwrap_or_else(|| width.to_string());
            return sign(&format!("{t}({w})"));
        }
        if t == "tinyint" && written.as_deref() == Some("1") {
            return sign("tinyint(1)");
        }
        sign(t)
    };
    let with_args = |t: &str| {
        if numbers.is_empty() {
            sign(t)
        } else {
            sign(&format!("{t}({})", numbers.join(",")))
        }
    };
    let joined = base.join(" ");
    match joined.as_str() {
        "bool" | "boolean" => "tinyint(1)".to_owned(),
        "tinyint" | "int1" => integer("tinyint", if unsigned { 3 } else { 4 }),
        "smallint" | "int2" => integer("smallint", if unsigned { 5 } else { 6 }),
        "mediumint" | "int3" | "middleint" => integer("mediumint", if unsigned { 8 } else { 9 }),
        "int" | "integer" | "int4" => integer("int", if unsigned { 10 } else { 11 }),
        "bigint" | "int8" => integer("bigint", 20),
        "serial" => "bigint unsigned".to_owned(),
        "decimal" | "dec" | "numeric" | "fixed" => match numbers.as_slice() {
            [] => sign("decimal(10,0)"),
            [p] => sign(&format!("decimal({p},0)")),
            _ => with_args("decimal"),
        },
        "double" | "double precision" | "real" | "float8" => with_args("double"),
        "float4" => with_args("float"),
        "float" => match numbers.as_slice() {
            [p] => match p.parse::<u32>() {
                Ok(p) if p > 24 => sign("double"),
                _ => sign("float"),
            },
            _ => with_args("float"),
        },
        "char" | "character" | "nchar" | "national char" | "national character" => {
            if numbers.is_empty() {
                "char(1)".to_owned()
            } else {
                with_args("char")
            }
        }
        "varchar" | "character varying" | "char varying" | "nvarchar" | "national varchar" => {
            with_args("varchar")
        }
        "binary" if numbers.is_empty() => "binary(1)".to_owned(),
        "bit" if numbers.is_empty() => "bit(1)".to_owned(),
        "long varbinary" => "mediumblob".to_owned(),
        "long" | "long varchar" => "mediumtext".to_owned(),
        "year" => "year".to_owned(),
        "enum" => format!("enum({})", labels()),
        "set" => format!("set({})", labels()),
        other => with_args(other),
    }
}

/// The labels of an `enum(…)` or `set(…)` type, in order.
pub fn labels(sql_type: &str) -> Option<Vec<String>> {
    let toks = tokens(sql_type);
    let first = toks.first()?;
    if !(first.is("enum") || first.is("set")) {
        return None;
    }
    Some(
        toks.iter()
            .filter(|t| t.kind == Kind::Str)
            .map(|t| t.text.clone())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mysql_spellings() {
        assert_eq!(normalize("INT(11)"), "int");
        assert_eq!(normalize("int(10) unsigned"), "int unsigned");
        assert_eq!(normalize("INTEGER UNSIGNED"), "int unsigned");
        assert_eq!(normalize("BOOLEAN"), "tinyint(1)");
        assert_eq!(normalize("tinyint(1)"), "tinyint(1)");
        assert_eq!(normalize("TINYINT(4)"), "tinyint");
        assert_eq!(normalize("INT(5) ZEROFILL"), "int(5) unsigned zerofill");
        assert_eq!(normalize("int zerofill"), "int(10) unsigned zerofill");
        assert_eq!(normalize("bigint(20) unsigned"), "bigint unsigned");
        assert_eq!(normalize("NUMERIC"), "decimal(10,0)");
        assert_eq!(normalize("DECIMAL(10, 2)"), "decimal(10,2)");
        assert_eq!(normalize("DOUBLE PRECISION"), "double");
        assert_eq!(normalize("FLOAT(30)"), "double");
        assert_eq!(normalize("VARCHAR(320)"), "varchar(320)");
        assert_eq!(normalize("CHAR"), "char(1)");
        assert_eq!(normalize("DATETIME(6)"), "datetime(6)");
        assert_eq!(
            normalize("ENUM('a', 'it''s', 'c\\'d')"),
            "enum('a','it''s','c''d')"
        );
        assert_eq!(normalize("set('x','y')"), "set('x','y')");
        assert_eq!(normalize("SERIAL"), "bigint unsigned");
        assert_eq!(normalize("JSON"), "json");
        assert_eq!(
            labels("enum('a','it''s')").unwrap(),
            vec!["a".to_owned(), "it's".to_owned()]
        );
        assert_eq!(labels("varchar(3)"), None);
    }
}
