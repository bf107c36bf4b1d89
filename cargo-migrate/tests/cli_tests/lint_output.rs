//! `cargo migrate lint` for machines: SARIF 2.1.0 checked against the official schema, and
//! GitHub Actions annotations.

use crate::support::{Project, Run};

fn project() -> Project {
    let p = Project::new(
        "dialect = \"postgres\"\n[package.metadata.migrate.lint]\nrules = { prefer-text = \"warning\" }",
    );
    p.write(
        "migrations/1_users.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
    );
    p.run(&["hash"]).expect(0);
    p.write(
        "migrations/2_more.sql",
        "SET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN code varchar(3);\n  DROP TABLE users;\n",
    );
    p
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0_with_every_finding() {
    let p = project();
    let run = p.run(&["lint", "--format", "sarif"]).expect(1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::draft4::new(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{}", run.stdout);
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let summary: Vec<(String, String, u64)> = results
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap().to_owned(),
                r["level"].as_str().unwrap().to_owned(),
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("prefer-text".to_owned(), "warning".to_owned(), 2),
            ("drop-table".to_owned(), "error".to_owned(), 3),
        ]
    );
    let rule = &doc["runs"][0]["tool"]["driver"]["rules"]
        [results[1]["ruleIndex"].as_u64().unwrap() as usize];
    assert_eq!(rule["id"], "drop-table");
    assert_eq!(
        results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "migrations/2_more.sql"
    );
    // The schema does reject a broken log: the check is not vacuous.
    let mut broken = doc.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&broken));
}

fn run_in_actions(p: &Project) -> Run {
    Run::from(
        p.command(&["lint"])
            .env("GITHUB_ACTIONS", "true")
            .output()
            .unwrap(),
    )
}

#[test]
fn github_actions_get_annotations_and_text_gets_carets_under_the_statement() {
    let p = project();
    let run = p.run(&["lint"]).expect(1);
    assert!(!run.stdout.contains("::error"), "{}", run.stdout);
    assert!(
        run.stdout.contains("error[drop-table]: DROP TABLE users\n --> migrations/2_more.sql:3:3\n  |\n3 |   DROP TABLE users;\n  |   ^^^^^^^^^^^^^^^^^\n  = help: "),
        "{}",
        run.stdout
    );
    let actions = run_in_actions(&p).expect(1);
    assert!(
        actions.stdout.contains("::warning file=migrations/2_more.sql,line=2,col=1,title=prefer-text::column code is varchar(3) (help: text, with a CHECK (length(c) <= n) if the limit matters)\n"),
        "{}",
        actions.stdout
    );
    assert!(
        actions.stdout.contains("::error file=migrations/2_more.sql,line=3,col=3,title=drop-table::DROP TABLE users (help: "),
        "{}",
        actions.stdout
    );
}
