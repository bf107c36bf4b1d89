//! A PostgreSQL cluster of the test's own that accepts only TLS connections, with a CA and a
//! server certificate made by `openssl` at test time. Started with `initdb` + `pg_ctl` in a
//! temporary folder on a free port (as the `postgres` OS user when the tests run as root, since
//! `initdb` refuses root), and stopped by its postmaster PID when the guard drops.
//!
//! Absent tools (`initdb`, `openssl`) are a skip, or a failure under `MIGRATE_TEST_REQUIRE_DB=1`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::require_db;

/// A running TLS-only cluster. `port` listens on 127.0.0.1; user `postgres`, database
/// `postgres`, trust authentication over `hostssl` only.
pub struct TlsCluster {
    pub dir: tempfile::TempDir,
    pub port: u16,
    /// The CA that signed the server certificate.
    pub ca: PathBuf,
    /// A CA that signed nothing the server has.
    pub wrong_ca: PathBuf,
    /// The server certificate names only this host (`localhost`, no IP address).
    pub cert_host: &'static str,
    pid: Option<i32>,
}

impl TlsCluster {
    /// Starts the cluster, or returns `None` after saying why (see the module docs).
    pub fn start() -> Option<TlsCluster> {
        started("a TLS PostgreSQL cluster", start())
    }

    /// A URL of this cluster with `host` and extra query parameters (`sslmode=…&…`).
    pub fn url(&self, host: &str, query: &str) -> String {
        format!("postgres://postgres@{host}:{}/postgres?{query}", self.port)
    }
}

impl Drop for TlsCluster {
    fn drop(&mut self) {
        let Some(pid) = self.pid else { return };
        // SIGINT: PostgreSQL's "fast" shutdown. Wait for the postmaster to be gone so that
        // the temporary folder can be removed.
        stop(pid, Duration::from_secs(20));
    }
}

/// Sends SIGINT to `pid` and waits up to `within` for it to be gone.
pub(crate) fn stop(pid: i32, within: Duration) {
    let _ = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status();
    let deadline = Instant::now() + within;
    while Instant::now() < deadline && Path::new(&format!("/proc/{pid}")).exists() {
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn start() -> Result<TlsCluster, String> {
    let bin = pg_bin_dir().ok_or("no initdb found (install the PostgreSQL server packages)")?;
    let dir = tempfile::Builder::new()
        .prefix("cm-tls-")
        .tempdir()
        .map_err(|e| e.to_string())?;
    let root = dir.path();
    let as_root = is_root();
    if as_root {
        // The postgres user must reach the folder; tempdir makes it 0700 for root.
        chmod(root, 0o755)?;
    }

    // Two CAs; a server certificate for `localhost` only, signed by the first.
    let ssl = root.join("ssl");
    std::fs::create_dir(&ssl).map_err(|e| e.to_string())?;
    make_ca(&ssl, "ca")?;
    make_ca(&ssl, "wrong-ca")?;
    openssl(
        &[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
        ],
        &ssl,
    )?;
    std::fs::write(ssl.join("san.ext"), "subjectAltName=DNS:localhost\n")
        .map_err(|e| e.to_string())?;
    openssl(
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "san.ext",
            "-out",
            "server.crt",
        ],
        &ssl,
    )?;

    let data = root.join("data");
    let port = free_port()?;
    std::fs::create_dir(&data).map_err(|e| e.to_string())?;
    chmod(&data, 0o700)?;
    if as_root {
        chown_postgres(&data)?;
    }
    run_pg(
        as_root,
        &bin.join("initdb"),
        &[
            "-D",
            &data.display().to_string(),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
        ],
    )?;
    let key = data.join("server.key");
    std::fs::copy(ssl.join("server.key"), &key).map_err(|e| e.to_string())?;
    std::fs::copy(ssl.join("server.crt"), data.join("server.crt")).map_err(|e| e.to_string())?;
    chmod(&key, 0o600)?;
    if as_root {
        chown_postgres(&data)?;
    }
    let conf = format!(
        "\nport = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\n\
         ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n\
         fsync = off\nshared_buffers = 16MB\nmax_connections = 20\n",
        data.display()
    );
    append(&data.join("postgresql.conf"), &conf)?;
    std::fs::write(
        data.join("pg_hba.conf"),
        "hostssl all all 127.0.0.1/32 trust\nhostssl all all ::1/128 trust\n",
    )
    .map_err(|e| e.to_string())?;
    run_pg(
        as_root,
        &bin.join("pg_ctl"),
        &[
            "-D",
            &data.display().to_string(),
            "-l",
            &data.join("log").display().to_string(),
            "-w",
            "-t",
            "30",
            "start",
        ],
    )?;
    let pid = read_pid(&data)?;
    let cluster = TlsCluster {
        ca: ssl.join("ca.crt"),
        wrong_ca: ssl.join("wrong-ca.crt"),
        cert_host: "localhost",
        port,
        pid: Some(pid),
        dir,
    };
    Ok(cluster)
}

fn make_ca(dir: &Path, name: &str) -> Result<(), String> {
    openssl(
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            &format!("/CN=cargo-migrate test {name}"),
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.crt"),
        ],
        dir,
    )
}

