//! The migrations folder as files: names and layouts, loading, the statement splitter,
//! directives, checksums, `migrate.sum`, and the errors and positions that point into them.

pub(crate) mod checksum;
#[cfg(test)]
mod down_tests;
pub(crate) mod error;
pub mod integrity;
pub mod layout;
pub(crate) mod migration;
pub(crate) mod position;
pub mod source;
pub mod split;
pub mod version;
