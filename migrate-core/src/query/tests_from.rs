//! Unit tests of the `FROM` items real queries use: `JOIN … USING`, `NATURAL JOIN`,
//! data-modifying `WITH` queries, set-returning functions, `LATERAL`.

use super::tests::{columns, error, lite, params, pg};
use crate::Dialect;
use crate::replay::replay;
use crate::replay::tests::scripts;
use crate::schema::Schema;

const JOINS: &str = "CREATE TABLE a (id bigint PRIMARY KEY, k integer, x text NOT NULL, n text);
CREATE TABLE b (id bigint PRIMARY KEY, k bigint NOT NULL, y text, n text NOT NULL);
CREATE TABLE c (id integer PRIMARY KEY, z boolean);";

fn joins() -> Schema {
    replay(&scripts(Dialect::Postgres, &[JOINS]), Dialect::Postgres).unwrap()
}

#[test]
fn using_columns_come_first_once_and_the_rest_follow_in_order() {
    let s = joins();
    assert_eq!(
        columns(&s, "SELECT * FROM a JOIN b USING (id)"),
        [
            "id bigint NOT NULL",
            "k integer",
            "x text NOT NULL",
            "n text",
            "k bigint NOT NULL",
            "y text",
            "n text NOT NULL"
        ]
    );
    // The second join's column is the first join's merged one, not ambiguous.
    assert_eq!(
        columns(&s, "SELECT * FROM a JOIN b USING (id) JOIN c USING (id)"),
        [
            "id bigint NOT NULL",
            "k integer",
            "x text NOT NULL",
            "n text",
            "k bigint NOT NULL",
            "y text",
            "n text NOT NULL",
            "z boolean"
        ]
    );
    // A later USING column goes before an earlier one.
    assert_eq!(
        columns(&s, "SELECT * FROM a JOIN b USING (k) JOIN c ON c.z")[..3],
        ["k bigint NOT NULL", "id bigint NOT NULL", "x text NOT NULL"]
    );
    // `a.*` keeps all of a's columns.
    assert_eq!(
        columns(&s, "SELECT a.*, id FROM a JOIN b USING (id)"),
        [
            "id bigint NOT NULL",
            "k integer",
            "x text NOT NULL",
            "n text",
            "id bigint NOT NULL"
        ]
    );
}

#[test]
fn a_using_column_is_unambiguous_and_its_nullability_follows_the_join_kind() {
    let s = joins();
    // a.k integer (nullable), b.k bigint NOT NULL: the common type is bigint.
    let q = |join: &str| {
        columns(
            &s,
            &format!("SELECT k, a.k AS ak, b.k AS bk FROM a {join} b USING (k)"),
        )
    };
    assert_eq!(
        q("JOIN"),
        ["k bigint NOT NULL", "ak integer", "bk bigint NOT NULL"]
    );
    assert_eq!(q("LEFT JOIN"), ["k bigint", "ak integer", "bk bigint"]);
    assert_eq!(
        q("RIGHT JOIN"),
        ["k bigint NOT NULL", "ak integer", "bk bigint NOT NULL"]
    );
    assert_eq!(q("FULL JOIN"), ["k bigint", "ak integer", "bk bigint"]);
    // id NOT NULL on both sides: NOT NULL for every kind but on an outer side's own column.
    let q = |join: &str| {
        columns(
            &s,
            &format!("SELECT id, a.id AS l, b.id AS r FROM a {join} b USING (id)"),
        )
    };
    assert_eq!(
        q("LEFT JOIN"),
        ["id bigint NOT NULL", "l bigint NOT NULL", "r bigint"]
    );
    assert_eq!(
        q("RIGHT JOIN"),
        ["id bigint NOT NULL", "l bigint", "r bigint NOT NULL"]
    );
    assert_eq!(
        q("FULL JOIN"),
        ["id bigint NOT NULL", "l bigint", "r bigint"]
    );
    // The merged column is ambiguous with another relation's, and becomes nullable on the
    // far side of a later outer join.
    assert!(
        error(&s, "SELECT id FROM a JOIN b USING (id) RIGHT JOIN c ON c.z").contains(
            "column reference id is ambiguous: a JOIN … USING, c all have it; qualify it (`c.id`)"
        )
    );
    assert_eq!(
        columns(
            &s,
            "SELECT id FROM a JOIN b USING (id) RIGHT JOIN (SELECT 1 AS one) o ON true"
        ),
        ["id bigint"]
    );
    // A column both sides still have unmerged stays ambiguous.
    assert!(
        error(&s, "SELECT n FROM a JOIN b USING (id)").contains("column reference n is ambiguous"),
    );
    // A parameter compared with the merged column takes its type.
    assert_eq!(
        params(&s, "SELECT x FROM a JOIN b USING (k) WHERE k = $1"),
        ["$1 bigint"]
    );
}

