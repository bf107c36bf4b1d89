//! Tests of [`super`]: layouts, orders, and every problem reported at once.
use super::*;

fn folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

fn options() -> LoadOptions {
    LoadOptions {
        dialect: Dialect::Postgres,
        ignore: vec!["*.md".into()],
        display_dir: Some("migrations".into()),
    }
}

fn versions(dir: &tempfile::TempDir) -> Vec<(Version, String, Option<String>)> {
    load(dir.path(), &options())
        .unwrap()
        .into_iter()
        .map(|m| {
            (
                m.version,
                m.up.path.to_string(),
                m.down.map(|d| d.path.to_string()),
            )
        })
        .collect()
}

#[test]
fn every_layout_is_read_and_ordered_by_version() {
    let dir = folder(&[
        ("20240103000000_plain.sql", b"SELECT 3;"),
        ("20240101000000_pair.up.sql", b"SELECT 1;"),
        ("20240101000000_pair.down.sql", b"SELECT -1;"),
        ("20240104000000_prisma/migration.sql", b"SELECT 4;"),
        ("9_small.sql", b"SELECT 0;"),
        ("migration_lock.toml", b"provider = \"postgresql\""),
        ("migrate.sum", b"reserved"),
        (".gitkeep", b""),
        ("README.md", b"ignored by pattern"),
    ]);
    let n = Version::Number;
    assert_eq!(
        versions(&dir),
        vec![
            (n(9), "migrations/9_small.sql".into(), None),
            (
                n(20240101000000),
                "migrations/20240101000000_pair.up.sql".into(),
                Some("migrations/20240101000000_pair.down.sql".into())
            ),
            (
                n(20240103000000),
                "migrations/20240103000000_plain.sql".into(),
                None
            ),
            (
                n(20240104000000),
                "migrations/20240104000000_prisma/migration.sql".into(),
                None
            ),
        ]
    );
}

#[test]
fn a_folder_with_diesel_migrations_is_ordered_and_named_as_diesel_does() {
    let dir = folder(&[
        ("2024-03-13_170000_sso_userscascade/up.sql", b"SELECT 6;"),
        ("2024-03-06-170000_add_sso_users/up.sql", b"SELECT 5;"),
        ("2024-03-06-170000_add_sso_users/down.sql", b"SELECT -5;"),
        ("2020-12-7-190800_x/up.sql", b"SELECT 1;"),
        ("2022-03-09-07000_x/up.sql", b"SELECT 2;"),
        ("2025-12-18-104956-0000_x/up.sql", b"SELECT 7;"),
        (
            "2023-05-23-1715-update-subgraph-deployment-assignment/up.sql",
            b"SELECT 3;",
        ),
        ("00000000000000_diesel_initial_setup/up.sql", b"SELECT 0;"),
        // A file beside diesel folders follows diesel's rule too.
        ("20240101000000_file.sql", b"SELECT 4;"),
    ]);
    let loaded = load(dir.path(), &options()).unwrap();
    let got: Vec<(String, &str)> = loaded
        .iter()
        .map(|m| (m.version.to_string(), m.up.path.as_ref()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "00000000000000".into(),
                "migrations/00000000000000_diesel_initial_setup/up.sql"
            ),
            (
                "2020127190800".into(),
                "migrations/2020-12-7-190800_x/up.sql"
            ),
            (
                "2022030907000".into(),
                "migrations/2022-03-09-07000_x/up.sql"
            ),
            (
                "202305231715updatesubgraphdeploymentassignment".into(),
                "migrations/2023-05-23-1715-update-subgraph-deployment-assignment/up.sql"
            ),
            (
                "20240101000000".into(),
                "migrations/20240101000000_file.sql"
            ),
            (
                "20240306170000".into(),
                "migrations/2024-03-06-170000_add_sso_users/up.sql"
            ),
            (
                "20240313".into(),
                "migrations/2024-03-13_170000_sso_userscascade/up.sql"
            ),
            (
                "202512181049560000".into(),
                "migrations/2025-12-18-104956-0000_x/up.sql"
            ),
        ]
    );
    assert!(
        loaded
            .iter()
            .all(|m| m.version.order() == VersionOrder::Text)
    );
    assert!(loaded[5].down.is_some());
    assert_eq!(
        loaded[3].name,
        "2023-05-23-1715-update-subgraph-deployment-assignment"
    );
    assert_eq!(loaded[6].name, "170000_sso_userscascade");
}

