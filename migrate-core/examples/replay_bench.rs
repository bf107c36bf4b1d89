//! Replay throughput on a synthetic 1,000-migration corpus, in the profile the macros get
//! (proc-macros and their dependencies build unoptimised by default, so run this without
//! `--release`): `cargo run -p migrate-core --example replay_bench [MIGRATIONS] [RUNS]`.
//!
//! Reports the cold replay and what a build that changed no migration pays: reading and
//! splitting the folder, then reading the schema from the on-disk cache.

use std::time::Instant;

use migrate_core::{Dialect, Migration, Script};

fn corpus(count: usize) -> (Vec<Migration>, usize) {
    let mut statements = 0;
    let migrations = (1..=count)
        .map(|i| {
            let t = (i - 1) % 50;
            let sql = if i <= 50 {
                statements += 2;
                format!(
                    "CREATE TABLE t{t} (\n    id BIGSERIAL PRIMARY KEY,\n    name TEXT NOT NULL,\n    created_at TIMESTAMPTZ NOT NULL DEFAULT now()\n);\nCREATE INDEX t{t}_name ON t{t} (name);\n"
                )
            } else if i % 10 == 0 {
                statements += 2;
                format!("ALTER TABLE t{t} ADD COLUMN c{i} INTEGER;\nALTER TABLE t{t} ALTER COLUMN c{i} SET NOT NULL;\n")
            } else {
                statements += 1;
                format!("ALTER TABLE t{t} ADD COLUMN c{i} VARCHAR(64) DEFAULT 'x';\n")
            };
            Migration {
                version: (i as i64).into(),
                name: format!("m{i}").into(),
                up: Script::parse(format!("migrations/{i}_m{i}.sql"), sql, Dialect::Postgres, false)
                    .expect("valid migration"),
                down: None,
                replay: None,
            }
        })
        .collect();
    (migrations, statements)
}

fn median(mut times: Vec<std::time::Duration>) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64() * 1e3
}

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let (migrations, statements) = corpus(count);

    // Cold: every statement parsed and applied.
    let times: Vec<_> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let schema =
                migrate_core::replay::replay(&migrations, Dialect::Postgres).expect("replays");
            assert_eq!(schema.tables.len(), 50.min(count));
            start.elapsed()
        })
        .collect();
    let cold = median(times);

    // What a build that changed no migration does: read and split the folder, then find the
    // schema in the on-disk cache.
    let folder = tempfile::tempdir().expect("a temporary folder");
    let dir = folder.path().join("migrations");
    std::fs::create_dir(&dir).expect("create the folder");
    for m in &migrations {
        let name = format!("{}_{}.sql", m.version, m.name);
        std::fs::write(dir.join(name), m.up.sql.as_bytes()).expect("write a migration");
    }
    let cache = folder.path().join("cache");
    let options = migrate_core::LoadOptions {
        display_dir: Some("migrations".into()),
        ..migrate_core::LoadOptions::new(Dialect::Postgres)
    };
    let (mut loads, mut warm) = (Vec::new(), Vec::new());
    for run in 0..=runs {
        let start = Instant::now();
        let loaded = migrate_core::load(&dir, &options).expect("loads");
        let read = start.elapsed();
        let start = Instant::now();
        let schema = migrate_core::replay::replay_cached(&loaded, Dialect::Postgres, &cache)
            .expect("replays");
        assert_eq!(schema.tables.len(), 50.min(count));
        if run > 0 {
            // The first run fills the cache.
            loads.push(read);
            warm.push(start.elapsed());
        }
    }
    let (load, warm) = (median(loads), median(warm));
    println!(
        "{count} migrations, {statements} statements ({}):\n  \
         replay, cold: {cold:.1} ms ({:.0} statements/s)\n  \
         unchanged migrations: read and split the folder {load:.1} ms + cached schema {warm:.1} ms = {:.1} ms",
        if cfg!(debug_assertions) {
            "debug build, as proc-macros get"
        } else {
            "release build"
        },
        statements as f64 / (cold / 1e3),
        load + warm,
    );
}
