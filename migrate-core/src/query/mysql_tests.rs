//! Unit tests of the query inference on MySQL/MariaDB, over a schema replayed from MySQL DDL;
//! the expected types and NOT NULL flags are what MariaDB 10.11 reports for the same queries.

use super::describe;
use super::tests::{columns, error, params};
use crate::Dialect;
use crate::replay::replay;
use crate::replay::tests::scripts;
use crate::schema::Schema;

const DDL: &str = "CREATE TABLE users (
    id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email varchar(320) NOT NULL,
    name VARCHAR(40),
    age INT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    bio TEXT,
    created_at DATETIME NOT NULL
);
CREATE TABLE `Posts` (
    id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id BIGINT UNSIGNED NOT NULL,
    score DECIMAL(12, 2),
    ratio DOUBLE NOT NULL,
    kind ENUM('a', 'b') NOT NULL,
    votes SMALLINT NOT NULL,
    FOREIGN KEY (user_id) REFERENCES users (id)
);";

fn my() -> Schema {
    replay(&scripts(Dialect::Mysql, &[DDL]), Dialect::Mysql).unwrap()
}

#[test]
fn mysql_columns_keep_the_models_types_and_backticks_fold() {
    let s = my();
    assert_eq!(
        columns(
            &s,
            "SELECT u.`id`, EMAIL, u.name, active, kind FROM users u JOIN posts p ON p.user_id = u.id"
        ),
        [
            "id bigint unsigned NOT NULL",
            "EMAIL varchar(320) NOT NULL",
            "name varchar(40)",
            "active tinyint(1) NOT NULL",
            "kind enum('a','b') NOT NULL",
        ]
    );
}

#[test]
fn mysql_literals_arithmetic_and_comparisons() {
    let s = my();
    assert_eq!(
        columns(
            &s,
            "SELECT 1, 'x', 1.5, TRUE, age + 1, users.id + 1, users.id/2, age DIV 2, ratio * 2, score + 1, \
             age > 1, email LIKE 'a%', -age, - age, -1, 12345678901, 1e3 FROM users, posts"
        ),
        [
            "1 int(1) NOT NULL",
            "x varchar NOT NULL",
            "1.5 decimal NOT NULL",
            "TRUE int NOT NULL",
            "age + 1 bigint",
            "users.id + 1 bigint unsigned NOT NULL",
            "users.id/2 decimal",
            "age DIV 2 bigint",
            "ratio * 2 double NOT NULL",
            "score + 1 decimal",
            "age > 1 int",
            "email LIKE 'a%' int NOT NULL",
            "-age bigint",
            "- age bigint",
            "-1 int(1) NOT NULL",
            "12345678901 bigint NOT NULL",
            "1e3 double NOT NULL",
        ]
    );
}

#[test]
fn mysql_aggregates_and_functions() {
    let s = my();
    assert_eq!(
        columns(
            &s,
            "SELECT count(*) AS n, sum(age) AS s, avg(ratio) AS a, max(email) AS m, \
             coalesce(age, 0) AS c, ifnull(name, email) AS f, if(active, age, 0) AS i, \
             concat(email, 'x') AS cc, length(email) AS l, now() AS t, \
             cast(age AS SIGNED) AS si, cast(users.id AS CHAR) AS ch, \
             cast(score AS DECIMAL(10, 2)) AS de, cast(created_at AS DATE) AS d \
             FROM users JOIN posts ON posts.user_id = users.id"
        ),
        [
            "n bigint NOT NULL",
            "s decimal",
            "a double",
            "m varchar(320)",
            // One implicit group: every column but count's may be NULL (no rows).
            "c int",
            "f varchar",
            "i int",
            "cc varchar",
            "l int",
            "t datetime",
            "si bigint",
            "ch varchar",
            "de decimal(10,2)",
            "d date",
        ]
    );
}

#[test]
fn mysql_outer_joins_make_the_far_side_nullable() {
    let s = my();
    assert_eq!(
        columns(
            &s,
            "SELECT u.email, p.ratio FROM users u LEFT JOIN posts p ON p.user_id = u.id"
        ),
        ["email varchar(320) NOT NULL", "ratio double"]
    );
    assert_eq!(
        columns(
            &s,
            "SELECT u.email, p.ratio FROM users u RIGHT JOIN posts p ON p.user_id = u.id"
        ),
        ["email varchar(320)", "ratio double NOT NULL"]
    );
}