#[test]
fn diesel_versions_are_unique_as_text() {
    let dir = folder(&[
        ("2024-01-01-000000_a/up.sql", b"SELECT 1;"),
        ("20240101000000_b/up.sql", b"SELECT 2;"),
        // Distinct texts: both load, though their digits are one integer.
        ("01_c/up.sql", b"SELECT 3;"),
        ("1_d/up.sql", b"SELECT 4;"),
    ]);
    let errors = load(dir.path(), &options()).unwrap_err().0;
    assert!(
        matches!(&errors[..], [SourceError::DuplicateVersion { version, .. }] if version.to_string() == "20240101000000"),
        "{errors:?}"
    );
}

#[test]
fn diesel_metadata_turns_transactions_off() {
    let dir = folder(&[
        (
            "2024-01-01-000000_idx/up.sql",
            b"CREATE INDEX CONCURRENTLY i ON t (x);",
        ),
        (
            "2024-01-01-000000_idx/metadata.toml",
            b"run_in_transaction = false\n",
        ),
    ]);
    assert!(load(dir.path(), &options()).unwrap()[0].up.no_transaction);
}

#[test]
fn an_empty_down_file_means_irreversible_not_an_error() {
    let dir = folder(&[
        ("2019-01-01-000000_fix/up.sql", b"UPDATE t SET x = 1;"),
        ("2019-01-01-000000_fix/down.sql", b"-- nothing to undo\n"),
        ("2_b.up.sql", b"SELECT 2;"),
        ("2_b.down.sql", b""),
    ]);
    let migrations = load(dir.path(), &options()).unwrap();
    assert_eq!(migrations.len(), 2);
    assert!(migrations.iter().all(|m| m.down.is_none()));
    let dir = folder(&[("1_a.sql", b"-- only a comment\n")]);
    let loaded = load(dir.path(), &options()).unwrap();
    assert_eq!(loaded[0].up.sql, "-- only a comment\n", "a no-op migration");
    let template = crate::template("a");
    let dir = folder(&[("1_a.sql", template.as_bytes())]);
    let err = load(dir.path(), &options()).unwrap_err();
    assert!(
        matches!(&err.0[0], SourceError::Empty { .. }),
        "the untouched template stays an error"
    );
}

#[test]
fn a_down_file_that_does_not_parse_is_loaded_and_its_problems_kept_for_check_and_revert() {
    let dir = folder(&[
        ("1_a.up.sql", b"CREATE TABLE a (id int);"),
        ("1_a.down.sql", b"DROP TABLE a;\nDO $$ BEGIN\n"),
    ]);
    let loaded = load(dir.path(), &options()).unwrap();
    let down = loaded[0].down.as_ref().unwrap();
    assert_eq!(down.sql, "DROP TABLE a;\nDO $$ BEGIN\n");
    let problems = down.problems(Dialect::Postgres);
    assert!(
        matches!(&problems[..], [SourceError::Unterminated { at, .. }] if at.line == 2),
        "{problems:?}"
    );
    assert!(loaded[0].up.problems(Dialect::Postgres).is_empty());
    // An up file that does not parse still stops everything.
    let dir = folder(&[("1_a.sql", b"DO $$ BEGIN\n")]);
    assert!(load(dir.path(), &options()).is_err());
}

#[test]
fn errors_name_paths_and_come_together() {
    let dir = folder(&[
        ("1_a.sql", b"SELECT 1;"),
        ("1_b.up.sql", b"SELECT 1;"),
        ("2_x.down.sql", b"SELECT 1;"),
        ("3_y.sql", b"SELECT 1;"),
        ("3_z.down.sql", b"SELECT 1;"),
        ("4_bad.sql", b"\xff\xfe"),
        ("5_folder/notes.txt", b"x"),
        ("six.sql", b"SELECT 1;"),
        ("99999999999999999999_big.sql", b"SELECT 1;"),
    ]);
    let errors = load(dir.path(), &options()).unwrap_err().0;
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    let has = |needle: &str| {
        assert!(
            text.iter().any(|t| t.contains(needle)),
            "no `{needle}` in {text:#?}"
        )
    };
    has("migrations/1_a.sql and migrations/1_b.up.sql both have version 1");
    has("migrations/2_x.down.sql: a down migration without its up migration");
    has("migrations/3_z.down.sql: its name differs from its up migration migrations/3_y.sql");
    has("migrations/4_bad.sql: not valid UTF-8");
    has("migrations/5_folder: not a migration (a folder without `up.sql` or `migration.sql`)");
    has("migrations/six.sql: the name does not start with a version");
    has("does not fit a 64-bit integer");
    assert_eq!(errors.len(), 7, "{text:#?}");
}

