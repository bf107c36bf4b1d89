//! Per-statement progress of a migration that cannot be one transaction (no-transaction
//! migrations; DDL on MySQL): the history row is committed as `running` before the first
//! statement and counts the statements done after each one, with a checksum of their text.
//! Dialect-independent: drivers only store the numbers.

use migrate_core::split::{Statement, split};
use migrate_core::{Checksum, Script};

use crate::driver::Driver;

/// The checksum of the first `done` statements' text: each statement's text followed by a
/// NUL byte, hashed as [`Checksum::of`] hashes a file. A resume compares it with the row's.
pub(crate) fn prefix_checksum(statements: &[Statement<'_>], done: usize) -> String {
    let mut text = String::new();
    for statement in statements.iter().take(done) {
        text.push_str(statement.sql);
        text.push('\0');
    }
    Checksum::of(&text).to_hex()
}

/// Whether `script` runs as one transaction with its history row on `conn`: always where DDL
/// is transactional; on MySQL/MariaDB only when it is made of DML alone (no statement there
/// commits implicitly). Never for a no-transaction script or a resume.
pub(crate) fn one_transaction<D: Driver>(conn: &D, script: &Script, resuming: bool) -> bool {
    if script.no_transaction || resuming {
        return false;
    }
    conn.transactional_ddl()
        || split(&script.sql, conn.dialect()).is_ok_and(|statements| only_dml(&statements))
}

/// Whether every statement reads or writes rows and none commits implicitly (the script's
/// own `BEGIN`/`COMMIT` around all of it aside).
fn only_dml(statements: &[Statement<'_>]) -> bool {
    !statements.is_empty()
        && statements
            .iter()
            .enumerate()
            .all(|(i, statement)| Statement::wraps_transaction(statements, i) || is_dml(statement))
}

/// Whether a statement only reads or writes rows (and so commits nothing implicitly).
pub(crate) fn is_dml(statement: &Statement<'_>) -> bool {
    matches!(
        statement.keyword().as_str(),
        "INSERT" | "UPDATE" | "DELETE" | "REPLACE" | "SELECT" | "WITH" | "VALUES"
    )
}

#[cfg(test)]
mod tests {
    use super::{only_dml, prefix_checksum};
    use migrate_core::{Dialect, split};

    #[test]
    fn prefix_checksum_covers_exactly_the_done_statements() {
        let a = "UPDATE t SET x = 1;\nSELECT 2;\nSELECT 3;";
        let b = "UPDATE t SET x = 1;\nSELECT 2;\nSELECT 4;";
        let c = "UPDATE t SET x = 2;\nSELECT 2;\nSELECT 3;";
        let (a, b, c) = (
            split(a, Dialect::Postgres).unwrap(),
            split(b, Dialect::Postgres).unwrap(),
            split(c, Dialect::Postgres).unwrap(),
        );
        assert_eq!(prefix_checksum(&a, 2), prefix_checksum(&b, 2));
        assert_ne!(prefix_checksum(&a, 3), prefix_checksum(&b, 3));
        assert_ne!(prefix_checksum(&a, 1), prefix_checksum(&c, 1));
        assert_ne!(prefix_checksum(&a, 1), prefix_checksum(&a, 2));
    }

    #[test]
    fn only_rows_statements_are_dml() {
        let dml = |text: &str| only_dml(&split(text, Dialect::Mysql).unwrap());
        assert!(dml(
            "INSERT INTO t VALUES (1);\nUPDATE t SET x = 2;\nDELETE FROM t;"
        ));
        assert!(dml("BEGIN;\nREPLACE INTO t VALUES (1);\nCOMMIT;"));
        assert!(!dml("INSERT INTO t VALUES (1);\nALTER TABLE t ADD y INT;"));
        assert!(!dml("INSERT INTO t VALUES (1);\nLOCK TABLES t WRITE;"));
        assert!(!dml("CALL p();"));
        assert!(!dml("-- nothing"));
    }
}
