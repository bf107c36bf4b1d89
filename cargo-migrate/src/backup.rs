//! `deploy --backup`: a copy of the database taken before anything is applied. SQLite through
//! `VACUUM INTO`; PostgreSQL through `pg_dump` (custom format, restore with `pg_restore`);
//! MySQL/MariaDB through `mariadb-dump` or `mysqldump` (an SQL script, restore with the
//! `mariadb`/`mysql` client).

mod mysql;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};
use migrate_runtime::__private::url::{redact_url, scrub, split_password};
use migrate_runtime::{AnyConnection, Dialect};

use crate::time;

/// Writes a backup of the database at `url` into `dir`; returns its path.
pub async fn backup(
    conn: &mut AnyConnection,
    url: &str,
    dialect: Dialect,
    dir: &Path,
) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the backup folder {}", dir.display()))?;
    let stem = format!("{}-{}", database_name(url), time::version_now());
    let path = match dialect {
        Dialect::Sqlite => unique(dir, &stem, "sqlite"),
        Dialect::Postgres => unique(dir, &stem, "dump"),
        Dialect::Mysql => unique(dir, &stem, "sql"),
        other => bail!("--backup is not supported for {other} yet"),
    };
    // Created empty with mode 0600 before anything is written into it: a backup holds every
    // row of the database, so only its owner may read it.
    private_file(&path)?;
    let written = match dialect {
        Dialect::Sqlite => {
            let quoted = path.display().to_string().replace('\'', "''");
            conn.execute(&format!("VACUUM INTO '{quoted}'"))
                .await
                .map(|()| path.clone())
                .map_err(|e| {
                    anyhow::anyhow!("the SQLite backup (VACUUM INTO) failed: {}", e.message)
                })
        }
        Dialect::Mysql => mysql::dump(url, &path),
        _ => pg_dump(url, &path),
    };
    if written.is_err() {
        let _ = std::fs::remove_file(&path);
    }
    written
}

/// Creates `path` empty, readable and writable by its owner only.
fn private_file(path: &Path) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .map(drop)
        .with_context(|| format!("cannot create the backup file {}", path.display()))
}

fn pg_dump(url: &str, path: &Path) -> anyhow::Result<PathBuf> {
    let (bare_url, password) = split_password(url);
    let mut cmd = Command::new("pg_dump");
    cmd.arg("--format=custom")
        .arg("--no-password")
        .arg("--file")
        .arg(path)
        .arg("--dbname")
        .arg(&bare_url);
    if let Some(password) = password {
        cmd.env("PGPASSWORD", password);
    }
    let output = match cmd.output() {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "pg_dump is not on PATH, so no backup can be taken: install the PostgreSQL client tools \
             (the server's major version or newer), or deploy without --backup"
        ),
        Err(e) => bail!("cannot run pg_dump: {e}"),
    };
    if !output.status.success() {
        let _ = std::fs::remove_file(path);
        let stderr = scrub(String::from_utf8_lossy(&output.stderr).trim(), url);
        bail!("pg_dump of {} failed: {stderr}", redact_url(url));
    }
    Ok(path.to_path_buf())
}

/// The database's name from its URL, safe as a file name.
fn database_name(url: &str) -> String {
    let path = url.split('?').next().unwrap_or(url);
    let last = path.rsplit(['/', ':']).next().unwrap_or("database");
    let stem = last.split('.').next().unwrap_or(last);
    let clean: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if clean.is_empty() {
        "database".to_owned()
    } else {
        clean
    }
}

/// `dir/stem.ext`, or `dir/stem-2.ext`, … when taken.
fn unique(dir: &Path, stem: &str, ext: &str) -> PathBuf {
    let mut path = dir.join(format!("{stem}.{ext}"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{stem}-{n}.{ext}"));
        n += 1;
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_url() {
        assert_eq!(
            database_name("postgres://u:p@h:5432/app_prod?sslmode=require"),
            "app_prod"
        );
        assert_eq!(database_name("sqlite:data/app.db"), "app");
        assert_eq!(database_name("sqlite://./my db.sqlite"), "my_db");
    }
}
