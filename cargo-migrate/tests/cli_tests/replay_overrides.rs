//! Replay overrides (`migrations/.replay/<migration>.sql`): `check`, `schema`, `hash` and
//! `verify` read them, and none of them needs the applied migration edited.

use crate::support::Project;
use migrate_tests::pg_database;

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
    assert!(
        out.stderr
            .contains("migrations/1_tenants.sql:4:3: a FOR loop")
            && out
                .stderr
                .contains("in `migrations/.replay/1_tenants.sql` write `-- migrate:statement 3`"),
        "{}",
        out.stderr
    );
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
    assert!(schema.stdout.contains("orders_acme"), "{}", schema.stdout);

    p.write(
        "migrations/.replay/1_tenants.sql",
        OVERRIDE.replace("(id int)", "(id bigint)"),
    );
    let out = p.run(&["check"]).expect(4);
    assert!(
        out.stderr
            .contains(".replay/1_tenants.sql changed since migrate.sum was written"),
        "{}",
        out.stderr
    );
}

#[test]
fn check_refuses_an_override_of_a_missing_migration_or_statement() {
    let p = project();
    p.write("migrations/.replay/1_tenant.sql", OVERRIDE);
    let out = p.run(&["check"]).expect(1);
    assert!(
        out.stderr.contains(
            "migrations/.replay/1_tenant.sql: a replay override named after no migration"
        ),
        "{}",
        out.stderr
    );
    std::fs::remove_file(p.path().join("migrations/.replay/1_tenant.sql")).unwrap();
    p.write(
        "migrations/.replay/1_tenants.sql",
        format!("{OVERRIDE}-- migrate:statement 4 skip\n"),
    );
    let out = p.run(&["check"]).expect(1);
    assert!(
        out.stderr.contains(
            "migrations/.replay/1_tenants.sql:4:1: an override of statement 4, but migrations/1_tenants.sql has 3 statement(s)"
        ),
        "{}",
        out.stderr
    );
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
    assert!(
        out.stderr.contains("migrations/.replay/1_tenants.sql"),
        "{}",
        out.stderr
    );
    p.write("migrations/.replay/1_tenants.sql", OVERRIDE);
    let out = p.run(&["verify", "--database-url", &db.url]).expect(0);
    assert!(out.stderr.contains("no drift"), "{}", out.stderr);
}
