//! Enums and domains in checked queries: labels of string literals, domains described as
//! their base types.

use super::describe;
use crate::Dialect;
use crate::replay::replay;
use crate::replay::tests::scripts;
use crate::schema::Schema;

const PG: &str = "CREATE TYPE task_status AS ENUM ('todo', 'doing', 'done');
CREATE DOMAIN email AS varchar(320) CHECK (VALUE LIKE '%@%');
CREATE DOMAIN work_email AS email;
CREATE DOMAIN positive AS integer NOT NULL CHECK (VALUE > 0);
CREATE TABLE tasks (
    id bigint PRIMARY KEY,
    status task_status NOT NULL,
    owner email NOT NULL,
    backup work_email,
    points positive
);";

fn pg() -> Schema {
    replay(&scripts(Dialect::Postgres, &[PG]), Dialect::Postgres).unwrap()
}

#[track_caller]
fn error(sql: &str) -> String {
    describe(&pg(), sql).unwrap_err().to_string()
}

#[track_caller]
fn ok(sql: &str) {
    describe(&pg(), sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
}

#[test]
fn a_literal_that_is_no_label_of_the_enum_is_refused_where_it_meets_the_enum() {
    let labels = "its labels are 'todo', 'doing', 'done'";
    for (sql, at) in [
        ("SELECT id FROM tasks WHERE status = 'pending'", "1:37"),
        ("SELECT id FROM tasks WHERE 'pending' <> status", "1:28"),
        (
            "SELECT id FROM tasks WHERE status IN ('todo', 'pending')",
            "1:47",
        ),
        ("SELECT id FROM tasks WHERE status IN ('pending')", "1:39"),
        (
            "INSERT INTO tasks (id, status, owner) VALUES (1, 'pending', 'a@b')",
            "1:50",
        ),
        ("UPDATE tasks SET status = 'pending' WHERE id = 1", "1:27"),
        ("SELECT 'pending'::task_status", "1:8"),
    ] {
        let e = error(sql);
        assert!(
            e.starts_with(&format!(
                "{at}: enum task_status has no label 'pending' (m/1_m.sql:1); {labels}"
            )),
            "{sql}: {e}"
        );
    }
}

#[test]
fn a_label_spelled_differently_is_suggested_and_labels_compare_exactly() {
    let e = error("SELECT id FROM tasks WHERE status = 'Doing'");
    assert!(e.ends_with("did you mean 'doing'?"), "{e}");
    ok("SELECT id FROM tasks WHERE status = 'doing' OR status IN ('todo', 'done')");
    ok("UPDATE tasks SET status = 'done' WHERE status <> 'todo'");
    // Compared as text, any string goes.
    ok("SELECT id FROM tasks WHERE status::text = 'pending'");
    ok("SELECT id FROM tasks WHERE owner = 'pending'");
}

#[test]
fn domains_are_described_as_their_base_type_and_compare_as_it() {
    let d = describe(
        &pg(),
        "SELECT owner, backup, points FROM tasks WHERE backup = $1 AND points IN ($2, $3)",
    )
    .unwrap();
    let columns: Vec<_> = d
        .columns
        .iter()
        .map(|c| (c.sql_type.as_deref().unwrap(), c.not_null))
        .collect();
    // A NOT NULL domain's column is still not proven NOT NULL (an outer join, a scalar
    // subquery can give NULL; PostgreSQL's attnotnull is false): only the column's own NOT NULL.
    assert_eq!(
        columns,
        [
            ("character varying(320)", true),
            ("character varying(320)", false),
            ("integer", false),
        ]
    );
    let params: Vec<_> = d.parameters.iter().map(|p| p.sql_type.clone()).collect();
    assert_eq!(
        params,
        [
            Some("text".into()),
            Some("integer".into()),
            Some("integer".into())
        ]
    );
    // An INSERT's or SET's target keeps the domain, as PostgreSQL types the parameter.
    let d = describe(
        &pg(),
        "INSERT INTO tasks (id, status, owner) VALUES (1, 'todo', $1)",
    )
    .unwrap();
    assert_eq!(d.parameters[0].sql_type.as_deref(), Some("email"));
}
