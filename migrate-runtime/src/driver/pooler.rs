//! Whether the advisory lock can be trusted on a new PostgreSQL connection, or the deploy
//! must keep no session state and lock with the lease.
//!
//! Two signs, read once per connection:
//! - `version()` names CockroachDB, whose `pg_try_advisory_lock` returns true without locking;
//! - the server's own `port` setting differs from the port the URL connects to: something
//!   between us and the server (PgBouncer, Odyssey, pgcat, a managed platform's pooler) took
//!   the connection. A pooler in transaction mode gives each transaction any server
//!   connection, so a session lock locks nothing; a port forward (Docker's `-p 5433:5432`, an
//!   SSH tunnel) looks the same, and the lease is safe there too (`lock = "advisory"` says
//!   otherwise). A pooler listening on the server's own port number is not seen:
//!   `lock = "lease"` says so.

use sqlx::PgConnection;
use sqlx::postgres::PgConnectOptions;

use super::LockMode;
use super::postgres::raw_scalar;

/// Why this connection must use the lease lock, or `None` for the advisory lock.
pub(crate) async fn lease_reason(
    conn: &mut PgConnection,
    options: &PgConnectOptions,
    mode: LockMode,
) -> Result<Option<String>, sqlx::Error> {
    match mode {
        LockMode::Advisory => return Ok(None),
        LockMode::Lease => return Ok(Some("configured (lock = \"lease\")".to_owned())),
        LockMode::Auto => {}
    }
    let version: String = raw_scalar(conn, "SELECT version()".to_owned()).await?;
    if version.contains("CockroachDB") {
        return Ok(Some(
            "the server is CockroachDB, whose advisory locks do not lock".to_owned(),
        ));
    }
    let port: Option<String> =
        raw_scalar(conn, "SELECT current_setting('port', true)".to_owned()).await?;
    Ok(port_mismatch(port.as_deref(), options.get_port()))
}

/// The reason when the server's `port` setting is not the URL's port.
fn port_mismatch(server_port: Option<&str>, url_port: u16) -> Option<String> {
    let server: u16 = server_port?.trim().parse().ok()?;
    (server != url_port).then(|| {
        format!(
            "the server listens on port {server} but the URL connects to port {url_port}: \
             a connection pooler (or a port forward) is in between, and a session advisory \
             lock would not lock through a transaction pooler"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::port_mismatch;

    #[test]
    fn a_pooler_is_suspected_only_when_the_ports_differ() {
        assert_eq!(port_mismatch(Some("5432"), 5432), None);
        let why = port_mismatch(Some("5432"), 6432).unwrap();
        assert!(
            why.contains("port 5432") && why.contains("port 6432"),
            "{why}"
        );
        assert_eq!(port_mismatch(None, 6432), None);
        assert_eq!(port_mismatch(Some("x"), 6432), None);
    }
}
