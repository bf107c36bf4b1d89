//! `cargo migrate lint` on a MySQL/MariaDB project, offline: the MySQL rules judge the new
//! migrations against the tables deployed before them, and no PostgreSQL rule fires.

use snapbox::str;

use crate::support::Project;

fn project() -> Project {
    let p = Project::new("dialect = \"mysql\"");
    p.write(
        "migrations/1_users.sql",
        "CREATE TABLE users (id BIGINT PRIMARY KEY AUTO_INCREMENT, email VARCHAR(100) NOT NULL, \
         age INT, status ENUM('new','active','gone') NOT NULL);\n",
    );
    p.run(&["hash"]).expect(0);
    p
}

#[test]
fn a_copying_alter_and_a_reordered_enum_are_found() {
    let p = project();
    p.write(
        "migrations/2_more.sql",
        "CREATE INDEX users_age ON users (age);\n\
         ALTER TABLE users MODIFY age BIGINT;\n\
         ALTER TABLE users MODIFY status ENUM('active','new','gone') NOT NULL;\n\
         CREATE TABLE logs (id INT PRIMARY KEY, at TIMESTAMP, msg VARCHAR(200));\n\
         ALTER TABLE logs MODIFY msg TEXT;\n",
    );
    let run = p.run(&["lint", "--offline"]).expect(1);
    run.stdout_eq(
        &p,
        str![[r#"
error[mysql-alter-copies-table]: ALTER TABLE users copies the table (ALGORITHM=COPY): column age: type changed from int to bigint
 --> migrations/2_more.sql:2:1
  |
2 | ALTER TABLE users MODIFY age BIGINT;
  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  = help: add a new column and backfill it instead, or run it with pt-online-schema-change/gh-ost; writing `ALGORITHM=INPLACE, LOCK=NONE` (or INSTANT) makes the server refuse instead of copying

error[mysql-enum-reordered]: column users.status: enum labels reordered (enum('new','active','gone') to enum('active','new','gone'))
 --> migrations/2_more.sql:3:1
  |
3 | ALTER TABLE users MODIFY status ENUM('active','new','gone') NOT NULL;
  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  = help: only append new labels at the end (INSTANT); move rows off a label before dropping it in a later release


"#]],
    );
    run.stderr_eq(
        &p,
        str![[r#"
      Linted 1 migration(s) new since migrate.sum (mysql): 2 finding(s), 2 error(s)

"#]],
    );
    // The safe forms: the server refuses instead of copying, labels appended at the end.
    p.write(
        "migrations/2_more.sql",
        "ALTER TABLE users MODIFY age BIGINT, ALGORITHM=INPLACE, LOCK=NONE;\n\
         ALTER TABLE users MODIFY status ENUM('new','active','gone','banned') NOT NULL;\n",
    );
    p.run(&["lint", "--offline"]).expect(0);
}

#[test]
fn drops_and_renames_of_deployed_tables_are_found_on_mysql() {
    let p = project();
    p.write(
        "migrations/2_drop.sql",
        "ALTER TABLE users DROP COLUMN age;\nRENAME TABLE users TO members;\n",
    );
    let run = p.run(&["lint", "--offline", "--format", "json"]).expect(1);
    assert!(
        run.stdout.contains("\"rule\": \"drop-column\""),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\"rule\": \"rename\""),
        "{}",
        run.stdout
    );
}
