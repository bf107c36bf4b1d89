//! A request to stop a run (the CLI's SIGINT/SIGTERM), shared with the code that applies
//! migrations so it can cancel the running statement and record how far it got.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Cloneable handle: [`Stop::stop`] from a signal handler, the run sees it at once.
#[derive(Debug, Clone, Default)]
pub struct Stop {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    stopped: AtomicBool,
    reason: Mutex<Option<String>>,
    notify: tokio::sync::Notify,
}

impl Stop {
    /// A stop not triggered yet.
    pub fn new() -> Stop {
        Stop::default()
    }

    /// Asks the run to stop; `reason` names why in messages and the history row
    /// (`"SIGINT"`). The first reason wins.
    pub fn stop(&self, reason: impl Into<String>) {
        if let Ok(mut slot) = self.inner.reason.lock()
            && slot.is_none()
        {
            *slot = Some(reason.into());
        }
        self.inner.stopped.store(true, Ordering::SeqCst);
        self.inner.notify.notify_waiters();
    }

    /// Why the run was asked to stop, if it was.
    pub fn reason(&self) -> Option<String> {
        if !self.is_stopped() {
            return None;
        }
        self.inner
            .reason
            .lock()
            .ok()
            .and_then(|r| r.clone())
            .or_else(|| Some("a stop request".to_owned()))
    }

    /// Whether a stop was requested.
    pub fn is_stopped(&self) -> bool {
        self.inner.stopped.load(Ordering::SeqCst)
    }

    /// Resolves when [`Stop::stop`] is called (at once when it was).
    pub async fn stopped(&self) -> String {
        loop {
            let notified = self.inner.notify.notified();
            if let Some(reason) = self.reason() {
                return reason;
            }
            notified.await;
        }
    }
}

/// Waits for `stop` when there is one, forever otherwise.
pub(crate) async fn stopped(stop: Option<&Stop>) -> String {
    match stop {
        Some(stop) => stop.stopped().await,
        None => std::future::pending().await,
    }
}
