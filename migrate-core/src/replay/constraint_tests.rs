//! Constraints in the replay: PostgreSQL's default names, drops and renames by name, and
//! what renames and drops of tables and columns do to them.

use super::tests::{lite, pg};
use crate::schema::{Name, Table};

fn table<'a>(s: &'a crate::schema::Schema, name: &str) -> &'a Table {
    s.table(&Name::new(Some("public"), name))
        .or_else(|| s.table(&Name::new(None, name)))
        .unwrap_or_else(|| panic!("no table {name}"))
}

fn check_names(t: &Table) -> Vec<&str> {
    t.checks.iter().filter_map(|c| c.name.as_deref()).collect()
}

#[test]
fn postgres_names_unnamed_constraints_as_postgres_does() {
    let s = pg(&[
        "CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE);\n\
         CREATE TABLE tasks (\n  id int,\n  user_id int REFERENCES users ON DELETE CASCADE,\n  \
         a int CHECK (a > 0),\n  b int,\n  CHECK (a < b),\n  CHECK (b > 0),\n  CHECK (a > 1),\n  \
         UNIQUE (a, b)\n);",
    ]);
    let users = table(&s, "users");
    assert_eq!(users.uniques[0].name.as_deref(), Some("users_email_key"));
    let tasks = table(&s, "tasks");
    assert_eq!(
        tasks.foreign_keys[0].name.as_deref(),
        Some("tasks_user_id_fkey")
    );
    assert_eq!(tasks.foreign_keys[0].on_delete.as_deref(), Some("CASCADE"));
    assert!(tasks.foreign_keys[0].referred_columns.is_empty());
    assert_eq!(tasks.foreign_keys[0].referred_in(&s), ["id"]);
    assert_eq!(
        check_names(tasks),
        [
            "tasks_a_check",
            "tasks_check",
            "tasks_b_check",
            "tasks_a_check1"
        ]
    );
    assert_eq!(tasks.uniques[0].name.as_deref(), Some("tasks_a_b_key"));
}

#[test]
fn long_default_names_are_cut_like_postgres_cuts_them() {
    let long_table = "t".repeat(40);
    let long_column = "c".repeat(40);
    let s = pg(&[&format!(
        "CREATE TABLE {long_table} ({long_column} int UNIQUE CHECK ({long_column} > 0))"
    )]);
    let t = table(&s, &long_table);
    // makeObjectName shortens the longer name first: 63 - len("_key") - 1 = 58 = 29 + 29.
    let name = t.uniques[0].name.clone().unwrap();
    assert_eq!(name, format!("{}_{}_key", "t".repeat(29), "c".repeat(29)));
    assert_eq!(name.len(), 63);
    assert_eq!(t.checks[0].name.as_deref().map(str::len), Some(63));
}

#[test]
fn constraints_drop_and_rename_by_name() {
    let s = pg(&[
        "CREATE TABLE users (id int PRIMARY KEY, email text, CONSTRAINT users_email_uq UNIQUE (email));\n\
         CREATE TABLE tasks (id int, user_id int, CONSTRAINT owner FOREIGN KEY (user_id) REFERENCES users (id));",
        "ALTER TABLE users DROP CONSTRAINT users_email_uq;\nALTER TABLE tasks RENAME CONSTRAINT owner TO tasks_owner_fkey;",
    ]);
    assert!(table(&s, "users").uniques.is_empty());
    assert_eq!(
        table(&s, "tasks").foreign_keys[0].name.as_deref(),
        Some("tasks_owner_fkey")
    );
    let s = pg(&[
        "CREATE TABLE tasks (id int, user_id int, CONSTRAINT owner FOREIGN KEY (user_id) REFERENCES users (id));",
        "ALTER TABLE tasks RENAME CONSTRAINT owner TO o;\nALTER TABLE tasks DROP CONSTRAINT o;",
    ]);
    assert!(table(&s, "tasks").foreign_keys.is_empty());
}

#[test]
fn renames_keep_constraint_names_and_follow_columns() {
    let s = pg(&[
        "CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE);\n\
         CREATE TABLE tasks (id int, owner int REFERENCES users (id), status text CHECK (status IN ('todo', 'done')));",
        "ALTER TABLE users RENAME TO people;\nALTER TABLE people RENAME COLUMN id TO person_id;\n\
         ALTER TABLE tasks RENAME COLUMN status TO state;",
        // The names were chosen at creation: PostgreSQL keeps them.
        "ALTER TABLE people DROP CONSTRAINT users_email_key;\nALTER TABLE tasks DROP CONSTRAINT tasks_owner_fkey;",
    ]);
    assert!(table(&s, "people").uniques.is_empty());
    let tasks = table(&s, "tasks");
    assert!(tasks.foreign_keys.is_empty());
    assert_eq!(tasks.checks[0].name.as_deref(), Some("tasks_status_check"));
    assert_eq!(tasks.checks[0].expr, "state IN ('todo', 'done')");
    assert_eq!(tasks.checks[0].in_list.as_ref().unwrap().0, "state");

    let s = pg(&[
        "CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE tasks (owner int REFERENCES users (id));",
        "ALTER TABLE users RENAME TO people;\nALTER TABLE people RENAME COLUMN id TO person_id;",
    ]);
    let fk = &table(&s, "tasks").foreign_keys[0];
    assert_eq!(fk.foreign_table, Name::new(Some("public"), "people"));
    assert_eq!(fk.referred_columns, ["person_id"]);
}

