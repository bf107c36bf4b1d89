//! The MySQL/MariaDB rules, each with a migration that breaks it and one that does not;
//! migration 1 is deployed, migration 2 is linted.

use super::{Finding, LintOptions, lint};
use crate::{Dialect, Migration};

const BASE: &str = "CREATE TABLE teams (id BIGINT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(40));\n\
    CREATE TABLE users (id BIGINT NOT NULL, email VARCHAR(100) NOT NULL, nick VARCHAR(20), \
    age INT, status ENUM('new','active','gone') NOT NULL, tags SET('a','b'), team_id BIGINT, \
    PRIMARY KEY (id));\n";

fn migration(version: i64, sql: &str) -> Migration {
    super::tests::migration_in(Dialect::Mysql, version, sql, false)
}

fn run(sql: &str) -> Vec<Finding> {
    let migrations = [migration(1, BASE), migration(2, sql)];
    lint(
        &migrations,
        Dialect::Mysql,
        |i, _| i == 1,
        &LintOptions::default(),
    )
}

fn rules_of(sql: &str) -> Vec<&'static str> {
    run(sql).into_iter().map(|f| f.rule).collect()
}

const COPY: &str = "mysql-alter-copies-table";
const ENUM: &str = "mysql-enum-reordered";

#[test]
fn changing_a_column_type_copies_the_table() {
    let found = run("ALTER TABLE users MODIFY age BIGINT;");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].rule, COPY);
    assert!(found[0].message.contains("age"), "{}", found[0].message);
    assert!(found[0].message.contains("bigint"), "{}", found[0].message);
    // The same type with another nullability or default is not a type change.
    assert!(rules_of("ALTER TABLE users MODIFY age INT NOT NULL DEFAULT 0;").is_empty());
    // Asking for an online algorithm makes the server refuse instead of copying.
    assert!(
        rules_of("ALTER TABLE users MODIFY age BIGINT, ALGORITHM=INPLACE, LOCK=NONE;").is_empty()
    );
    assert!(rules_of("ALTER TABLE users MODIFY age BIGINT, ALGORITHM = INSTANT;").is_empty());
    assert!(rules_of("ALTER TABLE users MODIFY age BIGINT, LOCK=NONE;").is_empty());
    assert_eq!(
        rules_of("ALTER TABLE users MODIFY age BIGINT, ALGORITHM=COPY;"),
        [COPY]
    );
}

#[test]
fn a_table_the_change_creates_is_free_to_alter() {
    let sql = "CREATE TABLE drafts (id INT PRIMARY KEY, body TEXT);\n\
               ALTER TABLE drafts MODIFY id BIGINT, CONVERT TO CHARACTER SET utf8mb4;\n\
               ALTER TABLE drafts DROP COLUMN body;";
    assert!(rules_of(sql).is_empty(), "{:?}", run(sql));
}

#[test]
fn varchar_widening_keeping_its_length_prefix_is_in_place() {
    assert!(rules_of("ALTER TABLE users MODIFY nick VARCHAR(60);").is_empty());
    assert!(rules_of("ALTER TABLE users MODIFY email VARCHAR(500) NOT NULL;").is_empty());
    // 20 to 100 characters of utf8mb4 crosses 255 bytes: a 2-byte length prefix.
    assert_eq!(
        rules_of("ALTER TABLE users MODIFY nick VARCHAR(100);"),
        [COPY]
    );
    assert_eq!(
        rules_of("ALTER TABLE users MODIFY email VARCHAR(50) NOT NULL;"),
        [COPY]
    );
}

#[test]
fn other_copying_operations() {
    for sql in [
        "ALTER TABLE users CONVERT TO CHARACTER SET utf8mb4;",
        "ALTER TABLE users DROP PRIMARY KEY;",
        "ALTER TABLE users ADD CONSTRAINT fk_team FOREIGN KEY (team_id) REFERENCES teams (id);",
        "ALTER TABLE users ADD COLUMN n INT AUTO_INCREMENT UNIQUE;",
        "ALTER TABLE users ADD COLUMN b INT AS (age * 2) STORED;",
    ] {
        assert_eq!(rules_of(sql), [COPY], "{sql}");
    }
    for sql in [
        "ALTER TABLE users DROP PRIMARY KEY, ADD PRIMARY KEY (id, email);",
        "SET foreign_key_checks = 0;\n\
         ALTER TABLE users ADD CONSTRAINT fk_team FOREIGN KEY (team_id) REFERENCES teams (id);",
        "ALTER TABLE users ADD COLUMN b INT AS (age * 2) VIRTUAL;",
        "ALTER TABLE users ADD COLUMN bio TEXT AFTER email, ADD INDEX users_age (age);",
    ] {
        assert!(rules_of(sql).is_empty(), "{sql}: {:?}", run(sql));
    }
}

