//! `-- migrate:allow <rule>[, <rule>…] <reason>`: a finding accepted on purpose, with why.

use super::RULES;

/// One `-- migrate:allow` comment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Allow {
    pub rules: Vec<String>,
    pub reason: String,
}

impl Allow {
    pub fn allows(&self, rule: &str) -> bool {
        !self.reason.is_empty() && self.rules.iter().any(|r| r == rule)
    }

    /// The finding a malformed comment is: `(rule, message, help)`.
    pub fn malformed(&self) -> Option<(&'static str, String, String)> {
        if let Some(unknown) = self
            .rules
            .iter()
            .find(|r| !RULES.iter().any(|rule| rule.id == r.as_str()))
        {
            return Some((
                "allow-unknown-rule",
                format!("`-- migrate:allow` names `{unknown}`, which is no lint rule"),
                "use a rule id from `cargo migrate lint --list`".to_owned(),
            ));
        }
        if self.reason.is_empty() {
            return Some((
                "allow-needs-reason",
                format!(
                    "`-- migrate:allow {}` gives no reason, so it allows nothing",
                    self.rules.join(", ")
                ),
                "say why after the rule ids: `-- migrate:allow <rule> <why this is safe here>`"
                    .to_owned(),
            ));
        }
        None
    }
}

/// The `-- migrate:allow` comments among a statement's leading comment lines.
pub(super) fn parse(leading: &str) -> Vec<Allow> {
    leading
        .lines()
        .filter_map(|line| {
            let rest = line.trim().strip_prefix("--")?.trim();
            let rest = rest.strip_prefix("migrate:allow")?;
            if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
                return None;
            }
            let mut rules = Vec::new();
            let mut words = rest.split_whitespace();
            // Rule ids, comma separated (`a, b` or `a,b`), then the reason.
            for word in words.by_ref() {
                rules.extend(word.split(',').filter(|s| !s.is_empty()).map(str::to_owned));
                if !word.ends_with(',') {
                    break;
                }
            }
            Some(Allow {
                rules,
                reason: words.collect::<Vec<_>>().join(" "),
            })
        })
        .collect()
}

/// The findings of migration-wide rules (found after replaying all of `m`) that no
/// `-- migrate:allow` above their statement or above the file's first statement accepts.
pub(super) fn unless_allowed(
    m: &crate::Migration,
    dialect: crate::Dialect,
    findings: Vec<super::Finding>,
) -> Vec<super::Finding> {
    if findings.is_empty() {
        return findings;
    }
    let text = &m.up.sql;
    let Ok(statements) = crate::split(text, dialect) else {
        return findings;
    };
    let file = statements
        .first()
        .map(|s| parse(s.leading))
        .unwrap_or_default();
    findings
        .into_iter()
        .filter(|f| {
            let above = statements
                .iter()
                .find(|s| crate::LineCol::of(text, s.offset) == f.at)
                .map(|s| parse(s.leading))
                .unwrap_or_default();
            !above.iter().chain(&file).any(|a| a.allows(f.rule))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Allow, parse};

    #[test]
    fn rules_then_reason() {
        assert_eq!(
            parse(
                "-- note\n-- migrate:allow create-index-concurrently, rename the table is empty\n"
            ),
            [Allow {
                rules: vec!["create-index-concurrently".into(), "rename".into()],
                reason: "the table is empty".into()
            }]
        );
        assert_eq!(
            parse("  --   migrate:allow drop-column\n"),
            [Allow {
                rules: vec!["drop-column".into()],
                reason: String::new()
            }]
        );
        assert!(parse("-- migrate:allowed x y\n-- migrate:replay-skip\n").is_empty());
    }

    #[test]
    fn malformed_comments_are_findings() {
        let no_reason = &parse("-- migrate:allow drop-column")[0];
        assert_eq!(no_reason.malformed().unwrap().0, "allow-needs-reason");
        assert!(!no_reason.allows("drop-column"));
        let unknown = &parse("-- migrate:allow no-such-rule because")[0];
        assert_eq!(unknown.malformed().unwrap().0, "allow-unknown-rule");
        let good = &parse("-- migrate:allow drop-column unused since v2")[0];
        assert_eq!(good.malformed(), None);
        assert!(good.allows("drop-column"));
    }
}
