//! `cargo migrate diff --script` on MariaDB: drift made by hand, the repair written in
//! MySQL's syntax, applied as the client would run it, and `verify` finds no drift after.

use crate::support::mysql::MysqlProject;

/// Writes the repair, checks it holds each of `statements` and no `-- TODO:`, runs it on the
/// database, and asserts that `verify` then reports no drift.
fn repair_and_verify(m: &MysqlProject, statements: &[&str]) {
    let script = m.run(&["diff", "--script"]).expect(0).stdout;
    for sql in statements {
        assert!(script.contains(sql), "no `{sql}` in:\n{script}");
    }
    assert!(!script.contains("TODO"), "{script}");
    m.sql(&script);
    let clean = m.run(&["verify"]).expect(0);
    assert!(
        clean.stderr.contains("no drift"),
        "{}\n{script}",
        clean.stderr
    );
}

#[test]
fn diff_script_repairs_drift_in_mysql_syntax() {
    let Some(m) = MysqlProject::new(&[(
        "migrations/1_items.sql",
        "CREATE TABLE `order` (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, \
         `key` VARCHAR(40) NOT NULL DEFAULT 'k', qty INT NOT NULL, note TEXT, \
         parent_id INT, KEY idx_qty (qty), UNIQUE KEY `group` (`key`), \
         CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES `order` (id));\n",
    )]) else {
        return;
    };
    m.run(&["deploy"]).expect(0);
    // Drift made by hand: an extra column, a missing one, a changed type, nullability and
    // default, a missing index, an extra index and a dropped foreign key.
    m.sql(
        "ALTER TABLE `order` ADD COLUMN extra INT; \
         ALTER TABLE `order` DROP COLUMN note; \
         ALTER TABLE `order` MODIFY COLUMN `key` VARCHAR(80) NULL DEFAULT 'x'; \
         ALTER TABLE `order` MODIFY COLUMN qty BIGINT NOT NULL; \
         DROP INDEX idx_qty ON `order`; \
         CREATE INDEX `where` ON `order` (extra); \
         ALTER TABLE `order` DROP FOREIGN KEY fk_parent",
    );
    let drift = m.run(&["verify"]).expect(4);
    assert!(drift.stdout.lines().count() >= 6, "{}", drift.stdout);
    repair_and_verify(
        &m,
        &[
            "ALTER TABLE `order` DROP COLUMN extra;",
            "ALTER TABLE `order` ADD COLUMN note text AFTER qty;",
            "ALTER TABLE `order` MODIFY COLUMN `key` varchar(40) NOT NULL DEFAULT 'k';",
            "ALTER TABLE `order` MODIFY COLUMN qty int NOT NULL;",
            "DROP INDEX `where` ON `order`;",
            "CREATE INDEX idx_qty ON `order` (qty);",
        ],
    );
}

#[test]
fn diff_script_puts_columns_moved_by_hand_back_in_order() {
    let Some(m) = MysqlProject::new(&[(
        "migrations/1_t.sql",
        "CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, a INT, b VARCHAR(10) DEFAULT 'b');\n",
    )]) else {
        return;
    };
    m.run(&["deploy"]).expect(0);
    m.sql("INSERT INTO t (a, b) VALUES (1, 'x'); ALTER TABLE t MODIFY COLUMN b VARCHAR(10) DEFAULT 'b' FIRST");
    let drift = m.run(&["verify"]).expect(4);
    assert!(drift.stdout.contains("another order"), "{}", drift.stdout);
    repair_and_verify(
        &m,
        &[
            "ALTER TABLE t MODIFY COLUMN id int NOT NULL AUTO_INCREMENT FIRST;",
            "ALTER TABLE t MODIFY COLUMN b varchar(10) DEFAULT 'b' AFTER a;",
        ],
    );
    assert_eq!(
        m.count("SELECT COUNT(*) FROM t WHERE a = 1 AND b = 'x'"),
        1,
        "rows kept"
    );
}

#[test]
fn diff_script_replaces_keys_and_drops_constraints_added_by_hand() {
    let Some(m) = MysqlProject::new(&[(
        "migrations/1_t.sql",
        "CREATE TABLE p (id INT PRIMARY KEY);\n\
         CREATE TABLE t (id INT NOT NULL, a INT NOT NULL, p_id INT, PRIMARY KEY (id));\n",
    )]) else {
        return;
    };
    m.run(&["deploy"]).expect(0);
    m.sql(
        "ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (id, a); \
         ALTER TABLE t ADD CONSTRAINT t_p FOREIGN KEY (p_id) REFERENCES p (id); \
         ALTER TABLE t ADD CONSTRAINT a_positive CHECK (a > 0)",
    );
    m.run(&["verify"]).expect(4);
    repair_and_verify(
        &m,
        &[
            "ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (id);",
            "ALTER TABLE t DROP FOREIGN KEY t_p;",
            "ALTER TABLE t DROP CONSTRAINT a_positive;",
        ],
    );
}
