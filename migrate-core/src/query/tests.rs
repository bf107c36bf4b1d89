//! Unit tests of the query inference, over schemas replayed from migration text.