#[test]
fn natural_join_merges_the_common_columns_and_using_errors_say_which_side() {
    let s = joins();
    assert_eq!(
        columns(&s, "SELECT * FROM a NATURAL JOIN b"),
        [
            "id bigint NOT NULL",
            "k bigint NOT NULL",
            "n text NOT NULL",
            "x text NOT NULL",
            "y text"
        ]
    );
    assert_eq!(
        columns(&s, "SELECT * FROM a NATURAL LEFT JOIN c"),
        [
            "id bigint NOT NULL",
            "k integer",
            "x text NOT NULL",
            "n text",
            "z boolean"
        ]
    );
    assert!(
        error(&s, "SELECT * FROM a JOIN c USING (x)")
            .contains("column x specified in USING clause does not exist in the right table c")
    );
    assert!(
        error(&s, "SELECT * FROM c JOIN a USING (x)")
            .contains("column x specified in USING clause does not exist in the left table")
    );
    assert!(
        error(&s, "SELECT * FROM a JOIN b USING (k) JOIN c USING (id)")
            .contains("common column name id appears more than once in the left table")
    );
}

#[test]
fn sqlite_using_shows_the_column_once_with_the_left_sides_type() {
    let s = lite(
        "CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT NOT NULL);
         CREATE TABLE b (id INTEGER NOT NULL, w REAL);",
    );
    assert_eq!(
        columns(&s, "SELECT * FROM a JOIN b USING (id)"),
        ["id INTEGER NOT NULL", "v TEXT NOT NULL", "w REAL"]
    );
    assert_eq!(
        columns(&s, "SELECT * FROM b NATURAL LEFT JOIN a"),
        ["id INTEGER NOT NULL", "w REAL", "v TEXT"]
    );
}

#[test]
fn data_modifying_with_queries_yield_their_returning_columns() {
    let s = pg();
    assert_eq!(
        columns(
            &s,
            "WITH new AS (INSERT INTO users (email) VALUES ($1) RETURNING id, email, name) \
             SELECT * FROM new"
        ),
        ["id bigint NOT NULL", "email text NOT NULL", "name text"]
    );
    assert_eq!(
        params(
            &s,
            "WITH new AS (INSERT INTO users (email, age) VALUES ($1, $2) RETURNING id) \
             SELECT id FROM new"
        ),
        ["$1 text", "$2 integer"]
    );
    assert_eq!(
        columns(
            &s,
            "WITH gone AS (DELETE FROM posts WHERE user_id = $1 RETURNING id, title), \
             changed AS (UPDATE users SET name = $2 WHERE id = $1 RETURNING id) \
             SELECT g.title, (SELECT count(*) FROM changed) AS n FROM gone g"
        ),
        ["title character varying(200) NOT NULL", "n bigint"]
    );
    assert_eq!(
        params(
            &s,
            "WITH gone AS (DELETE FROM posts WHERE user_id = $1 RETURNING id), \
             changed AS (UPDATE users SET name = $2 WHERE id = $1 RETURNING id) \
             SELECT 1 FROM gone"
        ),
        ["$1 bigint", "$2 text"]
    );
    // `WITH … INSERT … SELECT` reads the CTE and returns the insert's columns.
    assert_eq!(
        columns(
            &s,
            "WITH u AS (SELECT id FROM users WHERE email = $1) \
             INSERT INTO posts (user_id, title) SELECT id, $2 FROM u RETURNING id, user_id"
        ),
        ["id integer NOT NULL", "user_id bigint NOT NULL"]
    );
    assert!(
        error(
            &s,
            "WITH x AS (DELETE FROM posts RETURNING nope) SELECT * FROM x"
        )
        .contains("column posts.nope does not exist")
    );
}

