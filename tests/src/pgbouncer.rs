//! A PgBouncer of the test's own in transaction pool mode, on a free port in front of the
//! test server (`MIGRATE_TEST_PG_URL`), stopped by its PID when the guard drops.
//!
//! Debian's `pgbouncer` package (`.ci/run` installs it when missing). PgBouncer refuses to
//! run as root: as root it is started with `-u postgres`. Authentication is `trust` towards
//! the client and the server connection uses the test server's user without a password, as
//! the test servers do. An absent `pgbouncer` is a skip, or a failure under
//! `MIGRATE_TEST_REQUIRE_DB=1`.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::pg_admin_url;
use crate::tls_cluster::{chmod, free_port, is_root, started, stop};

/// A running PgBouncer (transaction pool mode) listening on 127.0.0.1:`port`.
pub struct PgBouncer {
    pub dir: tempfile::TempDir,
    pub port: u16,
    pid: i32,
}

impl PgBouncer {
    /// Starts it, or returns `None` after saying why (see the module docs).
    pub fn start() -> Option<PgBouncer> {
        started("PgBouncer", start())
    }

    /// `url` (a database of the test server) as reached through this PgBouncer.
    pub fn url(&self, url: &str) -> String {
        let options: sqlx::postgres::PgConnectOptions = url.parse().expect("a PostgreSQL URL");
        format!(
            "postgres://{}@127.0.0.1:{}/{}",
            options.get_username(),
            self.port,
            options.get_database().unwrap_or("postgres")
        )
    }

    /// PgBouncer's log (for a failing test's message).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("pgbouncer.log")).unwrap_or_default()
    }
}

impl Drop for PgBouncer {
    fn drop(&mut self) {
        // SIGINT: PgBouncer's safe shutdown; wait for it to be gone.
        stop(self.pid, Duration::from_secs(10));
    }
}

fn binary() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").into_iter().flat_map(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("pgbouncer"))
            .collect::<Vec<_>>()
    });
    on_path
        .chain([PathBuf::from("/usr/sbin/pgbouncer")])
        .find(|p| p.is_file())
}

fn start() -> Result<PgBouncer, String> {
    let bin = binary().ok_or("no pgbouncer found (apt-get install pgbouncer)")?;
    let server: sqlx::postgres::PgConnectOptions = pg_admin_url()
        .parse()
        .map_err(|e| format!("MIGRATE_TEST_PG_URL: {e}"))?;
    let dir = tempfile::Builder::new()
        .prefix("cm-pgbouncer-")
        .tempdir()
        .map_err(|e| e.to_string())?;
    let root = dir.path();
    let as_root = is_root();
    if as_root {
        // The postgres user writes its log and PID file here.
        chmod(root, 0o777)?;
    }
    let port = free_port()?;
    let user = server.get_username();
    let auth = root.join("users.txt");
    std::fs::write(&auth, format!("\"{user}\" \"\"\n")).map_err(|e| e.to_string())?;
    let pidfile = root.join("pgbouncer.pid");
    let ini = root.join("pgbouncer.ini");
    let config = format!(
        "[databases]\n* = host={host} port={server_port} user={user}\n\n[pgbouncer]\n\
         listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n\
         auth_type = trust\nauth_file = {auth}\npool_mode = transaction\n\
         max_client_conn = 500\ndefault_pool_size = 20\n\
         ignore_startup_parameters = extra_float_digits,options\n\
         pidfile = {pid}\nlogfile = {log}\n",
        host = server.get_host(),
        server_port = server.get_port(),
        auth = auth.display(),
        pid = pidfile.display(),
        log = root.join("pgbouncer.log").display(),
    );
    std::fs::write(&ini, config).map_err(|e| e.to_string())?;
    let mut cmd = Command::new(&bin);
    cmd.arg("-d");
    if as_root {
        cmd.args(["-u", "postgres"]);
    }
    let status = cmd.arg(&ini).status().map_err(|e| e.to_string())?;
    if !status.success() {
        let log = std::fs::read_to_string(root.join("pgbouncer.log")).unwrap_or_default();
        return Err(format!("{} exited with {status}: {log}", bin.display()));
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let pid = std::fs::read_to_string(&pidfile)
            .ok()
            .and_then(|t| t.trim().parse::<i32>().ok());
        if let Some(pid) = pid
            && std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        {
            return Ok(PgBouncer { dir, port, pid });
        }
        if Instant::now() > deadline {
            return Err("it did not listen within 10 s".to_owned());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
