//! Passwords never reach output: a property test over URLs of every shape with random
//! passwords, run through the real binary against real PostgreSQL (trust authentication, so
//! any password connects). Nothing any verb writes may contain the password: stdout, stderr,
//! JSON, history rows, backup file names, and the argv of the child processes (`pg_dump`,
//! through a logging wrapper first on PATH).
//!
//! `MIGRATE_SECRET_CASES` sets the number of cases (default 24, three per shape);
//! `MIGRATE_PROPERTY_SEED` the first seed.

use std::path::Path;

use crate::support::{Project, Run};
use migrate_tests::{pg_admin_url, pg_database, with_database};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const CHARS: &[u8] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!@#$%^&*()=+[]{};:'\",<>/?| `\\";

fn password(rng: &mut Rng) -> String {
    let len = 8 + rng.below(13);
    (0..len)
        .map(|_| CHARS[rng.below(CHARS.len())] as char)
        .collect()
}

/// Percent-encodes what a URL component cannot hold; with `all`, every byte.
fn encode(s: &str, all: bool) -> String {
    s.bytes()
        .map(|b| {
            if !all && (b.is_ascii_alphanumeric() || b"-._~".contains(&b)) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// libpq's quoting of a key/value value.
fn kv_quote(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

const SHAPES: usize = 8;

/// The URL of shape `shape` for database `db` with `pw`, and the forms of `pw` it holds.
fn url_of(shape: usize, db: &str, pw: &str, rng: &mut Rng) -> (String, Vec<String>) {
    let enc = encode(pw, rng.below(3) == 0);
    let url = match shape {
        0 => format!("postgres://postgres:{enc}@127.0.0.1:5432/{db}"),
        1 => format!("postgres://postgres@127.0.0.1:5432/{db}?sslmode=disable&password={enc}"),
        2 => {
            format!("postgresql://postgres:{enc}@127.0.0.1/{db}?application_name=cm&password={enc}")
        }
        3 => format!("postgres://postgres:{enc}@[::1]:5432/{db}"),
        4 => format!("postgres://postgres:{enc}@%2Fvar%2Frun%2Fpostgresql/{db}"),
        5 => format!("postgres://postgres:{enc}@/{db}?host=/var/run/postgresql"),
        6 => format!(
            "host=127.0.0.1 port=5432 user=postgres password={} dbname={db}",
            kv_quote(pw)
        ),
        _ => format!("postgres:postgres:{enc}@127.0.0.1/{db}"),
    };
    let mut forms = vec![pw.to_owned(), enc, encode(pw, true), kv_quote(pw)];
    forms.sort();
    forms.dedup();
    (url, forms)
}

const MIGRATIONS: &[(&str, &str)] = &[
    (
        "migrations/1_users.sql",
        "CREATE TABLE users (id BIGINT PRIMARY KEY);\n",
    ),
    (
        "migrations/2_broken.sql",
        "-- migrate:no-transaction\nCREATE TABLE ok (id INT);\nSELECT * FROM no_such_table;\n",
    ),
];

/// A `pg_dump` that logs its argv (one argument per line) and runs the real one.
fn pg_dump_wrapper(dir: &Path) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let real = std::process::Command::new("sh")
        .args(["-c", "command -v pg_dump"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let log = dir.join("argv.log");
    let script = dir.join("pg_dump");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$0\" \"$@\" >> '{}'\nexec '{real}' \"$@\"\n",
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    log
}

#[tokio::test]
async fn no_verb_writes_a_password_of_any_url_shape() {
    let cases: u64 = std::env::var("MIGRATE_SECRET_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24);
    let seed: u64 = std::env::var("MIGRATE_PROPERTY_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed_cafe);
    let wrapper = tempfile::tempdir().unwrap();
    let argv_log = pg_dump_wrapper(wrapper.path());
    let path = format!(
        "{}:{}",
        wrapper.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut runs = 0;
    for case in 0..cases {
        let Some(db) = pg_database().await else {
            return;
        };
        let mut rng = Rng(seed.wrapping_add(case).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let pw = password(&mut rng);
        let shape = (case as usize) % SHAPES;
        let (url, forms) = url_of(shape, &db.name, &pw, &mut rng);
        let p = Project::new("dialect = \"postgres\"");
        for (name, sql) in MIGRATIONS {
            p.write(name, sql);
        }
        let backups = p.path().join("backups");
        let backup_arg = backups.display().to_string();
        let verbs: &[&[&str]] = &[
            &["status"],
            &["status", "--format", "json"],
            &["deploy", "--dry-run"],
            &["deploy", "--backup", &backup_arg],
            &["status", "--format", "json"],
            &["verify"],
            &["resolve", "--rolled-back", "2"],
            &["baseline", "1"],
        ];
        let mut written = String::new();
        for verb in verbs {
            let mut args: Vec<&str> = verb.to_vec();
            args.extend(["--database-url", &url, "--connect-timeout", "1"]);
            let out = Run::from(p.command(&args).env("PATH", &path).output().unwrap());
            runs += 1;
            written.push_str(&format!(
                "$ {verb:?} -> {}\n{}{}",
                out.code, out.stdout, out.stderr
            ));
        }
        // What the verbs wrote into the database and the file system.
        let admin = with_database(&pg_admin_url(), &db.name);
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
            .await
            .unwrap();
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT coalesce(string_agg(row_to_json(h)::text, E'\\n'), '') FROM _migrate_history h",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap_or_default();
        written.push_str(&rows.join("\n"));
        for entry in std::fs::read_dir(&backups).into_iter().flatten().flatten() {
            written.push_str(&format!("\nbackup {}", entry.file_name().to_string_lossy()));
        }
        written.push_str(&std::fs::read_to_string(&argv_log).unwrap_or_default());
        let _ = std::fs::remove_file(&argv_log);
        for form in &forms {
            assert!(
                !written.contains(form.as_str()),
                "case {case} (shape {shape}, seed {seed}): the password `{pw}` appears as `{form}` \
                 in what the verbs wrote for {url}:\n{written}"
            );
        }
        // The URLs that connect do the work: a history row and a backup exist.
        if shape < 3 {
            assert!(
                written.contains("\"success\":true"),
                "case {case}:\n{written}"
            );
            assert!(written.contains("\nbackup "), "case {case}:\n{written}");
            assert!(
                written.contains("--dbname"),
                "pg_dump ran, case {case}:\n{written}"
            );
        }
        if shape >= 6 {
            assert!(
                written.contains("-> 2\n"),
                "refused as usage, case {case}:\n{written}"
            );
        }
    }
    eprintln!("{cases} URL cases, {runs} runs of the binary, no password written");
}