#[test]
fn set_returning_functions_in_from_name_and_type_their_columns() {
    let s = pg();
    assert_eq!(
        columns(
            &s,
            "SELECT p.id, tag FROM posts p, unnest(p.tags) tags(tag)"
        ),
        ["id integer NOT NULL", "tag text"]
    );
    assert_eq!(
        columns(&s, "SELECT * FROM posts p, unnest(p.tags) t WHERE p.id = 1")[5..],
        ["t text"]
    );
    assert_eq!(
        columns(&s, "SELECT * FROM unnest($1::bigint[], $2::text[])"),
        ["unnest bigint", "unnest text"]
    );
    assert_eq!(
        columns(&s, "SELECT * FROM unnest($1::int[]) WITH ORDINALITY"),
        ["unnest integer", "ordinality bigint NOT NULL"]
    );
    assert_eq!(
        columns(
            &s,
            "SELECT * FROM unnest($1::int[]) WITH ORDINALITY AS u(v, i)"
        ),
        ["v integer", "i bigint NOT NULL"]
    );
    assert_eq!(
        columns(&s, "SELECT * FROM unnest(string_to_array($1, ',')) part"),
        ["part text"]
    );
    assert_eq!(
        columns(&s, "SELECT * FROM generate_series(1, 10)"),
        ["generate_series integer NOT NULL"]
    );
    assert_eq!(
        columns(&s, "SELECT g FROM generate_series(1, $1::bigint) g"),
        ["g bigint NOT NULL"]
    );
    assert_eq!(
        params(&s, "SELECT * FROM generate_series(1, $1)"),
        ["$1 integer"]
    );
    assert_eq!(
        columns(
            &s,
            "SELECT d FROM users u, generate_series(u.created_at, now(), interval '1 day') d"
        ),
        ["d timestamp with time zone NOT NULL"]
    );
    assert_eq!(
        params(&s, "SELECT * FROM generate_series(now(), now(), $1)"),
        ["$1 interval"]
    );
    assert_eq!(
        columns(&s, "SELECT * FROM jsonb_array_elements($1) e"),
        ["value jsonb NOT NULL"]
    );
    assert_eq!(
        params(&s, "SELECT * FROM jsonb_array_elements($1)"),
        ["$1 jsonb"]
    );
    assert_eq!(
        columns(&s, "SELECT * FROM json_array_elements_text($1)"),
        ["value text"]
    );
    assert_eq!(
        columns(&s, "SELECT e.key, e.value FROM jsonb_each($1) e"),
        ["key text NOT NULL", "value jsonb NOT NULL"]
    );
    assert_eq!(
        columns(&s, "SELECT * FROM json_each_text($1)"),
        ["key text NOT NULL", "value text"]
    );
    assert_eq!(
        columns(
            &s,
            "SELECT m FROM users, regexp_matches(users.email, '(.*)@') m"
        ),
        ["m text[] NOT NULL"]
    );
    assert!(
        error(&s, "SELECT * FROM pg_get_keywords()")
            .contains("the set-returning function pg_get_keywords in FROM is not inferred yet")
    );
}

#[test]
fn lateral_subqueries_and_functions_see_the_items_before_them() {
    let s = pg();
    assert_eq!(
        columns(
            &s,
            "SELECT u.email, last.title FROM users u \
             LEFT JOIN LATERAL (SELECT p.title FROM posts p WHERE p.user_id = u.id \
             ORDER BY p.id DESC LIMIT 1) last ON true"
        ),
        ["email text NOT NULL", "title character varying(200)"]
    );
    assert_eq!(
        columns(
            &s,
            "SELECT n.c FROM users u, LATERAL (SELECT count(*) AS c FROM posts WHERE user_id = u.id) n"
        ),
        ["c bigint NOT NULL"]
    );
    assert_eq!(
        columns(
            &s,
            "SELECT t FROM posts p CROSS JOIN LATERAL unnest(p.tags) t"
        ),
        ["t text"]
    );
    // Without LATERAL a subquery does not see them.
    assert!(
        error(
            &s,
            "SELECT * FROM users u, (SELECT title FROM posts WHERE user_id = u.id) x"
        )
        .contains("missing FROM-clause entry for u")
    );
}