#[test]
fn dropping_a_column_drops_the_checks_that_use_it() {
    let s = pg(&[
        "CREATE TABLE t (a int, b int, c int, CHECK (a < b), CHECK (c > 0), UNIQUE (a, c))",
        "ALTER TABLE t DROP COLUMN b;",
    ]);
    let t = table(&s, "t");
    assert_eq!(check_names(t), ["t_c_check"]);
    assert_eq!(t.uniques.len(), 1);
}

#[test]
fn pg_dump_spelling_of_in_lists_is_read() {
    let s = pg(&[
        "CREATE TABLE t (status character varying(10), CONSTRAINT t_status_check CHECK (((status)::text = ANY ((ARRAY['todo'::character varying, 'done'::character varying])::text[]))))",
    ]);
    assert_eq!(
        table(&s, "t").checks[0].in_list,
        Some((
            "status".to_owned(),
            vec!["todo".to_owned(), "done".to_owned()]
        ))
    );
}

#[test]
fn dropping_a_referenced_table_drops_foreign_keys_on_postgres_only() {
    let files = [
        "CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE tasks (owner int REFERENCES users (id));",
        "DROP TABLE users CASCADE;",
    ];
    assert!(table(&pg(&files), "tasks").foreign_keys.is_empty());
    let files = [
        "CREATE TABLE users (id INTEGER PRIMARY KEY);\nCREATE TABLE tasks (owner INTEGER REFERENCES users (id));",
        "DROP TABLE users;",
    ];
    let s = lite(&files);
    assert_eq!(
        table(&s, "tasks").foreign_keys.len(),
        1,
        "SQLite keeps the clause"
    );
    assert_eq!(table(&s, "tasks").foreign_keys[0].name, None);
}

#[test]
fn renaming_the_index_of_a_unique_constraint_renames_the_constraint() {
    let s = pg(&[
        "CREATE TABLE users (id int, actor_id text, CONSTRAINT idx_user_actor_id UNIQUE (actor_id));",
        "ALTER INDEX idx_user_actor_id RENAME TO idx_person_actor_id;",
    ]);
    assert_eq!(
        table(&s, "users").uniques[0].name.as_deref(),
        Some("idx_person_actor_id")
    );
}

#[test]
fn serial_defaults_quote_sequence_names_as_regclass_prints_them() {
    let s = pg(&[
        "CREATE TABLE \"User\" (id SERIAL PRIMARY KEY);\nCREATE SCHEMA app;\nCREATE TABLE app.t (id SERIAL);",
    ]);
    assert_eq!(
        table(&s, "User").columns[0].default.as_deref(),
        Some("nextval('\"User_id_seq\"'::regclass)")
    );
    let t = s.table(&Name::new(Some("app"), "t")).unwrap();
    assert_eq!(
        t.columns[0].default.as_deref(),
        Some("nextval('app.t_id_seq'::regclass)")
    );
}

#[test]
fn dropping_a_column_drops_expression_indexes_on_it() {
    let s = pg(&[
        "CREATE TABLE users (id int, email text, name text);\n\
         CREATE UNIQUE INDEX users_email_lower ON users (lower(email));\n\
         CREATE INDEX users_name_lower ON users (lower(name));",
        "ALTER TABLE users DROP COLUMN email;",
    ]);
    let names: Vec<&str> = s.indexes.iter().map(|i| i.name.name.as_str()).collect();
    assert_eq!(names, ["users_name_lower"]);
}

#[test]
fn checks_point_at_their_own_line() {
    let create = "\n\
                  CREATE TABLE jobs (\n  \
                    id int,\n  \
                    state text NOT NULL\n    CHECK (state IN ('a', 'b')),\n  \
                    n int,\n  \
                    CONSTRAINT n_positive CHECK (n > 0)\n\
                  );";
    let alter = "ALTER TABLE jobs\n  ADD CONSTRAINT short CHECK (state IN ('a'));";
    let lines = |s: &crate::schema::Schema| -> Vec<usize> {
        table(s, "jobs")
            .checks
            .iter()
            .map(|c| c.origin.line)
            .collect()
    };
    assert_eq!(lines(&pg(&[&format!("{create}\n{alter}")])), [5, 7, 10]);
    assert_eq!(lines(&lite(&[create])), [5, 7]);
}
