//! Replay overrides (`migrations/.replay/<migration>.sql`): `check`, `schema`, `hash` and
//! `verify` read them, and none of them needs the applied migration edited.

use crate::support::Project;
use migrate_tests::pg_database;
use snapbox::str;

/// Statement 3 creates a table per row: no replay can know which without the data.
const LOOP: &str = "CREATE TABLE tenants (name text PRIMARY KEY);\n\
INSERT INTO tenants VALUES ('acme');\n\
DO $$ DECLARE r record; BEGIN\n  FOR r IN SELECT name FROM tenants LOOP\n    EXECUTE format('CREATE TABLE %I (id int)', 'orders_' || r.name);\n  END LOOP;\nEND $$;\n";

const OVERRIDE: &str = "-- The DO block creates one table per tenant; there is one, acme.\n\
-- migrate:statement 3\nCREATE TABLE orders_acme (id int);\n";

fn project() -> Project {
    let p = Project::new("dialect = \"postgres\"");
    p.write("migrations/1_tenants.sql", LOOP);
    p
}

#[test]
fn check_names_the_override_file_and_statement_as_the_way_out() {
    let p = project();
    let out = p.run(&["check"]).expect(1);
    out.stderr_eq(&p, str![[r#"
     Checked 1 migration(s) in migrations
warning: no migrations/migrate.sum: run `cargo migrate hash` and commit it, so edited or unreviewed migrations fail CI
error: migrations/1_tenants.sql:4:3: a FOR loop: what it does depends on data the replay does not have
  way out, without editing the migration: in `migrations/.replay/1_tenants.sql` write `-- migrate:statement 3` and under it the DDL this statement amounts to, or `-- migrate:statement 3 skip` if it changes no table, column or type (see "Replay overrides" in the cargo-migrate book, docs/src/replay.md); in a file not yet applied, `-- migrate:replay <DDL>` or `-- migrate:replay-skip` on the line above the statement also works
error: the migrations do not replay (1 error(s)): give each statement above a replay override in migrations/.replay/ (its way out), or fix it in a file not yet applied

"#]]);
}

#[test]
fn an_override_makes_check_and_schema_pass_and_is_hashed() {
    let p = project();
    p.write("migrations/.replay/1_tenants.sql", OVERRIDE);
    p.run(&["hash"]).expect(0);
    let sum = std::fs::read_to_string(p.path().join("migrations/migrate.sum")).unwrap();
    assert!(sum.contains("  .replay/1_tenants.sql\n"), "{sum}");
    p.run(&["check"]).expect(0);
    let schema = p.run(&["schema"]).expect(0);
    schema.stdout_eq(
        &p,
        str![[r#"
-- The schema the migrations produce (postgres), replayed by cargo migrate schema.

CREATE TABLE tenants (
    name text NOT NULL,
    PRIMARY KEY (name)
);

CREATE TABLE orders_acme (
    id integer
);

"#]],
    );

    p.write(
        "migrations/.replay/1_tenants.sql",
        OVERRIDE.replace("(id int)", "(id bigint)"),
    );
    let out = p.run(&["check"]).expect(4);
    out.stderr_eq(&p, str![[r#"
     Checked 1 migration(s) in migrations
error: migrations/.replay/1_tenants.sql changed since migrate.sum was written: restore it, or, if the edit is intended (and the migration was never deployed), run `cargo migrate hash`
    Replayed 2 table(s), 0 enum type(s)
      Linted no migration: none new since migrate.sum (postgres)

"#]]);
}

#[test]
fn check_refuses_an_override_of_a_missing_migration_or_statement() {
    let p = project();
    p.write("migrations/.replay/1_tenant.sql", OVERRIDE);
    let out = p.run(&["check"]).expect(1);
    out.stderr_eq(&p, str![[r#"
error: migrations/.replay/1_tenant.sql: a replay override named after no migration: name it after the migration it overrides (`.replay/<version>_<name>.sql` for `<version>_<name>.sql`, `.up.sql` or the folder `<version>_<name>/`), or delete it

"#]]);
    std::fs::remove_file(p.path().join("migrations/.replay/1_tenant.sql")).unwrap();
    p.write(
        "migrations/.replay/1_tenants.sql",
        format!("{OVERRIDE}-- migrate:statement 4 skip\n"),
    );
    let out = p.run(&["check"]).expect(1);
    out.stderr_eq(&p, str![[r#"
     Checked 1 migration(s) in migrations
warning: no migrations/migrate.sum: run `cargo migrate hash` and commit it, so edited or unreviewed migrations fail CI
error: migrations/.replay/1_tenants.sql:4:1: an override of statement 4, but migrations/1_tenants.sql has 3 statement(s): correct the number, or remove the section
error: the migrations do not replay (1 error(s)): give each statement above a replay override in migrations/.replay/ (its way out), or fix it in a file not yet applied

"#]]);
}

#[test]
fn verify_reads_the_overrides_of_the_deployed_migrations() {
    let Some(db) = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(pg_database())
    else {
        return;
    };
    let p = project();
    p.run(&["deploy", "--database-url", &db.url]).expect(0);
    let out = p.run(&["verify", "--database-url", &db.url]).expect(1);
    out.stderr_eq_with(&p, &[("[URL]", &db.url)], str![[r#"
error: cannot replay the migrations: migrations/1_tenants.sql:4:3: a FOR loop: what it does depends on data the replay does not have
  way out, without editing the migration: in `migrations/.replay/1_tenants.sql` write `-- migrate:statement 3` and under it the DDL this statement amounts to, or `-- migrate:statement 3 skip` if it changes no table, column or type (see "Replay overrides" in the cargo-migrate book, docs/src/replay.md); in a file not yet applied, `-- migrate:replay <DDL>` or `-- migrate:replay-skip` on the line above the statement also works

"#]]);
    p.write("migrations/.replay/1_tenants.sql", OVERRIDE);
    let out = p.run(&["verify", "--database-url", &db.url]).expect(0);
    out.stderr_eq_with(
        &p,
        &[("[URL]", &db.url)],
        str![[r#"
    Verified [URL] against 1 applied migration(s): no drift

"#]],
    );
}

/// A migration applied before a late `no-transaction` became an error (it ran in a
/// transaction, the directive without effect) is never edited: its override file accepts it.
#[test]
fn an_applied_migration_with_a_late_directive_is_accepted_by_its_override_file_unchanged() {
    let p = Project::new("dialect = \"sqlite\"");
    let url = p.sqlite_url();
    let late =
        "CREATE TABLE a (x INTEGER);\n-- migrate:no-transaction\nCREATE TABLE b (x INTEGER);\n";
    p.write("migrations/1_ab.sql", late);
    let out = p.run(&["deploy", "--database-url", &url]).expect(1);
    out.stderr_eq(&p, str![[r#"
error: migrations/1_ab.sql:2: `-- migrate:no-transaction` after the first statement has no effect: move it into the comments before the first statement. If this migration is already applied, leave its file as it is and put the line `-- migrate:ignore-late-directives` in migrations/.replay/1_ab.sql: the directive then stays without effect, as when the migration was applied

"#]]);
    // The history of the database it was applied to, as an earlier version recorded it.
    let checksum = migrate_core::Checksum::of(late).to_hex();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use sqlx::{Connection, Executor};
        let mut conn = sqlx::SqliteConnection::connect(&format!("{url}?mode=rwc"))
            .await
            .unwrap();
        conn.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "CREATE TABLE a (x INTEGER); CREATE TABLE b (x INTEGER); \
             CREATE TABLE _migrate_history (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, \
             applied_at TEXT NOT NULL DEFAULT 'now', execution_ms INTEGER NOT NULL, success BOOLEAN NOT NULL, \
             error TEXT, applied_by TEXT NOT NULL, backup TEXT); \
             INSERT INTO _migrate_history (version, name, checksum, execution_ms, success, applied_by) \
             VALUES (1, 'ab', '{checksum}', 1, 1, 'cargo-migrate 0.0.9')"
        ))))
        .await
        .unwrap();
    });
    p.run(&["status", "--database-url", &url]).expect(1);

    p.write(
        "migrations/.replay/1_ab.sql",
        "-- 1_ab.sql was applied with this directive after its first statement.\n-- migrate:ignore-late-directives\n",
    );
    let status = p.run(&["status", "--database-url", &url]).expect(0);
    status.stderr_eq(
        &p,
        str![[r#"
      Status 1 applied, 0 pending on sqlite:[ROOT]/app.db

"#]],
    );
    p.run(&["check"]).expect(0);
    p.write("migrations/2_c.sql", "CREATE TABLE c (x INTEGER);\n");
    p.run(&["deploy", "--database-url", &url]).expect(0);
    assert_eq!(
        std::fs::read_to_string(p.path().join("migrations/1_ab.sql")).unwrap(),
        late
    );
}
