//! `[package.metadata.migrate.lint]`: which lint rules run, how hard each one fails, and the
//! PostgreSQL version the migrations target.

use std::collections::BTreeMap;

/// How a lint rule's findings count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Not reported.
    Off,
    /// Reported; does not fail the exit code.
    Warning,
    /// Reported, and fails the exit code (the default of every rule but the `prefer-*` ones).
    Error,
}

/// The `lint` table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LintConfig {
    /// `postgres-version`: the PostgreSQL major version the migrations will run on.
    pub postgres_version: Option<u32>,
    /// `rules`: a rule id -> `"off"`, `"warning"` or `"error"`.
    pub rules: BTreeMap<String, Severity>,
}

impl LintConfig {
    /// The severity of `rule`: as configured, else the rule's default (`Warning` for the
    /// `prefer-*` style rules, `Error` for the rest).
    pub fn severity(&self, rule: &str) -> Severity {
        self.rules.get(rule).copied().unwrap_or_else(|| {
            crate::lint::RULES
                .iter()
                .find(|r| r.id == rule)
                .map_or(Severity::Error, |r| r.default_severity())
        })
    }

    /// The workspace's table with the package's on top (the package's keys win).
    pub(crate) fn merged(workspace: LintConfig, package: LintConfig) -> LintConfig {
        let mut rules = workspace.rules;
        rules.extend(package.rules);
        LintConfig {
            postgres_version: package.postgres_version.or(workspace.postgres_version),
            rules,
        }
    }

    /// Reads the table; errors name the key (`lint.rules.drop-colum`).
    pub(crate) fn parse(value: &toml::Value) -> Result<LintConfig, String> {
        let table = value
            .as_table()
            .ok_or("`lint` must be a table (`[package.metadata.migrate.lint]`)")?;
        let mut config = LintConfig::default();
        for (key, value) in table {
            match key.as_str() {
                "postgres-version" => {
                    config.postgres_version = Some(
                        value
                            .as_integer()
                            .and_then(|n| u32::try_from(n).ok())
                            .filter(|n| (9..=99).contains(n))
                            .ok_or("`lint.postgres-version` must be a PostgreSQL major version such as 15")?,
                    );
                }
                "rules" => {
                    let rules = value.as_table().ok_or(
                        "`lint.rules` must be a table of rule = \"off\" | \"warning\" | \"error\"",
                    )?;
                    for (rule, level) in rules {
                        if !crate::lint::RULES.iter().any(|r| r.id == rule.as_str()) {
                            return Err(format!(
                                "`lint.rules.{rule}`: no such lint rule (`cargo migrate lint --list` shows them)"
                            ));
                        }
                        let severity = match level.as_str() {
                            Some("off") => Severity::Off,
                            Some("warning") => Severity::Warning,
                            Some("error") => Severity::Error,
                            _ => {
                                return Err(format!(
                                    "`lint.rules.{rule}` must be \"off\", \"warning\" or \"error\""
                                ));
                            }
                        };
                        config.rules.insert(rule.clone(), severity);
                    }
                }
                other => {
                    return Err(format!(
                        "unknown key `lint.{other}` (known: postgres-version, rules)"
                    ));
                }
            }
        }
        Ok(config)
    }
}
