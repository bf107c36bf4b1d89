//! The workspace-level integration tests (real SQLite, PostgreSQL and MariaDB): one test binary,
//! a module per subject, so the suite links once. Run one subject with a filter:
//! `cargo test -p migrate-tests --test integration runtime::`.
//!
//! The random-DDL property test stays its own binary (`--test replay_property`): it is run
//! alone, with a seed, by CI and when a failure is replayed.

mod adopt;
mod compat;
mod compat_mysql;
mod errors;
mod mysql;
mod query_corpus;
mod query_corpus_calls;
mod query_corpus_mysql;
mod query_describe;
mod replay_differential;
mod replay_differential_mysql;
mod replay_property_mysql;
mod runtime;
mod schema_sql_mysql;
mod skips;
mod sqlx_migrator;
mod verify;
