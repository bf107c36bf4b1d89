//! `embed_migrations!` and the run-time loader go through the same code: same files, same
//! order, same checksums, same flags.

use migrate_runtime::{Dialect, LoadOptions, Migrator, embed_migrations};

static EMBEDDED: Migrator = embed_migrations!("../migrations");
static OVERRIDDEN: Migrator = embed_migrations!("tests/fixtures/overridden");

#[test]
fn embedded_and_loaded_migrations_are_identical() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    let options = LoadOptions {
        display_dir: Some("../migrations".into()),
        ..LoadOptions::new(Dialect::Sqlite)
    };
    let loaded = Migrator::from_dir(&dir, &options).unwrap();
    assert!(!loaded.migrations().is_empty());
    assert_eq!(
        EMBEDDED.migrations(),
        loaded.migrations(),
        "versions, names, paths, SQL, checksums and flags"
    );
    assert_eq!(EMBEDDED.table(), "_migrate_history");
}

#[tokio::test]
async fn an_embedded_migrator_deploys() {
    let options = "sqlite::memory:"
        .parse::<sqlx::sqlite::SqliteConnectOptions>()
        .unwrap();
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let report = EMBEDDED.run(&pool).await.unwrap();
    assert_eq!(report.applied.len(), EMBEDDED.migrations().len());
}

#[test]
fn embedded_migrations_carry_their_replay_overrides() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/overridden");
    let options = LoadOptions {
        display_dir: Some("tests/fixtures/overridden".into()),
        ..LoadOptions::new(Dialect::Sqlite)
    };
    let loaded = Migrator::from_dir(&dir, &options).unwrap();
    assert_eq!(OVERRIDDEN.migrations(), loaded.migrations());
    let replay = OVERRIDDEN.migrations()[0].replay.as_ref().unwrap();
    assert_eq!(replay.path, "tests/fixtures/overridden/.replay/1_a.sql");
    let schema = migrate_runtime::__private::migrate_core::replay::replay(
        OVERRIDDEN.migrations(),
        Dialect::Sqlite,
    )
    .unwrap();
    assert_eq!(
        schema.tables.len(),
        2,
        "the override's table notes: {schema:?}"
    );
}
