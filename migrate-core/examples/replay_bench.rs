//! Replay throughput on a synthetic 1,000-migration corpus, in the profile the macros get
//! (proc-macros and their dependencies build unoptimised by default, so run this without
//! `--release`): `cargo run -p migrate-core --example replay_bench [MIGRATIONS] [RUNS]`.

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
                version: i as i64,
                name: format!("m{i}").into(),
                up: Script::parse(format!("migrations/{i}_m{i}.sql"), sql, Dialect::Postgres, false)
                    .expect("valid migration"),
                down: None,
            }
        })
        .collect();
    (migrations, statements)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let start = Instant::now();
    let (migrations, statements) = corpus(count);
    let parse = start.elapsed();
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let schema = migrate_core::replay::replay(&migrations, Dialect::Postgres).expect("replays");
        times.push(start.elapsed());
        assert_eq!(schema.tables.len(), 50.min(count));
    }
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "{count} migrations, {statements} statements: load+split {:.1} ms; replay median {:.1} ms of {runs} ({:.0} statements/s){}",
        parse.as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e3,
        statements as f64 / median.as_secs_f64(),
        if cfg!(debug_assertions) {
            ", debug build"
        } else {
            ", release build"
        },
    );
}
