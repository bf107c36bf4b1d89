//! trybuild cases only: see `tests/ui.rs`.
