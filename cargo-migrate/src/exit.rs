//! The documented exit codes, one table for every verb.

use migrate_runtime::MigrateError;

/// Success.
pub const OK: i32 = 0;
/// Failure (a migration failed, the database is unreachable, bad files, …).
pub const FAILURE: i32 = 1;
/// Invalid usage (clap's own code for bad arguments, and ours for bad values).
pub const USAGE: i32 = 2;
/// Something is pending (`status`).
pub const PENDING: i32 = 3;
/// A history problem: a migration changed, missing, failed or out of order.
pub const HISTORY: i32 = 4;

/// Exit code when stdout is a pipe that the reader closed (`status | head -1`): 128 + SIGPIPE,
/// what a tool killed by SIGPIPE reports; nothing is printed.
pub const CLOSED_PIPE: i32 = 141;

/// Stdout was closed by its reader: end quietly.
#[derive(Debug, thiserror::Error)]
#[error("stdout was closed")]
pub struct ClosedPipe;

/// An error of how the command was called (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// A history problem found by a verb itself, such as a missing history table (exit code 4).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HistoryError(pub String);

/// The exit code for an error.
pub fn code_of(error: &anyhow::Error) -> i32 {
    for cause in error.chain() {
        if let Some(e) = cause.downcast_ref::<MigrateError>() {
            return e.exit_code();
        }
        if cause.downcast_ref::<UsageError>().is_some() {
            return USAGE;
        }
        if cause.downcast_ref::<HistoryError>().is_some() {
            return HISTORY;
        }
    }
    FAILURE
}
