use crate::Dialect;
use crate::replay::replay;
use crate::replay::tests::scripts;
use crate::schema::{Identity, Schema};

fn my(files: &[&str]) -> Schema {
    replay(&scripts(Dialect::Mysql, files), Dialect::Mysql).unwrap_or_else(|e| panic!("{e}"))
}

fn my_err(files: &[&str]) -> String {
    replay(&scripts(Dialect::Mysql, files), Dialect::Mysql)
        .unwrap_err()
        .to_string()
}

fn index_names(s: &Schema, table: &str) -> Vec<String> {
    let mut v: Vec<String> = s
        .indexes
        .iter()
        .filter(|i| i.table.name == table)
        .map(|i| {
            format!(
                "{}({}){}",
                i.name.name,
                i.columns.join(","),
                if i.unique { " unique" } else { "" }
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn create_table_columns_keys_and_names_as_mariadb_makes_them() {
    let s = my(&["CREATE TABLE `users` (
  id INT(11) UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY COMMENT 'x',
  email VARCHAR(320) CHARACTER SET latin1 COLLATE latin1_bin NOT NULL UNIQUE,
  active BOOLEAN NOT NULL DEFAULT TRUE,
  status ENUM('a','b') DEFAULT 'a',
  z INT(5) ZEROFILL,
  bal DECIMAL(10,2) DEFAULT 0,
  created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  full VARCHAR(50) AS (CONCAT(email, 'x')) VIRTUAL,
  age INT CHECK (age > 0),
  b BIGINT, s SMALLINT,
  CHECK (b > s),
  KEY (email(10)),
  FULLTEXT KEY ft (email),
  INDEX (b, s DESC)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE posts (id BIGINT PRIMARY KEY, user_id INT UNSIGNED, uid2 INT UNSIGNED,
  FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE ON UPDATE RESTRICT,
  CONSTRAINT fk_named FOREIGN KEY (uid2) REFERENCES users (id));"]);
    let users = &s.tables[0];
    let types: Vec<&str> = users.columns.iter().map(|c| c.sql_type.as_str()).collect();
    assert_eq!(
        types,
        [
            "int unsigned",
            "varchar(320)",
            "tinyint(1)",
            "enum('a','b')",
            "int(5) unsigned zerofill",
            "decimal(10,2)",
            "timestamp",
            "varchar(50)",
            "int",
            "bigint",
            "smallint"
        ]
    );
    assert_eq!(users.primary_key, ["id"]);
    assert_eq!(users.columns[0].identity, Some(Identity::ByDefault));
    assert_eq!(users.columns[2].default.as_deref(), Some("1"));
    assert_eq!(users.columns[5].default.as_deref(), Some("0.00"));
    assert_eq!(
        users.columns[6].default.as_deref(),
        Some("current_timestamp()")
    );
    assert!(
        users.columns[7]
            .generated
            .as_ref()
            .is_some_and(|g| !g.stored)
    );
    let checks: Vec<String> = users
        .checks
        .iter()
        .map(|c| format!("{}: {}", c.name.clone().unwrap(), c.expr))
        .collect();
    assert_eq!(checks, ["age: age > 0", "CONSTRAINT_1: b > s"]);
    assert_eq!(
        index_names(&s, "users"),
        [
            "b(b,s)",
            "email(email) unique",
            "email_2(email(10))",
            "ft(email)"
        ]
    );
    let posts = &s.tables[1];
    let fks: Vec<String> = posts
        .foreign_keys
        .iter()
        .map(|f| format!("{} {:?}", f.name.clone().unwrap(), f.on_delete))
        .collect();
    assert_eq!(fks, ["posts_ibfk_1 Some(\"CASCADE\")", "fk_named None"]);
    assert_eq!(
        index_names(&s, "posts"),
        ["fk_named(uid2)", "user_id(user_id)"]
    );
}

#[test]
fn alter_table_columns_positions_renames_and_keys() {
    let s = my(&["CREATE TABLE t (a INT, b TEXT, c INT, KEY ic (c));
ALTER TABLE t ADD COLUMN x INT NOT NULL AFTER a, ADD y INT FIRST, MODIFY COLUMN c BIGINT NOT NULL DEFAULT 3,
  CHANGE b bee VARCHAR(10), ADD UNIQUE KEY ux (x), RENAME INDEX ic TO ic2;
ALTER TABLE t RENAME COLUMN a TO aa, DROP COLUMN y, ADD CONSTRAINT ck CHECK (aa > 1), ENGINE=InnoDB;
ALTER TABLE t ALTER COLUMN aa SET DEFAULT 5, DROP CHECK ck;
RENAME TABLE t TO u;
CREATE TABLE v LIKE u;
ALTER TABLE v DROP INDEX ux, RENAME TO w;"]);
    let u = s.tables.iter().find(|t| t.name.name == "u").unwrap();
    let cols: Vec<String> = u
        .columns
        .iter()
        .map(|c| format!("{} {}", c.name, c.sql_type))
        .collect();
    assert_eq!(cols, ["aa int", "x int", "bee varchar(10)", "c bigint"]);
    assert_eq!(u.columns[0].default.as_deref(), Some("5"));
    assert!(u.columns[3].not_null);
    assert!(u.checks.is_empty());
    assert_eq!(index_names(&s, "u"), ["ic2(c)", "ux(x) unique"]);
    assert_eq!(index_names(&s, "w"), ["ic2(c)"]);
    assert!(s.tables.iter().any(|t| t.name.name == "w"));
    assert!(
        s.dropped
            .iter()
            .any(|d| d.name.name == "t" && d.how == "renamed to u")
    );
}

#[test]
fn drops_indexes_views_and_untracked_statements() {
    let s = my(&["CREATE TABLE t (a INT, b INT);
CREATE FULLTEXT INDEX ft ON t (a);
CREATE UNIQUE INDEX ub ON t (b(4) DESC);
DROP INDEX ft ON t;
CREATE OR REPLACE ALGORITHM=MERGE DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW v AS SELECT a FROM t;
DELIMITER $$
CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = 1; END$$
DELIMITER ;
INSERT INTO t VALUES (1, 2);
LOCK TABLES t WRITE; UNLOCK TABLES;
SET FOREIGN_KEY_CHECKS = 0;
CREATE TABLE gone (x INT); DROP TABLE IF EXISTS gone, never;"]);
    assert_eq!(index_names(&s, "t"), ["ub(b(4)) unique"]);
    assert_eq!(s.views.len(), 1);
    assert_eq!(s.tables.len(), 1);
}

#[test]
fn unknown_statements_and_missing_tables_are_errors_with_lines() {
    let e = my_err(&["CREATE TABLE t (a INT);\n\nALTER TABLE t FROBNICATE a;"]);
    assert!(e.contains(":3:1:") && e.contains("FROBNICATE"), "{e}");
    let e = my_err(&["CREATE TABLE t (a INT);\nCREATE TABLESPACE_X foo;"]);
    assert!(e.contains(":2:") && e.contains("not understood"), "{e}");
    let e = my_err(&["ALTER TABLE nowhere ADD x INT;"]);
    assert!(e.contains("there is no table nowhere"), "{e}");
}

#[test]
fn prepared_statements_replay_their_text_or_ask_for_an_override() {
    let s = my(&["CREATE TABLE t (a INT);
PREPARE s FROM 'ALTER TABLE t ADD COLUMN b INT';
EXECUTE s;
DEALLOCATE PREPARE s;"]);
    assert_eq!(s.tables[0].columns.len(), 2);
    let e = my_err(&["SET @x = 'ALTER TABLE t DROP COLUMN a';\nPREPARE s FROM @x;"]);
    assert!(
        e.contains(":2:1:") && e.contains("PREPARE") && e.contains("way out"),
        "{e}"
    );
}
