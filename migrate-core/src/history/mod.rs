//! The history side: migration states and deploy plans from files and history rows, and
//! taking over another tool's history.

pub mod adopt;
pub(crate) mod status;