#[test]
fn replay_overrides_load_with_their_migrations() {
    let dir = folder(&[
        ("1_a.sql", b"SELECT 1;"),
        ("2024-01-02-000000_b/up.sql", b"SELECT 2;"),
        ("3_c.up.sql", b"SELECT 3;"),
        (".replay/1_a.sql", b"-- migrate:statement 1 skip\n"),
        (
            ".replay/2024-01-02-000000_b.sql",
            b"-- migrate:statement 1 skip\r\n",
        ),
        (".replay/README.md", b"why these overrides exist"),
    ]);
    let loaded = load(dir.path(), &options()).unwrap();
    let replay: Vec<Option<String>> = loaded
        .iter()
        .map(|m| m.replay.as_ref().map(|s| s.path.to_string()))
        .collect();
    assert_eq!(
        replay,
        // A diesel folder: ordered as text, `3` after `20240102000000`.
        vec![
            Some("migrations/.replay/1_a.sql".into()),
            Some("migrations/.replay/2024-01-02-000000_b.sql".into()),
            None,
        ]
    );
    let diesel = loaded[1].replay.as_ref().unwrap();
    assert_eq!(
        diesel.checksum,
        Checksum::of("-- migrate:statement 1 skip\n")
    );
}

#[test]
fn an_override_named_after_no_migration_is_an_error() {
    let dir = folder(&[
        ("1_a.sql", b"SELECT 1;"),
        (".replay/1_b.sql", b"-- migrate:statement 1 skip\n"),
        (".replay/2_a.sql", b"-- migrate:statement 1 skip\n"),
    ]);
    let errors = load(dir.path(), &options()).unwrap_err().0;
    assert_eq!(
        errors,
        vec![
            SourceError::OverrideWithoutMigration {
                path: "migrations/.replay/1_b.sql".into()
            },
            SourceError::OverrideWithoutMigration {
                path: "migrations/.replay/2_a.sql".into()
            },
        ]
    );
}

#[test]
fn a_missing_folder_suggests_new() {
    let err = load(Path::new("/definitely/not/here"), &options()).unwrap_err();
    assert!(matches!(&err.0[0], SourceError::MissingDir { .. }));
    assert!(err.to_string().contains("cargo migrate new"));
}

#[test]
fn crlf_and_bom_files_have_the_checksum_of_their_lf_twin() {
    let lf: &[u8] = include_bytes!("../../tests/fixtures/checksum/lf.sql");
    let bom: &[u8] = include_bytes!("../../tests/fixtures/checksum/bom_crlf.sql");
    let dir = folder(&[("1_lf.sql", lf), ("2_bom.sql", bom)]);
    let loaded = load(dir.path(), &options()).unwrap();
    assert_eq!(loaded[0].checksum(), loaded[1].checksum());
    assert!(
        !loaded[1].up.sql.starts_with('\u{feff}'),
        "the BOM is not sent to the database"
    );
}

#[test]
fn files_that_are_not_sql_are_skipped_as_sqlx_and_diesel_skip_them() {
    // crates.io's migrations folder holds a README.md; many hold notes or a .gitkeep. No
    // `ignore` pattern here.
    let plain = LoadOptions {
        ignore: Vec::new(),
        ..options()
    };
    let dir = folder(&[
        ("1_a.sql", b"SELECT 1;"),
        ("README.md", b"# how we write migrations"),
        ("notes.txt", b"remember the index"),
    ]);
    let loaded = load(dir.path(), &plain).unwrap();
    assert_eq!(loaded.len(), 1);
    assert_eq!(loaded[0].up.path, "migrations/1_a.sql");
    // An `.sql` file with no version is still refused: it looks like a migration that would
    // never run.
    let typo = folder(&[("1_a.sql", b"SELECT 1;"), ("a_b.sql", b"SELECT 2;")]);
    let errors = load(typo.path(), &plain).unwrap_err().0;
    assert!(
        errors
            .iter()
            .any(|e| e.to_string().contains("migrations/a_b.sql")),
        "{errors:?}"
    );
}
