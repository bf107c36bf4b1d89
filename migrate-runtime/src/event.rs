//! Progress of a run, for output: the CLI prints these as they happen.

use migrate_core::Migration;

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
}

/// An observer that ignores everything.
pub fn ignore(_: &Event<'_>) {}
