//! The traits behind `#[derive(Table)]` and `#[derive(DbEnum)]`.
//!
//! The derives judge most fields at build time from their tokens (`i64`, `Option<String>`,
//! `chrono::NaiveDate`, …). A field whose type cannot be judged that way (an enum, a
//! newtype, a type alias, another crate's type) is checked through [`ColumnType`]: the derive
//! generates a constant that compares the type's [`Kind`] with the kinds the column accepts,
//! so a mismatch is a compile error on the field, never a run-time surprise.

pub use migrate_core::compat::Kind;
use migrate_core::compat::kind::{same_kind, same_str};

/// The SQL kind a Rust type decodes. Implemented for every type sqlx decodes, behind the cargo
/// features sqlx has for them (`uuid`, `chrono`, `time`, `json`, `rust_decimal`, `bigdecimal`,
/// `ipnetwork`, `ipnet`, `mac_address`, `bit-vec`; sqlx's own PostgreSQL types with
/// `postgres`); `#[derive(DbEnum)]` implements it for enums. Implement it for a newtype by delegating to the inner type:
///
/// ```
/// struct UserId(i64);
/// impl migrate_runtime::ColumnType for UserId {
///     const KIND: migrate_runtime::Kind = <i64 as migrate_runtime::ColumnType>::KIND;
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "the build cannot tell which SQL type `{Self}` decodes",
    label = "no `migrate_runtime::ColumnType` for this type",
    note = "a type of another crate that sqlx decodes (uuid, chrono, time, serde_json, rust_decimal, …) needs migrate-runtime's cargo feature of the same name as sqlx's; derive `DbEnum` for a database enum; implement `ColumnType` for a newtype (`const KIND: Kind = <i64 as ColumnType>::KIND;`); or mark the field `#[migrate(sql_type = \"…\")]` or `#[migrate(unchecked)]`"
)]
pub trait ColumnType {
    /// What the type decodes.
    const KIND: Kind;
}

/// A Rust enum checked against a database enum type (PostgreSQL) or a `CHECK (col IN (…))`
/// list. Implemented by `#[derive(DbEnum)]`.
pub trait DbEnum: ColumnType {
    /// The labels, in variant order, as sqlx encodes them.
    const LABELS: &'static [&'static str];
}

/// A struct checked against a table or view. Implemented by `#[derive(Table)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is flattened into a checked struct, but nothing checks which columns it reads",
    label = "no `#[derive(Table)]` on this type",
    note = "derive `Table` for it too (its own `#[migrate(table = \"…\")]` can be any table with those columns), or mark the field `#[migrate(unchecked)]`"
)]
pub trait Table {
    /// The table's name as the migrations spell it (schema-qualified outside `public`).
    const TABLE: &'static str;
    /// The columns the struct reads, in field order (a `#[sqlx(default)]` field's only when
    /// the table has it).
    const COLUMNS: &'static [&'static str];
    /// The columns a row must have: those of the fields without `#[sqlx(default)]`. A struct
    /// that flattens this one needs them in its own table.
    const REQUIRED: &'static [&'static str] = Self::COLUMNS;
}

/// Whether `kind` is one of `allowed` (a `const fn`, for the derives' generated checks).
#[doc(hidden)]
pub const fn kind_in(kind: Kind, allowed: &[Kind]) -> bool {
    let mut i = 0;
    while i < allowed.len() {
        if same_kind(kind, allowed[i]) {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether every string of `items` is in `allowed`, by exact text (a `const fn`, for the
/// derives' generated checks: a `#[sqlx(flatten)]` field's columns, as sqlx looks columns up).
#[doc(hidden)]
pub const fn all_within(items: &[&str], allowed: &[&str]) -> bool {
    let mut i = 0;
    while i < items.len() {
        let mut found = false;
        let mut j = 0;
        while j < allowed.len() {
            if same_str(items[i], allowed[j]) {
                found = true;
            }
            j += 1;
        }
        if !found {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_kinds_compare_by_name() {
        assert!(kind_in(
            Kind::Enum("task_status"),
            &[Kind::Enum("task_status")]
        ));
        assert!(!kind_in(Kind::Enum("task_status"), &[Kind::Enum("status")]));
        assert!(!kind_in(Kind::Enum("text"), &[Kind::String]));
        assert!(kind_in(Kind::I64, &[Kind::I32, Kind::I64]));
        assert!(!kind_in(Kind::I64, &[Kind::I32]));
    }

    #[test]
    fn range_kinds_compare_by_element() {
        assert!(kind_in(Kind::Range(&Kind::I32), &[Kind::Range(&Kind::I32)]));
        assert!(!kind_in(
            Kind::Range(&Kind::I64),
            &[Kind::Range(&Kind::I32)]
        ));
        assert!(!kind_in(Kind::Range(&Kind::I32), &[Kind::I32]));
    }

    #[test]
    fn wrappers_take_the_inner_kind() {
        assert_eq!(<Option<&str> as ColumnType>::KIND, Kind::String);
        assert_eq!(<Box<[u8]> as ColumnType>::KIND, Kind::Bytes);
    }

    #[test]
    fn all_within_needs_every_item_by_exact_text() {
        assert!(all_within(&["id", "name"], &["name", "id", "x"]));
        assert!(!all_within(&["id", "Name"], &["name", "id"]));
        assert!(!all_within(&["id", "missing"], &["id"]));
        assert!(!all_within(&["a", "d"], &["a", "b"]));
    }
}
