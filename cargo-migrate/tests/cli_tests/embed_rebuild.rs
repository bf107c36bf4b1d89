//! A new migration file is noticed by the next `cargo build` of a crate that embeds its
//! migrations, through the `build.rs` that `cargo migrate new` writes.

use std::path::Path;
use std::process::Command;

fn cargo(dir: &Path, target: &Path, args: &[&str]) -> String {
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("MIGRATE_MANIFEST_DIR")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn adding_a_migration_file_is_noticed_by_the_next_build() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    // A target folder of its own (kept between runs), so this build never waits on the outer one.
    let target = workspace.join("target").join("embed-rebuild-test");
    let p = crate::support::Project::new("dialect = \"sqlite\"");
    let runtime = workspace.join("migrate-runtime");
    let manifest = std::fs::read_to_string(p.path().join("Cargo.toml")).unwrap().replace(
        "[package.metadata.migrate]",
        &format!("[dependencies]\nmigrate-runtime = {{ path = {:?} }}\n\n[workspace]\n\n[package.metadata.migrate]", runtime.display().to_string()),
    );
    p.write("Cargo.toml", manifest);
    p.write(
        "src/main.rs",
        "static MIGRATOR: migrate_runtime::Migrator = migrate_runtime::embed_migrations!();\n\
         fn main() { for m in MIGRATOR.migrations() { println!(\"{} {}\", m.name, m.checksum()); } }\n",
    );

    let first = p.run(&["new", "create_users"]).expect(0);
    assert!(
        first.stderr.contains("build.rs"),
        "new writes the build script: {}",
        first.stderr
    );
    let build_rs = std::fs::read_to_string(p.path().join("build.rs")).unwrap();
    assert!(
        build_rs.contains("cargo:rerun-if-changed=migrations"),
        "{build_rs}"
    );
    std::fs::write(
        p.path().join(first.stdout.trim()),
        "CREATE TABLE users (id INTEGER PRIMARY KEY);\n",
    )
    .unwrap();
    let out = cargo(p.path(), &target, &["run", "-q"]);
    assert_eq!(out.lines().count(), 1, "{out}");

    // A second file, added after the first build: the next build must embed it.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = p.run(&["new", "create_posts"]).expect(0);
    assert!(
        !second.stderr.contains("build.rs"),
        "the build script is written once"
    );
    std::fs::write(
        p.path().join(second.stdout.trim()),
        "CREATE TABLE posts (id INTEGER PRIMARY KEY);\n",
    )
    .unwrap();
    let out = cargo(p.path(), &target, &["run", "-q"]);
    assert_eq!(
        out.lines()
            .map(|l| l.split(' ').next().unwrap())
            .collect::<Vec<_>>(),
        ["create_users", "create_posts"],
        "{out}"
    );

    // An edit of an existing file is re-embedded too.
    std::fs::write(
        p.path().join(second.stdout.trim()),
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT);\n",
    )
    .unwrap();
    let edited = cargo(p.path(), &target, &["run", "-q"]);
    assert_ne!(
        edited.lines().nth(1),
        out.lines().nth(1),
        "the checksum follows the edit"
    );
}
