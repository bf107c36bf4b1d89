//! SIGINT/SIGTERM during a run: the first asks the run to stop cleanly (cancel the running
//! statement, record how far it got, release the lock); a second one exits at once.

use migrate_runtime::Stop;
use tokio::signal::unix::{SignalKind, signal};

/// Routes SIGINT and SIGTERM to `stop` until the process ends.
pub fn forward_to(stop: &Stop) -> anyhow::Result<()> {
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    let stop = stop.clone();
    tokio::spawn(async move {
        loop {
            let name = tokio::select! {
                _ = interrupt.recv() => "SIGINT",
                _ = terminate.recv() => "SIGTERM",
            };
            if stop.is_stopped() {
                std::process::exit(exit_code(name));
            }
            stop.stop(name);
        }
    });
    Ok(())
}

/// The shell's exit code for a run stopped by `signal`: 128 + its number.
pub fn exit_code(signal: &str) -> i32 {
    match signal {
        "SIGTERM" => 143,
        _ => 130,
    }
}
