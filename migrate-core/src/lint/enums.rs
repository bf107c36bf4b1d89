//! `enum-label-removed` by the replayed model: an enum type the running code uses that lost a
//! label after a migration (renamed, or the type rebuilt with fewer labels).

use super::rules::{ENUM_LABEL_REMOVED, Rule};
use super::{Existing, Finding};
use crate::schema::Schema;
use crate::{LineCol, Migration, split};

/// The labels of enums that existed before the linted migrations and are gone after `m`
/// (`schema` is replayed through `m`). Each finding points at the last statement of `m` that
/// names the type.
pub(super) fn removed_labels(m: &Migration, schema: &Schema, existing: &Existing) -> Vec<Finding> {
    let rule: Rule = ENUM_LABEL_REMOVED;
    let text = &m.up.sql;
    let Ok(statements) = split(text, schema.dialect) else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    for (name, labels) in &existing.enums {
        let Some(now) = schema.enum_type(name) else {
            continue;
        };
        let upper = name.name.to_ascii_uppercase();
        // A label renamed by `RENAME VALUE` is that statement's own finding.
        let renamed = |label: &str| {
            statements.iter().any(|s| {
                let words: Vec<String> = s.words().take(8).collect();
                words.contains(&upper)
                    && words
                        .windows(2)
                        .any(|w| w[0] == "RENAME" && w[1] == "VALUE")
                    && s.sql.contains(&format!("'{}'", label.replace('\'', "''")))
            })
        };
        let gone: Vec<&str> = labels
            .iter()
            .filter(|l| !now.labels.iter().any(|n| &n.name == *l) && !renamed(l))
            .map(String::as_str)
            .collect();
        if gone.is_empty() {
            continue;
        }
        let Some(statement) = statements
            .iter()
            .rev()
            .find(|s| s.words().any(|w| w == upper))
        else {
            continue; // not this migration's doing
        };
        findings.push(Finding {
            rule: rule.id,
            path: m.up.path.to_string(),
            at: LineCol::of(text, statement.offset),
            line_text: super::source_line(text, statement.offset),
            message: format!(
                "enum {} loses label(s) {} that the code still running may read or write",
                name.name,
                gone.iter()
                    .map(|l| format!("'{l}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            help: rule.fix.to_owned(),
        });
    }
    findings
}
