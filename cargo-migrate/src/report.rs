//! How an error is printed: its chain of causes (driver errors in their clean form, without
//! PostgreSQL's server source line), then the advice that names this CLI's verbs and flags,
//! which the library's messages leave out (an application using migrate-runtime has none).

use migrate_core::{HistoryProblems, MigrationState, StatusEntry};
use migrate_runtime::__private::describe_cause;
use migrate_runtime::MigrateError;

/// The error's text for `error: …`, with advice for `verb` on the lines after it.
pub fn render(error: &anyhow::Error, verb: &str) -> String {
    let mut text = String::new();
    for (i, cause) in error.chain().enumerate() {
        if i > 0 {
            text.push_str(": ");
        }
        if let Some(problems) = history_problems_of(cause) {
            text.push_str(&history_problems(&problems.0));
            continue;
        }
        match describe_cause(cause) {
            // The driver's error says it all: its own sources are the same error again
            // (PostgreSQL's, with the server's source line).
            Some(clean) => {
                text.push_str(&clean);
                break;
            }
            None => text.push_str(&cause.to_string()),
        }
    }
    if let Some(advice) = advice(error, verb) {
        text.push_str("\n  ");
        text.push_str(&advice);
    }
    text
}

/// What to do next, in terms of this CLI.
fn advice(error: &anyhow::Error, verb: &str) -> Option<String> {
    let e = error
        .chain()
        .find_map(|c| c.downcast_ref::<MigrateError>())?;
    match e {
        MigrateError::Connect {
            hint,
            gave_up_after,
            ..
        } => Some(match gave_up_after {
            Some(_) => format!("{hint} (raise --connect-timeout to wait longer)"),
            None => hint.clone(),
        }),
        MigrateError::UnknownVersion { .. } => {
            Some("Run `cargo migrate status` to list the migrations.".to_owned())
        }
        MigrateError::NotRecorded { .. } => {
            Some("Run `cargo migrate status` to see what the history records.".to_owned())
        }
        MigrateError::LockTimeout { .. } => {
            Some("Raise --lock-timeout (seconds) to wait longer.".to_owned())
        }
        MigrateError::Failed {
            rolled_back: true,
            message,
            path,
            ..
        } => Some(if is_read_only(message) {
            "The database is read-only: check the permissions of the database file and its \
             folder (or the database user's privileges), then run the command again."
                .to_owned()
        } else if verb == "revert" {
            format!("Nothing was reverted. Fix {path} and run `cargo migrate revert` again.")
        } else {
            "Fix the SQL and deploy again.".to_owned()
        }),
        MigrateError::Failed {
            rolled_back: false,
            version,
            ..
        } if verb == "deploy" => Some(format!(
            "Fix the failed statement and run `cargo migrate deploy --resume {version}`: it starts \
             at that statement when the done ones are unchanged. Or finish or undo it by hand, then \
             run `cargo migrate resolve --applied {version}` or `cargo migrate resolve --rolled-back {version}`."
        )),
        MigrateError::Failed {
            rolled_back: false,
            version,
            ..
        } => Some(format!(
            "Finish or undo it by hand, then run `cargo migrate resolve --applied {version}` or \
             `cargo migrate resolve --rolled-back {version}`."
        )),
        _ => None,
    }
}

fn is_read_only(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("readonly database") || m.contains("read-only transaction")
}

fn history_problems_of<'a>(
    cause: &'a (dyn std::error::Error + 'static),
) -> Option<&'a HistoryProblems> {
    match cause.downcast_ref::<MigrateError>() {
        Some(MigrateError::History { problems }) => Some(problems),
        _ => cause.downcast_ref::<HistoryProblems>(),
    }
}

/// Each history problem (migrate-core states the facts) followed by what to do about it
/// with this CLI's verbs.
pub fn history_problems(entries: &[StatusEntry]) -> String {
    entries
        .iter()
        .map(|e| match history_remedy(e) {
            Some(remedy) => format!("{}.\n  {remedy}", e.problem()),
            None => e.problem(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn history_remedy(e: &StatusEntry) -> Option<String> {
    let v = &e.version;
    let path = e.path.as_deref().unwrap_or("(no file)");
    Some(match e.state {
        MigrationState::Changed => format!(
            "Restore the file (see `git log -p -- {path}`), or, if the edit was reviewed and the database already matches it, accept it with `cargo migrate resolve --checksum {v}`"
        ),
        MigrationState::Missing => format!(
            "Restore the file from version control, or, if it was removed on purpose, forget it with `cargo migrate resolve --rolled-back {v}` (this runs no SQL)"
        ),
        MigrationState::Failed if e.row.as_ref().is_some_and(|r| r.progress.is_some()) => format!(
            "Either finish the remaining statements by hand and record it with `cargo migrate resolve --applied {v}`, \
             or undo the done ones by hand and record that with `cargo migrate resolve --rolled-back {v}`; \
             `cargo migrate deploy --resume {v}` runs the remaining statements"
        ),
        MigrationState::Failed => format!(
            "Finish or undo its statements by hand, then record the outcome with `cargo migrate resolve --applied {v}` or `cargo migrate resolve --rolled-back {v}`"
        ),
        MigrationState::OutOfOrder => "Give it a newer version (rename the file), or apply it anyway with `--allow-out-of-order`".to_owned(),
        MigrationState::Applied | MigrationState::Pending => return None,
    })
}
