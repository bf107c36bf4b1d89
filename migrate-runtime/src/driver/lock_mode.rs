//! Which deploy lock a connection uses, and how a verb reports it.

use std::time::Duration;

/// The default lease duration: a dead deployer's lease is taken over this long after its
/// last renewal.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);

/// Which deploy lock to take on PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum LockMode {
    /// The lease where the advisory lock cannot be trusted (a transaction pooler in between,
    /// or CockroachDB), the advisory lock otherwise.
    #[default]
    Auto,
    /// A session advisory lock (`pg_try_advisory_lock`): needs a session of our own.
    Advisory,
    /// The lease lock: a row in `<history table>_lock`, renewed while the deploy runs.
    Lease,
}

impl std::str::FromStr for LockMode {
    type Err = String;

    fn from_str(s: &str) -> Result<LockMode, String> {
        match s {
            "auto" => Ok(LockMode::Auto),
            "advisory" => Ok(LockMode::Advisory),
            "lease" => Ok(LockMode::Lease),
            other => Err(format!(
                "unknown lock `{other}` (known: advisory, lease, auto)"
            )),
        }
    }
}

/// The deploy lock a connection uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LockKind {
    /// A PostgreSQL session advisory lock.
    Advisory,
    /// The lease lock (a row of the lease table).
    Lease,
    /// SQLite's own write lock (`BEGIN IMMEDIATE`).
    Database,
}

impl std::fmt::Display for LockKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LockKind::Advisory => "advisory lock",
            LockKind::Lease => "lease lock",
            LockKind::Database => "database write lock",
        })
    }
}

/// Which deploy lock is in use, why, and who holds it now.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LockState {
    /// The lock.
    pub kind: LockKind,
    /// Why it was chosen (`configured`, `the server is CockroachDB`, …).
    pub why: String,
    /// Who holds it now, as the lock tells (a lease's owner, an advisory lock's session).
    pub holder: Option<String>,
    /// A lease's time left (negative: expired that long ago, free to take over).
    pub expires_in: Option<f64>,
    /// The lease's duration.
    pub lease: Option<Duration>,
}
