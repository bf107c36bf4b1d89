//! How an error is printed: its chain of causes (driver errors in their clean form, without
//! PostgreSQL's server source line), then the advice that names this CLI's verbs and flags,
//! which the library's messages leave out (an application using migrate-runtime has none).

use migrate_runtime::{MigrateError, describe_cause};

/// The error's text for `error: …`, with advice for `verb` on the lines after it.
pub fn render(error: &anyhow::Error, verb: &str) -> String {
    let mut text = String::new();
    for (i, cause) in error.chain().enumerate() {
        if i > 0 {
            text.push_str(": ");
        }
        match describe_cause(cause) {
            Some(clean) => text.push_str(&clean),
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
