//! The JSON documents the CLI prints (`schema`, `verify`, `status`, `matrix` with
//! `--format json`), all built as `serde_json::Value`s and printed by
//! `serde_json::to_string_pretty`: one JSON system in the binary.
//!
//! The renderers of the schema model and of differences live here, not in migrate-core:
//! migrate-core runs in every user's `cargo build` and carries no serde, and only this binary
//! prints these documents. Objects keep their keys in insertion order (serde_json's
//! `preserve_order`), so every document is stable.

mod difference;
mod schema;

use serde_json::Value;

pub use difference::difference;
pub use schema::to_json as schema;

/// An object from `(key, value)` pairs, in that order.
pub fn object<const N: usize>(fields: [(&str, Value); N]) -> Value {
    Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// Indented by two spaces, one field or element per line.
pub fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).expect("a JSON value always serializes")
}

/// sqlx's integer versions as numbers, diesel's text versions as strings.
pub fn version(v: &migrate_core::Version) -> Value {
    match v {
        migrate_core::Version::Number(n) => Value::from(*n),
        migrate_core::Version::Text(t) => Value::from(t.to_string()),
    }
}