#[test]
fn arrays_subscripts_group_by_output_names_and_coalesce_of_unknowns() {
    let s = pg();
    assert_eq!(
        columns(
            &s,
            "SELECT ARRAY[1, 2], tags[1], tags[1:2], p.tags[2] AS second FROM posts p"
        ),
        [
            "array integer[] NOT NULL",
            "tags text",
            "tags text[]",
            "second text"
        ]
    );
    assert_eq!(
        params(
            &s,
            "SELECT id FROM posts WHERE tags @> ARRAY[$1] AND tags[$2] = 'x'"
        ),
        ["$1 text", "$2 integer"]
    );
    let j = replay(
        &scripts(
            Dialect::Postgres,
            &["CREATE TABLE d (id int PRIMARY KEY, j jsonb)"],
        ),
        Dialect::Postgres,
    )
    .unwrap();
    assert_eq!(columns(&j, "SELECT j['k'] FROM d"), ["j jsonb"]);
    assert_eq!(params(&j, "SELECT j[$1] FROM d"), ["$1 text"]);
    // GROUP BY an output column's name.
    assert_eq!(
        columns(
            &s,
            "SELECT u.id AS ident, count(*) FROM users u GROUP BY (ident)"
        ),
        ["ident bigint NOT NULL", "count bigint NOT NULL"]
    );
    assert!(error(&s, "SELECT count(*) FROM users GROUP BY nope").contains("nope"));
    // A quoted literal takes the other argument's type: unknown stays unknown, not text.
    assert_eq!(
        columns(
            &s,
            "SELECT coalesce(array_agg((id, email)), '{}') AS x FROM users"
        ),
        ["x ? NOT NULL"]
    );
    assert_eq!(
        columns(
            &s,
            "SELECT coalesce(name, '') AS x, coalesce(NULL, age) AS y FROM users"
        ),
        ["x text NOT NULL", "y integer"]
    );
}

#[test]
fn alternatives_of_different_numbers_take_the_widest() {
    let s = pg();
    assert_eq!(
        columns(
            &s,
            "SELECT coalesce((SELECT count(*) FROM posts p WHERE p.user_id = u.id), 0) AS n, \
             CASE WHEN u.age > 1 THEN u.age ELSE 1.5 END AS m, coalesce(p.title, u.email) AS t \
             FROM users u JOIN posts p ON p.user_id = u.id"
        ),
        [
            "n bigint NOT NULL",
            "m numeric",
            "t character varying NOT NULL"
        ]
    );
    assert_eq!(
        columns(&s, "SELECT age FROM users UNION SELECT user_id FROM posts"),
        ["age bigint"]
    );
    // No common type: unknown.
    assert_eq!(
        columns(&s, "SELECT coalesce(age::text, created_at) AS x FROM users"),
        ["x ? NOT NULL"]
    );
}

#[test]
fn a_join_in_parentheses_is_one_side_of_a_using_join() {
    let s = joins();
    assert_eq!(
        columns(
            &s,
            "SELECT * FROM c LEFT JOIN (a JOIN b USING (id)) USING (id)"
        ),
        [
            "id bigint NOT NULL",
            "z boolean",
            "k integer",
            "x text",
            "n text",
            "k bigint",
            "y text",
            "n text"
        ]
    );
    assert_eq!(
        columns(&s, "SELECT * FROM a JOIN (b JOIN c USING (id)) USING (k)"),
        [
            "k bigint NOT NULL",
            "id bigint NOT NULL",
            "x text NOT NULL",
            "n text",
            "id bigint NOT NULL",
            "y text",
            "n text NOT NULL",
            "z boolean"
        ]
    );
    assert!(
        error(&s, "SELECT * FROM c JOIN (a JOIN b ON true) USING (id)")
            .contains("common column name id appears more than once in the right table")
    );
}

#[test]
fn sqlite_json_each_and_json_tree_in_from() {
    let s = lite("CREATE TABLE t (id INTEGER PRIMARY KEY, tags TEXT NOT NULL);");
    assert_eq!(
        columns(
            &s,
            "SELECT t.id, j.value, j.type, j.fullkey FROM t, json_each(t.tags) j"
        ),
        [
            "id INTEGER NOT NULL",
            "value ?",
            "type TEXT NOT NULL",
            "fullkey TEXT NOT NULL"
        ]
    );
    assert_eq!(
        columns(&s, "SELECT * FROM json_tree(?1)"),
        [
            "key ?",
            "value ?",
            "type TEXT NOT NULL",
            "atom ?",
            "id INTEGER NOT NULL",
            "parent INTEGER",
            "fullkey TEXT NOT NULL",
            "path TEXT NOT NULL"
        ]
    );
    assert_eq!(params(&s, "SELECT key FROM json_each(?1)"), ["$1 TEXT"]);
    assert!(
        error(&s, "SELECT * FROM generate_series(1, 3)")
            .contains("the table-valued function generate_series in FROM is not inferred yet")
    );
}
