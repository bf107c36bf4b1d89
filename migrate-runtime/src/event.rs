//! Progress of a run, for output: the CLI prints these as they happen.

use std::time::Duration;

use migrate_core::Migration;

use crate::driver::Blocker;

/// Something a run did or is doing.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Event<'a> {
    /// Another deployer holds the lock; we wait for it.
    WaitingForLock {
        /// Who holds it, as the server tells (PostgreSQL: `pid 123 (app), since …`; MySQL:
        /// `connection 45`), when it could be read.
        holder: Option<&'a str>,
    },
    /// Another deployer holds the lease lock (see [`crate::LockMode::Lease`]); we wait for it
    /// to be released or to expire.
    WaitingForLease {
        /// The holder's owner id (`host:pid:nonce`).
        owner: &'a str,
        /// How long until its lease expires unless renewed.
        expires_in: Duration,
    },
    /// The lease lock of a deployer that stopped renewing it (crashed, killed, cut off) had
    /// expired: this deploy took it over.
    LeaseTakenOver {
        /// The previous holder's owner id.
        owner: &'a str,
        /// How long it had been expired.
        expired_for: Duration,
    },
    /// About to apply a migration.
    Applying {
        /// The migration.
        migration: &'a Migration,
    },
    /// Applied.
    Applied {
        /// The migration.
        migration: &'a Migration,
        /// How long it took, statements and history row together.
        elapsed: Duration,
    },
    /// Another deployer applied it while we waited: nothing to do.
    AlreadyApplied {
        /// The migration.
        migration: &'a Migration,
    },
    /// About to run a migration's down script.
    Reverting {
        /// The migration.
        migration: &'a Migration,
    },
    /// Reverted.
    Reverted {
        /// The migration.
        migration: &'a Migration,
        /// How long its down script and history change took.
        elapsed: Duration,
    },
    /// A statement of the migration has waited this long for locks these sessions hold
    /// (told after 2 s, then every 10 s while it waits).
    StatementBlocked {
        /// The migration whose statement waits.
        migration: &'a Migration,
        /// How long it has waited.
        waited: Duration,
        /// The sessions holding the locks it waits for.
        blockers: &'a [Blocker],
    },
    /// A transactional migration gave up waiting for a lock and was rolled back; it runs
    /// again (retry `attempt` of `of`) after `delay`.
    Retrying {
        /// The migration that runs again.
        migration: &'a Migration,
        /// This retry's number, from 1.
        attempt: u32,
        /// How many retries are allowed.
        of: u32,
        /// How long until it runs.
        delay: Duration,
    },
    /// A stop was requested (`reason`, e.g. `SIGINT`): the running statement is being
    /// cancelled and the run will record how far it got.
    Stopping {
        /// Why (`SIGINT`, or what the application passed to [`crate::Stop::stop`]).
        reason: &'a str,
    },
}

/// An observer that ignores everything.
pub fn ignore(_: &Event<'_>) {}
