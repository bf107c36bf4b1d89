//! Progress of a run, for output: the CLI prints these as they happen.

use std::time::Duration;

use migrate_core::Migration;

use crate::driver::Blocker;

/// Something a run did or is doing.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Event<'a> {
    /// Another deployer holds the lock; we wait for it.
    WaitingForLock,
    /// About to apply a migration.
    Applying(&'a Migration),
    /// Applied, in this many milliseconds.
    Applied(&'a Migration, u64),
    /// Another deployer applied it while we waited: nothing to do.
    AlreadyApplied(&'a Migration),
    /// About to run a migration's down script.
    Reverting(&'a Migration),
    /// Reverted, in this many milliseconds.
    Reverted(&'a Migration, u64),
    /// A statement of the migration has waited this long for locks these sessions hold
    /// (told after 2 s, then every 10 s while it waits).
    StatementBlocked {
        /// The migration.
        migration: &'a Migration,
        /// How long the statement has waited.
        waited: Duration,
        /// The sessions holding the locks it waits for.
        blockers: &'a [Blocker],
    },
    /// A transactional migration gave up waiting for a lock and was rolled back; it runs
    /// again (retry `attempt` of `of`) after `delay`.
    Retrying {
        /// The migration.
        migration: &'a Migration,
        /// This retry's number, from 1.
        attempt: u32,
        /// How many retries there will be at most.
        of: u32,
        /// How long until it runs again.
        delay: Duration,
    },
    /// A stop was requested (`reason`, e.g. `SIGINT`): the running statement is being
    /// cancelled and the run will record how far it got.
    Stopping {
        /// Why (`SIGINT`, `SIGTERM`, …).
        reason: &'a str,
    },
}

/// An observer that ignores everything.
pub fn ignore(_: &Event<'_>) {}
