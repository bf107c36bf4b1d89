//! Running one migration statement while watching it: a stop request cancels it, and a
//! statement that waits for a lock is reported with the sessions that hold it.

use std::time::{Duration, Instant};

use migrate_core::Migration;

use crate::driver::{DbError, Driver};
use crate::stop::stopped;
use crate::{Event, Stop};

/// How long a statement runs before we look for sessions blocking it.
pub(crate) const FIRST_LOOK: Duration = Duration::from_secs(2);
/// How often to look again while nothing blocks it.
const LOOK_AGAIN: Duration = Duration::from_secs(1);
/// How often to repeat the report while it stays blocked.
pub(crate) const REPEAT: Duration = Duration::from_secs(10);

/// What watches the statements of a run.
pub(crate) struct Watch<'a, D> {
    /// A second connection to the same database: cancels and inspects `session`.
    pub sidecar: Option<&'a mut D>,
    /// The server's id of the connection that runs the migrations.
    pub session: Option<i64>,
    pub stop: Option<&'a Stop>,
    pub observer: &'a (dyn Fn(&Event<'_>) + Sync),
    /// The last statement failed because it gave up waiting for a lock.
    pub lock_timed_out: bool,
}

impl<D: Driver> Watch<'_, D> {
    /// A watch that only passes events on (revert, resolve).
    pub fn quiet(observer: &(dyn Fn(&Event<'_>) + Sync)) -> Watch<'_, D> {
        Watch {
            sidecar: None,
            session: None,
            stop: None,
            observer,
            lock_timed_out: false,
        }
    }

    /// Why the run was asked to stop, if it was.
    pub fn stopped(&self) -> Option<String> {
        self.stop.and_then(Stop::reason)
    }

    /// Runs one statement of `migration` on `conn`.
    pub async fn execute(
        &mut self,
        conn: &mut D,
        migration: &Migration,
        sql: &str,
    ) -> Result<(), DbError> {
        let started = Instant::now();
        let exec = conn.execute(sql);
        tokio::pin!(exec);
        let can_look = self.sidecar.is_some() && self.session.is_some();
        let mut next_look = started + FIRST_LOOK;
        let mut cancelled = false;
        loop {
            tokio::select! {
                biased;
                result = &mut exec => {
                    // SQLite's progress handler aborts the statement itself on a stop, so the
                    // statement may end before the stop below is seen: say why it ended all the
                    // same.
                    if result.is_err()
                        && !cancelled
                        && let Some(reason) = self.stopped()
                    {
                        (self.observer)(&Event::Stopping { reason: &reason });
                    }
                    self.lock_timed_out = result.as_ref().is_err_and(|e| e.lock_timeout);
                    return result;
                }
                reason = stopped(self.stop), if !cancelled => {
                    cancelled = true;
                    (self.observer)(&Event::Stopping { reason: &reason });
                    if let (Some(sidecar), Some(id)) = (self.sidecar.as_deref_mut(), self.session) {
                        // A failed cancel leaves the statement to finish; the run stops after it.
                        let _ = sidecar.cancel_session(id).await;
                    }
                }
                _ = tokio::time::sleep_until(next_look.into()), if can_look => {
                    let blockers = match (self.sidecar.as_deref_mut(), self.session) {
                        (Some(sidecar), Some(id)) => sidecar.blockers(id).await.unwrap_or_default(),
                        _ => Vec::new(),
                    };
                    if blockers.is_empty() {
                        next_look += LOOK_AGAIN;
                    } else {
                        (self.observer)(&Event::StatementBlocked {
                            migration,
                            waited: started.elapsed(),
                            blockers: &blockers,
                        });
                        next_look = Instant::now() + REPEAT;
                    }
                }
            }
        }
    }
}
