//! Generated calls of PostgreSQL's built-in functions and operators, for the differential test
//! of the query inference's catalog (`tests/integration/query_corpus_calls.rs`).
//!
//! One table, `calls`, holds a NOT NULL column `c<i>` and a nullable one `n<i>` of each type
//! of `TYPES`, and columns of an enum (`m`, `mn`) and of domains over `integer` and `text`
//! (`dint`, `dtext`). For each overload in the committed catalog
//! (`migrate-core/catalog/postgres/functions.tsv`, `operators.tsv`) whose arguments are all
//! of those types (or polymorphic, or `"any"`), the corpus calls it: over the NOT NULL
//! columns of its exact argument types, over the nullable ones, over columns of other types
//! that cast implicitly to them (the resolution rules' hard part), with its first argument a
//! parameter `$1` (the type the parameter takes), for text arguments with string literals
//! (PostgreSQL's `unknown`), with domain columns for `integer` and `text` arguments, and with
//! arguments whose type the inference cannot tell (a `CASE` of two types). The server may reject a call (an ambiguous one, an
//! ordered-set aggregate without `WITHIN GROUP`): those are counted, not compared.

const FUNCTIONS: &str = include_str!("../../migrate-core/catalog/postgres/functions.tsv");
const OPERATORS: &str = include_str!("../../migrate-core/catalog/postgres/operators.tsv");

/// A column type of the table: as declared, as the catalog spells it, and a literal of it.
const TYPES: &[(&str, &str, &str)] = &[
    ("integer", "integer", "1"),
    ("bigint", "bigint", "2"),
    ("smallint", "smallint", "3"),
    ("numeric(12,2)", "numeric", "1.5"),
    ("real", "real", "2.5"),
    ("double precision", "double precision", "3.5"),
    ("text", "text", "'x'"),
    ("varchar(40)", "character varying", "'y'"),
    ("character(3)", "character", "'abc'"),
    ("boolean", "boolean", "true"),
    ("date", "date", "'2020-01-01'"),
    (
        "timestamp",
        "timestamp without time zone",
        "'2020-01-01 00:00'",
    ),
    (
        "timestamptz",
        "timestamp with time zone",
        "'2020-01-01 00:00+00'",
    ),
    ("time", "time without time zone", "'12:00'"),
    ("interval", "interval", "'1 day'"),
    ("uuid", "uuid", "'00000000-0000-0000-0000-000000000000'"),
    ("json", "json", "'{\"a\": 1}'"),
    ("jsonb", "jsonb", "'{\"a\": 1}'"),
    ("bytea", "bytea", "'\\x00'"),
    ("inet", "inet", "'127.0.0.1'"),
    ("text[]", "text[]", "'{x}'"),
    ("integer[]", "integer[]", "'{1}'"),
];

/// A type of the table that casts implicitly to `to` (and is not `to`).
fn neighbour(to: &str) -> Option<&'static str> {
    Some(match to {
        "bigint" => "integer",
        "integer" => "smallint",
        "numeric" => "bigint",
        "double precision" => "real",
        "real" => "smallint",
        "text" => "character varying",
        "character varying" => "character",
        "timestamp with time zone" => "timestamp without time zone",
        "timestamp without time zone" => "date",
        "interval" => "time without time zone",
        _ => return None,
    })
}

/// One generated call.
pub struct Call {
    /// The query.
    pub sql: String,
    /// `function` or `operator`.
    pub kind: &'static str,
    /// The function's or operator's name.
    pub name: String,
}

/// The corpus: the table, its rows, the calls.
pub struct Calls {
    /// `CREATE TABLE calls (…)`.
    pub schema: String,
    /// Two rows: every column set, then the nullable ones NULL.
    pub rows: String,
    /// The calls.
    pub calls: Vec<Call>,
}

fn column(catalog: &str, nullable: bool) -> Option<String> {
    let i = TYPES.iter().position(|t| t.1 == catalog)?;
    Some(format!("{}{i}", if nullable { "n" } else { "c" }))
}

/// Which argument each parameter of an overload gets.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    /// A NOT NULL column of its type (polymorphic: `integer`, `integer[]`).
    Exact,
    /// A nullable column of its type.
    Nullable,
    /// Polymorphic parameters take `text` and `text[]` instead.
    Text,
    /// A column of a type that casts to it implicitly, where there is one.
    Neighbour,
    /// Its text arguments are string literals.
    Literal,
    /// The first argument is `$1`.
    Parameter,
    /// Its `integer` and `text` arguments are columns of domains over them.
    Domain,
    /// Its arguments that have a neighbour are a `CASE` of a column of their type and one
    /// of the neighbour's (the server's common type is theirs; the inference does not tell
    /// it, and must leave the call unknown or get it right).
    Opaque,
}

