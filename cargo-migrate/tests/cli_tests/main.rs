//! The CLI tests: the real `cargo-migrate` binary run against temp projects and real
//! databases. One test binary (modules inside) so the suite links once.

mod support;

mod adopt;
mod backup;
mod check;
mod cli_verbs;
mod embed_rebuild;
mod environments;
mod help;
mod history_lock;
mod interrupt;
mod lock_wait;
mod messages;
mod output;
mod replay_overrides;
mod rows;
mod secrets;
mod tls;
mod urls;
mod verify;
mod verify_shape;
