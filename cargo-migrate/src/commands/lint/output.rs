//! Lint's findings as text (rustc's layout), JSON, SARIF 2.1.0 and GitHub Actions annotations.

use migrate_core::Severity;
use migrate_core::lint::{Finding, RULES};
use serde_json::{Value, json};

/// A finding and how it counts.
pub type Judged = (Finding, Severity);

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Warning => "warning",
        _ => "error",
    }
}

/// A finding as rustc shows a diagnostic: the rule, the place, the line, carets under the
/// statement, the fix.
pub fn text((f, severity): &Judged) -> String {
    let line = f.at.line.to_string();
    let pad = " ".repeat(line.len());
    let before = f.at.col.saturating_sub(1);
    let width = f.line_text.chars().skip(before).count().max(1);
    let caret = format!("{}{}", " ".repeat(before), "^".repeat(width));
    format!(
        "{level}[{rule}]: {message}\n{pad}--> {path}:{at}\n{pad} |\n{line} | {text}\n{pad} | {caret}\n{pad} = help: {help}\n",
        level = level(*severity),
        rule = f.rule,
        message = f.message,
        path = f.path,
        at = f.at,
        text = f.line_text,
        help = f.help,
    )
}

/// `--format json`.
pub fn json(linted: usize, findings: &[Judged]) -> Value {
    json!({
        "linted": linted,
        "findings": findings.iter().map(|(f, severity)| json!({
            "rule": f.rule,
            "severity": level(*severity),
            "path": f.path,
            "line": f.at.line,
            "column": f.at.col,
            "message": f.message,
            "help": f.help,
        })).collect::<Vec<_>>(),
    })
}

/// `--format sarif`: one run of SARIF 2.1.0, every rule described, one result per finding.
pub fn sarif(findings: &[Judged]) -> Value {
    let mut rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "shortDescription": { "text": r.why },
                "help": { "text": r.fix },
            })
        })
        .collect();
    for (id, why) in [
        (
            "allow-needs-reason",
            "a `-- migrate:allow` comment without a reason allows nothing",
        ),
        (
            "allow-unknown-rule",
            "a `-- migrate:allow` comment names no lint rule",
        ),
    ] {
        rules.push(json!({ "id": id, "shortDescription": { "text": why } }));
    }
    let index = |id: &str| rules.iter().position(|r| r["id"] == id);
    let results: Vec<Value> = findings
        .iter()
        .map(|(f, severity)| {
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(*severity),
                "message": { "text": format!("{} (help: {})", f.message, f.help) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": f.path.replace('\\', "/") },
                        "region": { "startLine": f.at.line, "startColumn": f.at.col },
                    }
                }],
            });
            if let Some(i) = index(f.rule) {
                result["ruleIndex"] = json!(i);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "cargo-migrate lint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "results": results,
        }],
    })
}

/// A GitHub Actions workflow command that annotates the file's line in the pull request.
pub fn github((f, severity): &Judged) -> String {
    format!(
        "::{} file={},line={},col={},title={}::{}",
        level(*severity),
        property(&f.path),
        f.at.line,
        f.at.col,
        property(f.rule),
        data(&format!("{} (help: {})", f.message, f.help)),
    )
}

/// Escapes a workflow command's message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
