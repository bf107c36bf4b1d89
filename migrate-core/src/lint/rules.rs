//! The lint rules: each an id, why it matters, and the safe alternative. The checks that find
//! them are in `postgres.rs`, `types.rs`, `enums.rs` and `sqlite.rs`.

/// A lint rule, as `cargo migrate lint --list` and the book show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The id findings and `-- migrate:allow` name.
    pub id: &'static str,
    /// Why it is unsafe, in one line.
    pub why: &'static str,
    /// The safe alternative.
    pub fix: &'static str,
}

impl Rule {
    /// How the rule counts when the configuration does not say: the `prefer-*` rules are about
    /// style, not about a deploy going wrong, so they warn; the others are errors.
    pub fn default_severity(&self) -> crate::Severity {
        if self.id.starts_with("prefer-") {
            crate::Severity::Warning
        } else {
            crate::Severity::Error
        }
    }
}

macro_rules! rules {
    ($($name:ident = $id:literal: $why:literal => $fix:literal;)*) => {
        $(pub(super) const $name: Rule = Rule { id: $id, why: $why, fix: $fix };)*
        /// Every rule, in the order the book lists them.
        pub const RULES: &[Rule] = &[$($name),*];
    };
}

rules! {
    CREATE_INDEX = "create-index-concurrently":
        "CREATE INDEX without CONCURRENTLY blocks writes to the table until the index is built"
        => "CREATE INDEX CONCURRENTLY, in a migration marked `-- migrate:no-transaction`";
    DROP_INDEX = "drop-index-concurrently":
        "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table"
        => "DROP INDEX CONCURRENTLY, in a migration marked `-- migrate:no-transaction`";
    REINDEX = "reindex-concurrently":
        "REINDEX without CONCURRENTLY blocks writes (and reads through the index) while it runs"
        => "REINDEX … CONCURRENTLY (PostgreSQL 12+), in a `-- migrate:no-transaction` migration";
    NOT_VALID = "constraint-not-valid":
        "adding a foreign key or CHECK validates every row under a lock that blocks writes"
        => "add it with NOT VALID, then `ALTER TABLE … VALIDATE CONSTRAINT` in a later migration";
    SET_NOT_NULL = "set-not-null":
        "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock"
        => "add `CHECK (c IS NOT NULL) NOT VALID`, VALIDATE it, then SET NOT NULL (PostgreSQL 12+ skips the scan) and drop the check";
    NOT_NULL_NO_DEFAULT = "add-column-not-null-without-default":
        "a NOT NULL column without a default cannot be added to a table that has rows, and the code still running cannot insert rows without it"
        => "add the column nullable (or with a DEFAULT), backfill, then SET NOT NULL";
    VOLATILE_DEFAULT = "add-column-volatile-default":
        "a column added with a volatile default (or any default before PostgreSQL 11) rewrites the table under an ACCESS EXCLUSIVE lock"
        => "add the column without a default, SET DEFAULT afterwards, and backfill in batches";
    CHANGE_TYPE = "change-column-type":
        "changing a column's type rewrites the table (and its indexes) under an ACCESS EXCLUSIVE lock, and breaks code that reads the old type"
        => "add a new column, backfill, switch the code over, then drop the old column (binary-coercible changes are free: a longer varchar, varchar to text, a wider numeric)";
    UNIQUE_NO_INDEX = "add-unique-without-index":
        "adding UNIQUE or PRIMARY KEY builds its index under a lock that blocks writes"
        => "CREATE UNIQUE INDEX CONCURRENTLY first, then `ADD CONSTRAINT … UNIQUE USING INDEX …`";
    RENAME = "rename":
        "renaming a column or table breaks the code still running, which uses the old name"
        => "add the new column or a view, move the code over, and drop the old name in a later release";
    DROP_COLUMN = "drop-column":
        "dropping a column breaks the code still running that reads or writes it"
        => "stop using the column in one release, drop it in the next";
    DROP_TABLE = "drop-table":
        "dropping a table (or schema, or database) loses its data and breaks code still using it"
        => "stop using it in one release, drop it in the next; keep a backup";
    TRUNCATE_CASCADE = "truncate-cascade":
        "TRUNCATE … CASCADE empties every table that references this one, too"
        => "truncate the tables you mean by name";
    ENUM_IN_TRANSACTION = "add-enum-value-in-transaction":
        "before PostgreSQL 12, ALTER TYPE … ADD VALUE cannot run inside a transaction"
        => "mark the migration `-- migrate:no-transaction`";
    LOCK_TIMEOUT = "lock-timeout":
        "a statement that needs an ACCESS EXCLUSIVE lock waits behind long queries and blocks every query queued after it"
        => "`SET lock_timeout = '5s';` before it (or deploy with --statement-lock-timeout), and retry on failure";
    SERIAL = "prefer-identity":
        "serial columns own a sequence with separate permissions and surprising ownership"
        => "`bigint GENERATED ALWAYS AS IDENTITY` (or BY DEFAULT)";
    INT_KEY = "prefer-bigint-primary-key":
        "an integer primary key runs out at 2,147,483,647 rows, and widening it later rewrites the table"
        => "bigint (or bigserial / bigint identity)";
    TIMESTAMP = "prefer-timestamptz":
        "timestamp without time zone stores wall-clock times that mean different instants in different zones"
        => "timestamptz";
    VARCHAR = "prefer-text":
        "char(n) pads with spaces and varchar(n) needs a table-locking change to raise its limit"
        => "text, with a CHECK (length(c) <= n) if the limit matters";
    LONG_NAME = "identifier-too-long":
        "PostgreSQL silently cuts identifiers longer than 63 bytes, so two names can collide"
        => "a name of at most 63 bytes";
    SQLITE_REBUILD = "sqlite-alter-needs-rebuild":
        "SQLite cannot make this change with ALTER TABLE (it fails when it runs): the table must be rebuilt"
        => "rebuild the table: CREATE TABLE new_t (…), INSERT INTO new_t SELECT … FROM t, DROP TABLE t, ALTER TABLE new_t RENAME TO t, then recreate its indexes and triggers (SQLite's 12-step procedure)";
    SQLITE_REBUILD_FOREIGN_KEYS = "sqlite-rebuild-foreign-keys":
        "rebuilding a table other tables reference, with foreign keys on, deletes their rows (ON DELETE CASCADE) or fails when the old table is dropped"
        => "mark the migration `-- migrate:no-transaction`, `PRAGMA foreign_keys = OFF;` before the rebuild, `PRAGMA foreign_key_check;` and `PRAGMA foreign_keys = ON;` after it (the pragma does nothing inside a transaction)";
    SQLITE_REBUILD_LOSES = "sqlite-rebuild-loses-objects":
        "dropping the old table in a rebuild drops its indexes and triggers with it"
        => "recreate every index and trigger of the old table on the rebuilt one in the same migration";
    DROP_NOT_NULL = "drop-not-null":
        "dropping NOT NULL lets NULLs in that the code still running reads as never null (a non-Option field fails to decode)"
        => "make the code read the column as optional in one release, drop NOT NULL in the next";
    DETACH_PARTITION = "detach-partition-concurrently":
        "DETACH PARTITION without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the partitioned table (PostgreSQL 14+ can do without)"
        => "ALTER TABLE … DETACH PARTITION … CONCURRENTLY, in a `-- migrate:no-transaction` migration";
    ENUM_LABEL_REMOVED = "enum-label-removed":
        "an enum label renamed or removed breaks the code still running, which reads and writes the old label"
        => "add the new label, move the code and the rows over, and stop using the old one in a later release";
    MYSQL_COPY = "mysql-alter-copies-table":
        "InnoDB runs this ALTER TABLE with ALGORITHM=COPY: it rebuilds the whole table and blocks writes until done"
        => "add a new column and backfill it instead, or run it with pt-online-schema-change/gh-ost; writing `ALGORITHM=INPLACE, LOCK=NONE` (or INSTANT) makes the server refuse instead of copying";
    MYSQL_BLOCKS_WRITES = "mysql-alter-blocks-writes":
        "InnoDB builds a FULLTEXT or SPATIAL index (or runs an ALTER that says LOCK=SHARED/EXCLUSIVE) with writes to the table blocked until it is done"
        => "build it when writes can wait, or with an online schema change tool (pt-online-schema-change, gh-ost); `LOCK=NONE` makes the server refuse instead of blocking";
    MYSQL_ENUM_REORDER = "mysql-enum-reordered":
        "ENUM labels are stored by position: reordering them changes what stored rows mean, and removing one fails (or maps to '' in non-strict mode) the rows holding it"
        => "only append new labels at the end (INSTANT); move rows off a label before dropping it in a later release";
}

/// `(rule, message, help)` of one finding.
pub(super) type Found = (&'static str, String, &'static str);

pub(super) fn found(rule: Rule, message: String) -> Found {
    (rule.id, message, rule.fix)
}
