//! Per-statement progress of a migration that cannot be one transaction (no-transaction
//! migrations; DDL on MySQL): the history row is committed as `running` before the first
//! statement and counts the statements done after each one, with a checksum of their text.
//! Dialect-independent: drivers only store the numbers.

use migrate_core::Checksum;
use migrate_core::split::Statement;

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

#[cfg(test)]
mod tests {
    use super::prefix_checksum;
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
}
