//! `deploy --backup` on MySQL/MariaDB: `mariadb-dump` (or `mysqldump` where only MySQL's
//! client is installed) writes an SQL script of the database. The password never reaches the
//! command line: it goes in a defaults file readable by its owner only, removed afterwards.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};
use migrate_runtime::__private::url::{
    percent_decode as decode, redact_url, scrub, split_password,
};

/// The parts of a `mysql://` / `mariadb://` URL a dump client takes as options.
#[derive(Debug, Default, PartialEq, Eq)]
struct Target {
    host: Option<String>,
    port: Option<String>,
    user: Option<String>,
    database: String,
    /// `--ssl…` options from `ssl-mode`, `ssl-ca`, `ssl-cert`, `ssl-key`.
    tls: Vec<String>,
    socket: Option<String>,
}

fn target(bare_url: &str) -> Target {
    let rest = bare_url.split_once("://").map_or(bare_url, |(_, r)| r);
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, database) = rest.split_once('/').unwrap_or((rest, ""));
    let (user, host_port) = match authority.rsplit_once('@') {
        Some((user, host)) => (Some(decode(user)), host),
        None => (None, authority),
    };
    let (host, port) = match host_port.rsplit_once(':').filter(|(_, p)| !p.contains(']')) {
        Some((host, port)) => (host, Some(port.to_owned())),
        None => (host_port, None),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let mut t = Target {
        host: (!host.is_empty()).then(|| host.to_owned()),
        port,
        user: user.filter(|u| !u.is_empty()),
        database: decode(database),
        ..Target::default()
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = decode(value);
        match key {
            "ssl-mode" | "sslmode" => match value.to_ascii_uppercase().as_str() {
                "REQUIRED" | "VERIFY_CA" => t.tls.push("--ssl".into()),
                "VERIFY_IDENTITY" => {
                    t.tls.push("--ssl".into());
                    t.tls.push("--ssl-verify-server-cert".into());
                }
                _ => {}
            },
            "ssl-ca" | "sslca" => t.tls.push(format!("--ssl-ca={value}")),
            "ssl-cert" | "sslcert" => t.tls.push(format!("--ssl-cert={value}")),
            "ssl-key" | "sslkey" => t.tls.push(format!("--ssl-key={value}")),
            "socket" => t.socket = Some(value),
            _ => {}
        }
    }
    t
}

/// A `[client]` option file holding the password, quoted as the clients read it.
fn defaults_file(password: &str) -> anyhow::Result<tempfile::NamedTempFile> {
    use std::io::Write;
    // NamedTempFile is created with mode 0600.
    let mut file = tempfile::NamedTempFile::new().context("cannot create a temporary file")?;
    let quoted = password.replace('\\', "\\\\").replace('"', "\\\"");
    writeln!(file, "[client]\npassword=\"{quoted}\"").context("cannot write a temporary file")?;
    Ok(file)
}

/// Dumps the database at `url` into `path` (created empty, mode 0600, by the caller).
pub(super) fn dump(url: &str, path: &Path) -> anyhow::Result<PathBuf> {
    let (bare, password) = split_password(url);
    let t = target(&bare);
    if t.database.is_empty() {
        bail!(
            "the URL {} names no database, so there is nothing to back up: add `/<database>` to it",
            redact_url(url)
        );
    }
    let defaults = password.as_deref().map(defaults_file).transpose()?;
    for client in ["mariadb-dump", "mysqldump"] {
        let mut cmd = Command::new(client);
        // Must come first: the only option file read besides the usual ones.
        if let Some(file) = &defaults {
            cmd.arg(format!("--defaults-extra-file={}", file.path().display()));
        }
        cmd.arg("--single-transaction")
            .arg("--routines")
            .arg("--triggers")
            .arg("--events")
            .arg("--no-tablespaces")
            .arg(format!("--result-file={}", path.display()));
        if let Some(host) = &t.host {
            cmd.arg(format!("--host={host}"));
        }
        if let Some(port) = &t.port {
            cmd.arg(format!("--port={port}"));
        }
        if let Some(user) = &t.user {
            cmd.arg(format!("--user={user}"));
        }
        if let Some(socket) = &t.socket {
            cmd.arg(format!("--socket={socket}"));
        }
        cmd.args(&t.tls).arg("--").arg(&t.database);
        if password.is_none() {
            // Never prompt, never take a password from the environment of the deployer.
            cmd.env_remove("MYSQL_PWD");
        }
        let output = match cmd.output() {
            Ok(output) => output,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => bail!("cannot run {client}: {e}"),
        };
        if !output.status.success() {
            let stderr = scrub(String::from_utf8_lossy(&output.stderr).trim(), url);
            bail!("{client} of {} failed: {stderr}", redact_url(url));
        }
        return Ok(path.to_path_buf());
    }
    bail!(
        "neither mariadb-dump nor mysqldump is on PATH, so no backup can be taken: install the \
         MariaDB or MySQL client tools, or deploy without --backup"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_becomes_client_options() {
        let t = target(
            "mariadb://app@db.example:3307/shop%20db?ssl-mode=VERIFY_IDENTITY&ssl-ca=/ca.pem",
        );
        assert_eq!(t.host.as_deref(), Some("db.example"));
        assert_eq!(t.port.as_deref(), Some("3307"));
        assert_eq!(t.user.as_deref(), Some("app"));
        assert_eq!(t.database, "shop db");
        assert_eq!(
            t.tls,
            ["--ssl", "--ssl-verify-server-cert", "--ssl-ca=/ca.pem"]
        );
        let bare = target("mysql://127.0.0.1/app");
        assert_eq!((bare.user, bare.port, bare.tls.len()), (None, None, 0));
    }

    #[test]
    fn the_password_goes_in_a_private_option_file() {
        let file = defaults_file("p\"a\\ss").unwrap();
        let text = std::fs::read_to_string(file.path()).unwrap();
        assert_eq!(text, "[client]\npassword=\"p\\\"a\\\\ss\"\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(file.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{mode:o}");
        }
    }
}