fn openssl(args: &[&str], dir: &Path) -> Result<(), String> {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run openssl: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "openssl {} failed: {}",
            args[0],
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

/// Runs a PostgreSQL server tool, as the `postgres` OS user when we are root.
fn run_pg(as_root: bool, tool: &Path, args: &[&str]) -> Result<(), String> {
    let mut cmd = if as_root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(tool);
        c
    } else {
        Command::new(tool)
    };
    let out = cmd
        .args(args)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", tool.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{} failed: {}{}",
            tool.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

/// The newest `/usr/lib/postgresql/<major>/bin` with an `initdb`, or the one on PATH.
fn pg_bin_dir() -> Option<PathBuf> {
    let mut majors: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let major = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((major, bin))
        })
        .collect();
    majors.sort();
    if let Some((_, bin)) = majors.pop() {
        return Some(bin);
    }
    let out = Command::new("pg_config").arg("--bindir").output().ok()?;
    let bin = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    bin.join("initdb").is_file().then_some(bin)
}

/// The server or tool the test started, or `None` after saying why it could not (a skip), or a
/// panic under `MIGRATE_TEST_REQUIRE_DB=1`.
pub(crate) fn started<T>(what: &str, result: Result<T, String>) -> Option<T> {
    match result {
        Ok(started) => Some(started),
        Err(why) => {
            let message = format!("cannot start {what}: {why}");
            if require_db() {
                panic!(
                    "{message}; MIGRATE_TEST_REQUIRE_DB is set, so this is a failure, not a skip"
                );
            }
            eprintln!("SKIPPED: {message}");
            None
        }
    }
}

pub(crate) fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

pub(crate) fn chmod(path: &Path, mode: u32) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| format!("chmod {}: {e}", path.display()))
}

fn chown_postgres(path: &Path) -> Result<(), String> {
    let status = Command::new("chown")
        .args(["-R", "postgres:postgres"])
        .arg(path)
        .status()
        .map_err(|e| e.to_string())?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| format!("chown postgres {} failed", path.display()))
}

fn append(path: &Path, text: &str) -> Result<(), String> {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| format!("{}: {e}", path.display()))
}

pub(crate) fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

fn read_pid(data: &Path) -> Result<i32, String> {
    let text = std::fs::read_to_string(data.join("postmaster.pid"))
        .map_err(|e| format!("no postmaster.pid: {e}"))?;
    text.lines()
        .next()
        .and_then(|l| l.trim().parse().ok())
        .ok_or_else(|| "postmaster.pid has no PID".to_owned())
}
