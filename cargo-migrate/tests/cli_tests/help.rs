//! Each verb's `--help` lists only the options it uses.

use crate::support::Project;

#[test]
fn new_hash_and_schema_do_not_list_database_flags_they_ignore() {
    let p = Project::new("dialect = \"sqlite\"");
    let help = |verb: &str| p.run(&[verb, "--help"]).expect(0).stdout;
    for verb in ["new", "hash"] {
        let text = help(verb);
        for flag in [
            "--database-url",
            "--env",
            "--lock-timeout",
            "--connect-timeout",
        ] {
            assert!(!text.contains(flag), "{verb} lists {flag}:\n{text}");
        }
        assert!(text.contains("--manifest-path"), "{verb}:\n{text}");
    }
    // `schema` reads the URL's scheme to pick the dialect, but connects nowhere.
    let text = help("schema");
    assert!(
        text.contains("--database-url") && text.contains("--env"),
        "{text}"
    );
    assert!(
        !text.contains("--lock-timeout") && !text.contains("--connect-timeout"),
        "{text}"
    );
    // The verbs that connect list them all.
    let text = help("deploy");
    for flag in [
        "--database-url",
        "--env",
        "--lock-timeout",
        "--connect-timeout",
    ] {
        assert!(text.contains(flag), "deploy lacks {flag}:\n{text}");
    }
}

#[test]
fn hidden_flags_still_parse() {
    let p = Project::new("dialect = \"sqlite\"");
    p.write(
        "migrations/1_users.sql",
        "CREATE TABLE users (id INTEGER);\n",
    );
    p.run(&["hash", "--lock-timeout", "3"]).expect(0);
    p.run(&[
        "status",
        "--lock-timeout",
        "3",
        "--database-url",
        "sqlite::memory:",
    ])
    .expect(3);
}
