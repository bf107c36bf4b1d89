//! Where a change the old release meets was made: the first statement of the new migrations
//! after which it holds. The replay records where a column was last defined, and a later
//! `SET NOT NULL` or `DROP NOT NULL` does not redefine it; a rolling deploy needs the statement
//! that changed what the old code meets.

use migrate_core::schema::Schema;
use migrate_core::{Migration, Script, Version};

/// The current migrations, and the versions the old release had.
pub struct History {
    pub now: Vec<Migration>,
    pub old_versions: Vec<Version>,
    /// The schema of the current migrations the old release had, replayed once when needed.
    pub before: std::cell::OnceCell<Schema>,
}

impl History {
    /// Whether `path` is a migration file the old release did not have.
    pub fn is_new(&self, path: &str) -> bool {
        self.now
            .iter()
            .any(|m| m.up.path == path && !self.old_versions.contains(&m.version))
    }
}

/// The first statement of the migrations new since the old release after which `holds`
/// is true: the old release's migrations are replayed, then the new ones statement by
/// statement (each at its own line, so that what the replay records points into the file).
pub fn first_statement(
    history: &History,
    dialect: migrate_core::Dialect,
    holds: &dyn Fn(&Schema) -> bool,
) -> Option<(String, usize)> {
    let (before, new): (Vec<&Migration>, Vec<&Migration>) = history
        .now
        .iter()
        .partition(|m| history.old_versions.contains(&m.version));
    let mut schema = history
        .before
        .get_or_init(|| {
            let before: Vec<Migration> = before.into_iter().cloned().collect();
            migrate_core::replay::replay_despite_errors(&before, dialect).0
        })
        .clone();
    if holds(&schema) {
        return None;
    }
    for m in new {
        let Ok(statements) = migrate_core::split(&m.up.sql, dialect) else {
            continue;
        };
        for statement in statements {
            let line = m.up.sql[..statement.offset].matches('\n').count() + 1;
            let text = format!("{}{};\n", "\n".repeat(line - 1), statement.sql);
            if let Ok(script) = Script::parse(m.up.path.clone(), text, dialect, true) {
                // A statement the replay cannot read alone (one that needs a routine defined
                // earlier) changes nothing here; the whole replay reported it already.
                let _ = migrate_core::replay::replay_script(&mut schema, &script);
            }
            if holds(&schema) {
                return Some((m.up.path.to_string(), line));
            }
        }
    }
    None
}
