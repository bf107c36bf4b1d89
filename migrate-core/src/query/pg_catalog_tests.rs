//! Unit tests of the PostgreSQL catalog's resolution: overloads by argument type, implicit
//! casts, polymorphic types, unknown arguments, nullability. Each expectation was checked
//! against PostgreSQL 15 (`pg_typeof`, `pg_prepared_statements`), and the differential corpus
//! (`tests/integration/query_corpus_calls.rs`) checks the rules over the whole catalog.

use super::pg_catalog::{Arg, catalog};
use super::{Described, describe};
use crate::Dialect;
use crate::replay::replay;
use crate::replay::tests::scripts;
use crate::schema::Schema;

const PG: &str = "CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE DOMAIN score AS integer;
CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL,
    name text,
    age integer,
    rating score NOT NULL,
    mood mood NOT NULL,
    title varchar(200) NOT NULL,
    price numeric(10, 2),
    tags text[] NOT NULL,
    doc jsonb NOT NULL,
    created_at timestamptz NOT NULL
);";

fn pg() -> Schema {
    replay(&scripts(Dialect::Postgres, &[PG]), Dialect::Postgres).unwrap()
}

/// `type [NOT NULL]` of each column, then `$n type` of each parameter.
#[track_caller]
fn shape(sql: &str) -> Vec<String> {
    let d: Described = describe(&pg(), sql).unwrap_or_else(|e| panic!("{e}"));
    let mut out: Vec<String> = d
        .columns
        .iter()
        .map(|c| {
            let null = if c.not_null { " NOT NULL" } else { "" };
            format!("{}{null}", c.sql_type.as_deref().unwrap_or("?"))
        })
        .collect();
    out.extend(
        d.parameters
            .iter()
            .map(|p| format!("${} {}", p.number, p.sql_type.as_deref().unwrap_or("?"))),
    );
    out
}

#[test]
fn overloads_are_chosen_by_the_arguments_types() {
    assert_eq!(
        shape("SELECT abs(age), abs(price), abs(1.5), sum(age), sum(id), avg(age) FROM users"),
        [
            "integer",
            "numeric",
            "numeric NOT NULL",
            "bigint",
            "numeric",
            "numeric"
        ]
    );
    // `'day'` is `unknown`; `date_trunc(text, timestamp with time zone)` fits the column.
    assert_eq!(
        shape("SELECT date_trunc('day', created_at), to_char(created_at, 'YYYY') FROM users"),
        ["timestamp with time zone NOT NULL", "text NOT NULL"]
    );
}

#[test]
fn implicit_casts_and_preferred_types_decide_between_overloads() {
    // `round(integer)`: both `round(numeric)` and `round(double precision)` take it through
    // an implicit cast; `double precision` is the numeric category's preferred type.
    // `max(varchar)` is `max(text)`; `real + numeric` is `real + double precision`.
    assert_eq!(
        shape("SELECT round(age), max(title), length(title), 1.5::real + 2.5 FROM users"),
        [
            "double precision",
            "text",
            "integer NOT NULL",
            "double precision NOT NULL"
        ]
    );
    // `int4(x)` over a type with a cast function is the function; `name($1)` is a cast.
    assert_eq!(
        shape("SELECT int4(id), name($1) FROM users"),
        ["integer NOT NULL", "name", "$1 name"]
    );
}

#[test]
fn polymorphic_functions_return_their_arguments_types() {
    assert_eq!(
        shape(
            "SELECT array_agg(age), unnest(tags), array_append(tags, 'x'), \
             array_cat(tags, tags), max(mood), abs(rating) FROM users"
        ),
        [
            "integer[]",
            "text",
            "text[]",
            "text[]",
            "mood",
            "integer NOT NULL"
        ]
    );
    assert_eq!(
        shape("SELECT array_append(tags, $1), array_prepend($2, tags) FROM users"),
        ["text[]", "text[]", "$1 text", "$2 text"]
    );
}

#[test]
fn an_ambiguous_or_untyped_call_is_unknown_never_a_guess() {
    // PostgreSQL itself cannot choose between date_trunc's overloads here.
    assert_eq!(shape("SELECT date_trunc('day', $1)"), ["?", "$1 ?"]);
    let c = catalog();
    assert!(
        c.function("date_trunc", &[Arg::Unknown, Arg::Unknown])
            .is_none()
    );
    // An argument of a type we cannot tell: `abs` returns its argument's type.
    assert!(c.function("abs", &[Arg::Opaque]).is_none());
    // ...but every `md5` of one argument is text.
    let md5 = c.function("md5", &[Arg::Opaque]).unwrap();
    assert_eq!(md5.returns.as_deref(), Some("text"));
    assert!(c.function("no_such_function", &[]).is_none());
}

#[test]
fn parameters_take_the_type_of_the_overload_chosen() {
    assert_eq!(
        shape("SELECT lower($1), round($2, 2), now() - $3"),
        [
            "text",
            "numeric",
            "interval",
            "$1 text",
            "$2 numeric",
            "$3 timestamp with time zone"
        ]
    );
    // `jsonb -> unknown` is `jsonb -> text` (the string category wins), `#>` takes `text[]`.
    assert_eq!(
        shape("SELECT doc -> $1, doc #> $2, $3 || 'x' FROM users"),
        ["jsonb", "jsonb", "text", "$1 text", "$2 text[]", "$3 text"]
    );
}

#[test]
fn strict_functions_are_null_exactly_when_an_argument_is() {
    assert_eq!(
        shape("SELECT lower(email), lower(name), upper(email || name), length(title) FROM users"),
        ["text NOT NULL", "text", "text", "integer NOT NULL"]
    );
    // Non-strict and never NULL (the hand list), non-strict, aggregates, and strict
    // functions that return NULL for some values (an absent element, an empty array).
    assert_eq!(
        shape(
            "SELECT concat(name, 1), concat_ws(',', email), count(name), string_agg(email, ','), \
             array_position(tags, 'x'), array_length(tags, 1), doc -> 'a', now() FROM users"
        ),
        [
            "text NOT NULL",
            "text",
            "bigint NOT NULL",
            "text",
            "integer",
            "integer",
            "jsonb",
            "timestamp with time zone NOT NULL"
        ]
    );
}

#[test]
fn sql_value_functions_and_named_arguments() {
    assert_eq!(
        shape("SELECT current_date, current_timestamp, localtimestamp, current_time, localtime"),
        [
            "date NOT NULL",
            "timestamp with time zone NOT NULL",
            "timestamp without time zone NOT NULL",
            "time with time zone NOT NULL",
            "time without time zone NOT NULL"
        ]
    );
    // A function of another schema is not the catalog's; `pg_catalog.`'s is.
    assert_eq!(
        shape("SELECT app.lower(email), pg_catalog.lower(email) FROM users"),
        ["?", "text NOT NULL"]
    );
    // Which parameter `days` is, the catalog does not say: unknown, not a guess.
    assert_eq!(
        shape("SELECT make_interval(days => $1), make_interval(0, 0, 0, $2)"),
        ["?", "interval", "$1 ?", "$2 integer"]
    );
}

#[test]
fn the_catalog_parses_in_a_few_milliseconds() {
    let start = std::time::Instant::now();
    let c = catalog();
    let elapsed = start.elapsed();
    assert!(c.function("lower", &[Arg::Known("text".into())]).is_some());
    eprintln!("catalog parsed in {elapsed:?}");
    // Unoptimized, on a loaded machine; see docs/src/checked-queries.md for the release figure.
    assert!(elapsed.as_millis() < 200, "parsing took {elapsed:?}");
}