#[test]
fn mysql_question_marks_are_numbered_by_position_and_typed_by_context() {
    let s = my();
    assert_eq!(
        params(
            &s,
            "SELECT id FROM users WHERE email = ? AND age IN (?, ?) AND id > ? LIMIT ?"
        ),
        [
            "$1 varchar(320)",
            "$2 int",
            "$3 int",
            "$4 bigint unsigned",
            "$5 bigint"
        ]
    );
    assert_eq!(
        params(
            &s,
            "INSERT INTO posts (user_id, score, ratio, kind) VALUES (?, ?, ?, ?) \
             ON DUPLICATE KEY UPDATE ratio = ?"
        ),
        [
            "$1 bigint unsigned",
            "$2 decimal(12,2)",
            "$3 double",
            "$4 enum('a','b')",
            "$5 double"
        ]
    );
    assert_eq!(
        params(&s, "UPDATE users SET name = ?, active = ? WHERE id = ?"),
        ["$1 varchar(40)", "$2 tinyint(1)", "$3 bigint unsigned"]
    );
    assert_eq!(
        params(&s, "DELETE FROM users WHERE created_at < ?"),
        ["$1 datetime"]
    );
}

#[test]
fn mariadb_returning_gives_columns() {
    let s = my();
    let d = describe(
        &s,
        "INSERT INTO users (email, created_at) VALUES (?, now()) RETURNING id, email",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = d.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "email"]);
    assert_eq!(
        columns(&s, "DELETE FROM users WHERE id = ? RETURNING email"),
        ["email varchar(320) NOT NULL"]
    );
}

#[test]
fn mysql_errors_name_the_column_and_the_closest() {
    let s = my();
    let e = error(&s, "SELECT emial FROM users");
    assert!(e.contains("column users.emial does not exist"), "{e}");
    assert!(e.contains("did you mean `email`?"), "{e}");
    let e = error(&s, "SELECT * FROM post");
    assert!(e.contains("did you mean `Posts`?"), "{e}");
}

#[test]
fn mysql_an_aggregate_without_group_by_makes_other_columns_nullable() {
    let s = my();
    assert_eq!(
        columns(
            &s,
            "SELECT count(*), email, coalesce(age, 0) AS c FROM users"
        ),
        ["count(*) bigint NOT NULL", "email varchar(320)", "c int"]
    );
    assert_eq!(
        columns(
            &s,
            "SELECT count(*), email, coalesce(age, 0) AS c FROM users GROUP BY email, age"
        ),
        [
            "count(*) bigint NOT NULL",
            "email varchar(320) NOT NULL",
            "c int NOT NULL"
        ]
    );
}

/// MariaDB sizes integer arithmetic by the digits it can make: up to 8 an `int` (sqlx: `i32`),
/// beyond a `bigint`; `unsigned` mixed with signed or NULL is a `decimal`.
#[test]
fn mysql_integer_results_are_as_wide_as_their_digits() {
    let s = my();
    assert_eq!(
        columns(
            &s,
            "SELECT votes + 1 AS a, votes * 100 AS b, votes * 1000 AS c, votes DIV 2 AS d, \
             -votes AS e, abs(votes) AS f, coalesce(votes, 1) AS g, \
             CASE WHEN votes > 1 THEN NULL ELSE user_id END AS h, \
             CASE WHEN votes > 1 THEN user_id END AS i, 12345678 + 1 AS j FROM posts"
        ),
        [
            "a int(6) NOT NULL",
            "b int(8) NOT NULL",
            "c bigint NOT NULL",
            "d int(5)",
            "e int(5) NOT NULL",
            "f int(5) NOT NULL",
            "g int NOT NULL",
            "h decimal",
            "i bigint unsigned",
            "j bigint NOT NULL",
        ]
    );
}

/// MariaDB names an expression after its text as written, parentheses and all.
#[test]
fn mysql_unnamed_expressions_are_named_as_written() {
    let s = my();
    let names: Vec<String> = describe(
        &s,
        "SELECT min(age), count(*), coalesce(name, 'x'), 'lit', -  age, max( age ) FROM users",
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .columns
    .into_iter()
    .map(|c| c.name)
    .collect();
    assert_eq!(
        names,
        [
            "min(age)",
            "count(*)",
            "coalesce(name, 'x')",
            "lit",
            "-  age",
            "max( age )"
        ]
    );
}
