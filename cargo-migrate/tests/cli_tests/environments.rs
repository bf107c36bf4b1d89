//! Environments: `--env`, `status --all-envs`, and the promotion gate of `requires`.

use crate::support::Project;
use snapbox::str;

fn project() -> Project {
    let p = Project::new(
        "dialect = \"sqlite\"\n\
         [package.metadata.migrate.environments.prod]\nurl = \"env:PROD_URL\"\nrequires = \"staging\"\n\
         [package.metadata.migrate.environments.staging]\nurl = \"env:STAGING_URL\"\n",
    );
    p.write(
        "migrations/1_users.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY);\n",
    );
    p.write(
        "migrations/2_posts.sql",
        "CREATE TABLE posts (id INTEGER PRIMARY KEY);\n",
    );
    p
}

fn run(p: &Project, args: &[&str], prod: bool) -> crate::support::Run {
    let mut cmd = p.command(args);
    cmd.env(
        "STAGING_URL",
        format!("sqlite:{}", p.path().join("staging.db").display()),
    );
    if prod {
        cmd.env(
            "PROD_URL",
            format!("sqlite:{}", p.path().join("prod.db").display()),
        );
    } else {
        cmd.env_remove("PROD_URL");
    }
    crate::support::Run::from(cmd.output().unwrap())
}

fn states(p: &Project) -> serde_json::Value {
    let out = run(p, &["status", "--all-envs", "--format", "json"], true);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

#[test]
fn promotion_gate_and_matrix() {
    let p = project();
    run(&p, &["deploy", "--env", "staging", "--to", "1"], true).expect(0);

    let refused = run(&p, &["deploy", "--env", "prod"], true).expect(1);
    refused.stderr_eq(&p, str![[r#"
error: refusing to deploy to `prod`: migration 2 (posts) is not applied in `staging`, which `prod` requires.
  Deploy to `staging` first (`cargo migrate deploy --env staging`), or pass --skip-promotion-check

"#]]);
    assert!(
        !p.path().join("prod.db").exists()
            || states(&p)["migrations"][0]["states"]["prod"] == "pending",
        "nothing reached prod"
    );

    run(&p, &["deploy", "--env", "prod", "--to", "1"], true).expect(0);
    let doc = states(&p);
    assert_eq!(
        doc["environments"],
        serde_json::json!(["staging", "prod"]),
        "ordered by `requires`"
    );
    assert_eq!(
        doc["migrations"][0]["states"],
        serde_json::json!({"staging": "applied", "prod": "applied"})
    );
    assert_eq!(
        doc["migrations"][1]["states"],
        serde_json::json!({"staging": "pending", "prod": "pending"})
    );
    let human = run(&p, &["status", "--all-envs"], true).expect(3);
    let header = human.stdout.lines().next().unwrap();
    assert!(
        header.contains("staging") && header.find("staging") < header.find("prod"),
        "{header}"
    );

    run(
        &p,
        &["deploy", "--env", "prod", "--skip-promotion-check"],
        true,
    )
    .expect(0);
    assert_eq!(
        states(&p)["migrations"][1]["states"],
        serde_json::json!({"staging": "pending", "prod": "applied"})
    );

    let missing = run(&p, &["status", "--all-envs"], false).expect(1);
    assert!(missing.stdout.contains("unavailable"), "{}", missing.stdout);
    missing.stderr_eq(&p, str![[r#"
warning: environment `prod` is unavailable: environment `prod` reads its URL from $PROD_URL, which is not set or is empty (nor in .env)

"#]]);
}

#[test]
fn all_envs_without_environments_says_how_to_add_them() {
    let p = Project::new("dialect = \"sqlite\"");
    p.write(
        "migrations/1_users.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY);\n",
    );
    let out = p.run(&["status", "--all-envs"]).expect(1);
    out.stderr_eq(&p, str![[r#"
error: --all-envs needs environments: add [package.metadata.migrate.environments.<name>] tables with a `url` to [ROOT]/Cargo.toml

"#]]);
}

#[test]
fn env_with_a_database_url_still_applies_the_promotion_check() {
    let p = project();
    run(&p, &["deploy", "--env", "staging", "--to", "1"], true).expect(0);
    let prod = format!("sqlite:{}", p.path().join("prod.db").display());
    let refused = run(
        &p,
        &["deploy", "--env", "prod", "--database-url", &prod],
        true,
    )
    .expect(1);
    refused.stderr_eq(&p, str![[r#"
error: refusing to deploy to `prod`: migration 2 (posts) is not applied in `staging`, which `prod` requires.
  Deploy to `staging` first (`cargo migrate deploy --env staging`), or pass --skip-promotion-check

"#]]);
    run(
        &p,
        &[
            "deploy",
            "--env",
            "prod",
            "--database-url",
            &prod,
            "--to",
            "1",
        ],
        true,
    )
    .expect(0);
}

#[test]
fn requires_naming_a_missing_environment_is_refused_at_load() {
    let p = Project::new(
        "dialect = \"sqlite\"\n[package.metadata.migrate.environments.prod]\nurl = \"sqlite:prod.db\"\nrequires = \"stagin\"\n",
    );
    p.write(
        "migrations/1_users.sql",
        "CREATE TABLE users (id INTEGER);\n",
    );
    let out = p
        .run(&["status", "--database-url", "sqlite:x.db"])
        .expect(1);
    out.stderr_eq(&p, str![[r#"
error: [ROOT]/Cargo.toml: environments.prod.requires names `stagin`, which is not an environment (known: prod)

"#]]);
}
