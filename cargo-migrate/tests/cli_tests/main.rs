//! The CLI tests: the real `cargo-migrate` binary run against temp projects and real
//! databases. One test binary (modules inside) so the suite links once.

mod support;

mod adopt;
mod applied_transaction_control;
mod backup;
mod check;
mod cli_verbs;
mod compat;
mod diesel_layout;
mod embed_rebuild;
mod environments;
mod help;
mod history_lock;
mod interrupt;
mod lint;
mod lint_mysql;
mod lint_output;
mod lint_sources;
mod lock_wait;
mod messages;
mod mysql;
mod mysql_adopt;
mod mysql_repair;
mod output;
mod own_transaction;
mod pooler;
mod replay_overrides;
mod reset;
mod rows;
mod secrets;
mod tls;
mod urls;
mod verify;
mod verify_shape;
