//! Functions created, replaced, dropped and renamed by the migrations (PostgreSQL).

use super::replay;
use super::tests::scripts;
use crate::Dialect;
use crate::schema::{Schema, codec};

fn pg(files: &[&str]) -> Result<Schema, String> {
    replay(&scripts(Dialect::Postgres, files), Dialect::Postgres).map_err(|e| e.to_string())
}

/// `schema.name(args) -> [setof ]returns [strict] @line` per function.
fn functions(schema: &Schema) -> Vec<String> {
    schema
        .functions
        .iter()
        .map(|f| {
            format!(
                "{}.{}({}) -> {}{}{}{} @{}",
                f.name.schema.as_deref().unwrap_or("?"),
                f.name.name,
                f.args.join(", "),
                if f.returns_set { "setof " } else { "" },
                f.returns,
                if f.strict { " strict" } else { "" },
                if f.defaults > 0 {
                    format!(" defaults {}", f.defaults)
                } else {
                    String::new()
                },
                f.origin
            )
        })
        .collect()
}

const CREATE: &str = "CREATE TABLE users (id int);
CREATE FUNCTION add_one(v integer) RETURNS integer LANGUAGE sql IMMUTABLE STRICT AS 'SELECT v + 1';
CREATE OR REPLACE FUNCTION label(v numeric(12, 2), note varchar(40) DEFAULT 'x')
  RETURNS varchar(80) AS $$ BEGIN RETURN note || v; END $$ LANGUAGE plpgsql COST 5;
CREATE FUNCTION label(v text) RETURNS text LANGUAGE sql RETURNS NULL ON NULL INPUT LEAKPROOF AS $$ SELECT v $$;
CREATE FUNCTION all_users() RETURNS SETOF users LANGUAGE sql STABLE AS 'SELECT * FROM users';
CREATE FUNCTION pairs(n int) RETURNS TABLE (a int, b text) LANGUAGE sql BEGIN ATOMIC SELECT 1, 'x'; END;
CREATE FUNCTION \"Quoted\"(IN x double precision, OUT y timestamptz) LANGUAGE sql AS 'SELECT now()';
CREATE PROCEDURE p(x int) LANGUAGE sql AS 'SELECT 1';";

#[test]
fn create_function_records_the_declared_signature() {
    let s = pg(&[CREATE]).unwrap();
    assert_eq!(
        functions(&s),
        [
            "public.add_one(integer) -> integer strict @m/1_m.sql:2",
            "public.label(numeric, character varying) -> character varying defaults 1 @m/1_m.sql:3",
            "public.label(text) -> text strict @m/1_m.sql:5",
            "public.all_users() -> setof users @m/1_m.sql:6",
            "public.pairs(integer) -> setof record @m/1_m.sql:7",
            "public.Quoted(double precision) -> timestamp with time zone @m/1_m.sql:8",
        ]
    );
    let pairs = &s.functions[4];
    assert_eq!(
        pairs.out_columns,
        [
            ("a".to_owned(), "integer".to_owned()),
            ("b".to_owned(), "text".to_owned())
        ]
    );
    // The replay cache keeps them.
    assert_eq!(codec::decode(&codec::encode(&s)), Some(s));
}

#[test]
fn create_or_replace_replaces_the_same_signature_only() {
    let s = pg(&[
        CREATE,
        "CREATE OR REPLACE FUNCTION add_one(v int4) RETURNS bigint LANGUAGE sql AS 'SELECT v + 1';
CREATE OR REPLACE FUNCTION add_one(v bigint) RETURNS bigint LANGUAGE sql AS 'SELECT v + 1';",
    ])
    .unwrap();
    let add: Vec<String> = functions(&s)
        .into_iter()
        .filter(|f| f.contains("add_one"))
        .collect();
    assert_eq!(
        add,
        [
            "public.add_one(integer) -> bigint @m/2_m.sql:1",
            "public.add_one(bigint) -> bigint @m/2_m.sql:2"
        ]
    );
    let e = pg(&[
        CREATE,
        "CREATE FUNCTION add_one(v integer) RETURNS integer LANGUAGE sql AS 'SELECT v';",
    ])
    .unwrap_err();
    assert!(
        e.contains("m/2_m.sql:1")
            && e.contains("function add_one(integer) already exists with the same argument types (created at m/1_m.sql:2); write CREATE OR REPLACE FUNCTION"),
        "{e}"
    );
}

#[test]
fn drop_function_removes_by_name_or_signature() {
    let s = pg(&[
        CREATE,
        "DROP FUNCTION add_one;
DROP FUNCTION label(text), all_users();
DROP FUNCTION IF EXISTS nothing_here(int);
DROP FUNCTION from_an_extension(uuid);",
    ])
    .unwrap();
    let names: Vec<String> = s.functions.iter().map(|f| f.name.to_string()).collect();
    assert_eq!(names, ["label", "pairs", "Quoted"]);
    assert_eq!(s.functions[0].args, ["numeric", "character varying"]);
    let e = pg(&[CREATE, "DROP FUNCTION label;"]).unwrap_err();
    assert!(
        e.contains("function name label is not unique (label(numeric, character varying) at m/1_m.sql:3, label(text) at m/1_m.sql:5); write its argument types"),
        "{e}"
    );
}

#[test]
fn alter_function_renames_moves_and_changes_strictness() {
    let s = pg(&[
        CREATE,
        "CREATE SCHEMA util;
ALTER FUNCTION add_one(integer) RENAME TO plus_one;
ALTER FUNCTION label(text) SET SCHEMA util;
ALTER FUNCTION plus_one(integer) CALLED ON NULL INPUT;
ALTER FUNCTION all_users() STRICT;",
    ])
    .unwrap();
    let f = functions(&s);
    assert_eq!(f[0], "public.plus_one(integer) -> integer @m/2_m.sql:2");
    assert_eq!(f[2], "util.label(text) -> text strict @m/2_m.sql:3");
    assert_eq!(
        f[3],
        "public.all_users() -> setof users strict @m/1_m.sql:6"
    );
    let s = pg(&[
        CREATE,
        "CREATE SCHEMA util;
ALTER FUNCTION label(text) SET SCHEMA util;
DROP SCHEMA util CASCADE;",
    ])
    .unwrap();
    assert!(!functions(&s).iter().any(|f| f.contains("util.")), "{s:?}");
}

#[test]
fn diff_does_not_compare_functions() {
    // A live database's introspection has no functions: the replayed ones are no difference.
    let replayed = pg(&[CREATE]).unwrap();
    let mut introspected = replayed.clone();
    introspected.functions.clear();
    assert!(!replayed.functions.is_empty());
    assert_eq!(crate::diff::diff(&replayed, &introspected), []);
}
