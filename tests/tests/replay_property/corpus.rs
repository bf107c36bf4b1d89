//! The regression corpus: every shrunk failure of the random-DDL property, replayed on every
//! run (`corpus.txt`). A `case` must agree; a `known-failing` case is a divergence not fixed
//! yet: it is run and reported, not failed on, and reported again when it starts agreeing.

use migrate_runtime::{AnyConnection, ConnectOptions, Dialect};

use super::{Outcome, run, say};

pub struct Case {
    pub known_failing: bool,
    pub dialect: String,
    pub name: String,
    pub line: usize,
    pub statements: Vec<String>,
}

/// The cases of `corpus.txt`: a `case <dialect> <name>` or `known-failing <dialect> <name>`
/// line, then one statement per line; `#` starts a comment line.
pub fn parse(text: &str) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.splitn(3, ' ');
        let head = words.next().unwrap_or_default();
        if head == "case" || head == "known-failing" {
            let (Some(dialect), Some(name)) = (words.next(), words.next()) else {
                panic!("corpus.txt:{}: `{head} <dialect> <name>`", i + 1);
            };
            assert!(
                dialect == "postgres" || dialect == "sqlite",
                "corpus.txt:{}: dialect `{dialect}` is not postgres or sqlite",
                i + 1
            );
            cases.push(Case {
                known_failing: head == "known-failing",
                dialect: dialect.to_owned(),
                name: name.trim().to_owned(),
                line: i + 1,
                statements: Vec::new(),
            });
        } else {
            let Some(case) = cases.last_mut() else {
                panic!("corpus.txt:{}: a statement before the first case", i + 1);
            };
            case.statements.push(line.trim_end_matches(';').to_owned());
        }
    }
    cases
}

pub async fn check(dialect: Dialect, url: &str) {
    let cases = parse(include_str!("corpus.txt"));
    let mine: Vec<&Case> = cases
        .iter()
        .filter(|c| c.dialect == dialect.to_string())
        .collect();
    assert!(!mine.is_empty(), "corpus.txt has no {dialect} case");
    let mut conn = AnyConnection::connect(url, &ConnectOptions::default())
        .await
        .unwrap();
    let (mut agree, mut known) = (0, 0);
    let mut failures = Vec::new();
    for case in mine {
        let at = format!("corpus.txt:{} {}", case.line, case.name);
        match (
            run(&mut conn, dialect, &case.statements).await,
            case.known_failing,
        ) {
            (Outcome::Agree, false) => agree += 1,
            (Outcome::Agree, true) => say(&format!(
                "{at}: known-failing on {dialect}, but the replay agrees now: make it a `case`"
            )),
            (Outcome::Differ(d), true) => {
                known += 1;
                let mut said = d.join("; ");
                if said.len() > 160 {
                    said = format!("{}…", &said[..said.floor_char_boundary(160)]);
                }
                say(&format!("KNOWN FAILING {at} ({dialect}): {said}"));
            }
            (Outcome::Differ(d), false) => {
                failures.push(format!(
                    "{at}: the replay and {dialect} disagree:\n    {}",
                    d.join("\n    ")
                ));
            }
            (Outcome::Rejected(e), _) => {
                failures.push(format!("{at}: {dialect} refuses the case itself: {e}"));
            }
        }
    }
    conn.close().await;
    say(&format!(
        "regression corpus on {dialect}: {agree} case(s) agree, {known} known failing"
    ));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