#[test]
fn fulltext_and_spatial_indexes_and_shared_locks_block_writes() {
    const BLOCKS: &str = "mysql-alter-blocks-writes";
    for sql in [
        "ALTER TABLE users ADD FULLTEXT INDEX users_email_ft (email);",
        "CREATE FULLTEXT INDEX users_email_ft ON users (email);",
        "ALTER TABLE users ADD INDEX users_age (age), LOCK=SHARED;",
    ] {
        assert_eq!(rules_of(sql), [BLOCKS], "{sql}");
    }
    for sql in [
        "ALTER TABLE users ADD INDEX users_age (age);",
        "ALTER TABLE users ADD FULLTEXT INDEX users_email_ft (email), LOCK=NONE;",
        "CREATE TABLE docs (id INT PRIMARY KEY, body TEXT);\n\
         CREATE FULLTEXT INDEX docs_body ON docs (body);",
    ] {
        assert!(rules_of(sql).is_empty(), "{sql}: {:?}", run(sql));
    }
    // A copy blocks writes too: one finding, the copy.
    assert_eq!(
        rules_of("ALTER TABLE users MODIFY age BIGINT, LOCK=EXCLUSIVE;"),
        [COPY]
    );
}

#[test]
fn enum_labels_reordered_or_removed() {
    let found = run("ALTER TABLE users MODIFY status ENUM('active','new','gone') NOT NULL;");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].rule, ENUM);
    assert!(
        found[0].message.contains("reordered"),
        "{}",
        found[0].message
    );
    let found = run("ALTER TABLE users CHANGE status status ENUM('new','active') NOT NULL;");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].message.contains("'gone'"), "{}", found[0].message);
    assert_eq!(
        rules_of("ALTER TABLE users MODIFY tags SET('b','a');"),
        [ENUM]
    );
    // Appending is INSTANT.
    assert!(
        rules_of("ALTER TABLE users MODIFY status ENUM('new','active','gone','banned') NOT NULL;")
            .is_empty()
    );
}

#[test]
fn drops_and_renames_of_existing_tables_and_columns() {
    assert_eq!(
        rules_of("ALTER TABLE users DROP COLUMN age;"),
        ["drop-column"]
    );
    assert_eq!(rules_of("ALTER TABLE users DROP age;"), ["drop-column"]);
    assert!(rules_of("ALTER TABLE users DROP INDEX email;").is_empty());
    assert_eq!(rules_of("DROP TABLE IF EXISTS teams;"), ["drop-table"]);
    assert!(rules_of("DROP TABLE IF EXISTS nothing_here;").is_empty());
    assert_eq!(rules_of("RENAME TABLE teams TO squads;"), ["rename"]);
    assert_eq!(rules_of("ALTER TABLE teams RENAME TO squads;"), ["rename"]);
    assert_eq!(
        rules_of("ALTER TABLE users RENAME COLUMN nick TO handle;"),
        ["rename"]
    );
    assert_eq!(
        rules_of("ALTER TABLE users CHANGE nick handle VARCHAR(20);"),
        ["rename"]
    );
    assert!(rules_of("ALTER TABLE users RENAME INDEX email TO users_email;").is_empty());
}

#[test]
fn a_column_renamed_earlier_in_the_migration_is_judged_by_its_old_type() {
    let sql = "ALTER TABLE users RENAME COLUMN age TO years;\n\
               ALTER TABLE users MODIFY years BIGINT;";
    assert_eq!(rules_of(sql), ["rename", COPY]);
    let sql = "ALTER TABLE users CHANGE nick handle VARCHAR(20);\n\
               ALTER TABLE users MODIFY handle VARCHAR(30);";
    assert_eq!(rules_of(sql), ["rename"]);
}

#[test]
fn a_modify_without_not_null_drops_it() {
    assert_eq!(
        rules_of("ALTER TABLE users MODIFY email VARCHAR(100);"),
        ["drop-not-null"]
    );
    assert!(
        rules_of("ALTER TABLE users MODIFY email VARCHAR(100) NOT NULL COMMENT 'x';").is_empty()
    );
    // The primary key's columns stay NOT NULL whatever MODIFY says.
    assert!(rules_of("ALTER TABLE users MODIFY id BIGINT;").is_empty());
}

#[test]
fn postgres_rules_do_not_fire_on_mysql() {
    // CREATE INDEX is online in InnoDB; varchar, timestamp and int keys are MySQL's normal types.
    let sql = "CREATE INDEX users_age ON users (age);\n\
               CREATE TABLE logs (id INT PRIMARY KEY, at TIMESTAMP, msg VARCHAR(200), c CHAR(2));\n\
               ALTER TABLE users ADD COLUMN verified TINYINT NOT NULL;";
    assert!(rules_of(sql).is_empty(), "{:?}", run(sql));
}

#[test]
fn allow_comments_silence_mysql_findings() {
    let bare = "ALTER TABLE users MODIFY age BIGINT;";
    assert_eq!(rules_of(bare), [COPY]);
    let sql = format!("-- migrate:allow mysql-alter-copies-table the table has 40 rows\n{bare}");
    let sql = sql.as_str();
    assert!(rules_of(sql).is_empty(), "{:?}", run(sql));
}