/// The arguments of a call of `params` in `variant`, or `None` when a type has no column.
fn arguments(params: &[&str], variant: Variant) -> Option<Vec<String>> {
    let text = variant == Variant::Text;
    let mut changed = false;
    let mut out = Vec::new();
    for (i, &p) in params.iter().enumerate() {
        if variant == Variant::Parameter && i == 0 {
            out.push("$1".to_owned());
            continue;
        }
        let nullable = variant == Variant::Nullable;
        let special = match p {
            "anyenum" => Some(if nullable { "mn" } else { "m" }),
            "integer" if variant == Variant::Domain => Some("dint"),
            "text" if variant == Variant::Domain => Some("dtext"),
            _ => None,
        };
        if let Some(name) = special {
            changed |= variant == Variant::Domain;
            out.push(name.to_owned());
            continue;
        }
        let ty =
            match p {
                "\"any\"" => "text",
                "anyelement" | "anynonarray" | "anycompatible" | "anycompatiblenonarray" => {
                    if text { "text" } else { "integer" }
                }
                "anyarray" | "anycompatiblearray" => {
                    if text {
                        "text[]"
                    } else {
                        "integer[]"
                    }
                }
                p if variant == Variant::Literal && p == "text" => {
                    changed = true;
                    out.push("'a'".to_owned());
                    continue;
                }
                p => match neighbour(p) {
                    Some(n) if variant == Variant::Neighbour => {
                        changed = true;
                        n
                    }
                    Some(n) if variant == Variant::Opaque => {
                        changed = true;
                        let (a, b) = (column(p, false)?, column(n, false)?);
                        out.push(format!("CASE WHEN c9 THEN {a} ELSE {b} END"));
                        continue;
                    }
                    _ => p,
                },
            };
        out.push(column(ty, nullable)?);
    }
    // A variant that changes nothing repeats the exact one.
    let needs_change = matches!(
        variant,
        Variant::Neighbour | Variant::Literal | Variant::Domain | Variant::Opaque
    );
    let polymorphic = params.iter().any(|p| p.starts_with("any"));
    if (needs_change && !changed) || (text && !polymorphic) {
        return None;
    }
    Some(out)
}

const VARIANTS: [Variant; 8] = [
    Variant::Exact,
    Variant::Nullable,
    Variant::Text,
    Variant::Neighbour,
    Variant::Literal,
    Variant::Parameter,
    Variant::Domain,
    Variant::Opaque,
];

/// The corpus.
pub fn calls() -> Calls {
    let mut columns: Vec<String> = TYPES
        .iter()
        .enumerate()
        .flat_map(|(i, (declared, _, _))| {
            [
                format!("c{i} {declared} NOT NULL"),
                format!("n{i} {declared}"),
            ]
        })
        .collect();
    columns.extend([
        "m mood NOT NULL".to_owned(),
        "mn mood".to_owned(),
        "dint dint NOT NULL".to_owned(),
        "dtext dtext NOT NULL".to_owned(),
    ]);
    let schema = format!(
        "CREATE TYPE mood AS ENUM ('sad', 'happy');\nCREATE DOMAIN dint AS integer;\n\
         CREATE DOMAIN dtext AS text;\nCREATE TABLE calls (\n    {}\n);\n",
        columns.join(",\n    ")
    );
    let values = |nulls: bool| -> Vec<String> {
        let mut v: Vec<String> = TYPES
            .iter()
            .flat_map(|(_, _, literal)| {
                let n = if nulls { "NULL" } else { literal };
                [literal.to_string(), n.to_owned()]
            })
            .collect();
        let mood = if nulls { "NULL" } else { "'happy'" };
        v.extend(["'sad'", mood, "1", "'x'"].map(str::to_owned));
        v
    };
    let rows = format!(
        "INSERT INTO calls VALUES ({});\nINSERT INTO calls VALUES ({});\n",
        values(false).join(", "),
        values(true).join(", ")
    );
    let mut calls = Vec::new();
    let rows_of = |text: &'static str| {
        text.lines()
            .filter(|l| !l.starts_with("# "))
            .map(|l| l.split('\t').collect::<Vec<_>>())
    };
    let mut seen = std::collections::BTreeSet::new();
    for r in rows_of(FUNCTIONS) {
        let (name, kind, args) = (r[0], r[1], r[7]);
        let params: Vec<&str> = if args.is_empty() {
            Vec::new()
        } else {
            args.split(',').collect()
        };
        // `VARIADIC` arrays are called with one element.
        let params: Vec<&str> = if r[4] == "t" {
            let mut p = params.clone();
            let last = p.pop().unwrap_or("\"any\"");
            p.push(match last {
                "anyarray" => "anyelement",
                "anycompatiblearray" => "anycompatible",
                t => t.strip_suffix("[]").unwrap_or(t),
            });
            p
        } else {
            params
        };
        let over = if kind == "w" { " OVER ()" } else { "" };
        for variant in VARIANTS {
            if params.is_empty() && variant != Variant::Exact {
                continue;
            }
            let Some(args) = arguments(&params, variant) else {
                continue;
            };
            let sql = format!("SELECT {name}({}){over} FROM calls", args.join(", "));
            if seen.insert(sql.clone()) {
                calls.push(Call {
                    sql,
                    kind: "function",
                    name: name.to_owned(),
                });
            }
        }
    }
    for r in rows_of(OPERATORS) {
        let (name, left, right) = (r[0], r[1], r[2]);
        for variant in VARIANTS {
            let sql = if left.is_empty() {
                let Some(args) = arguments(&[right], variant) else {
                    continue;
                };
                format!("SELECT {name} {} FROM calls", args[0])
            } else {
                let Some(args) = arguments(&[left, right], variant) else {
                    continue;
                };
                format!("SELECT {} {name} {} FROM calls", args[0], args[1])
            };
            if seen.insert(sql.clone()) {
                calls.push(Call {
                    sql,
                    kind: "operator",
                    name: name.to_owned(),
                });
            }
        }
    }
    Calls {
        schema,
        rows,
        calls,
    }
}
