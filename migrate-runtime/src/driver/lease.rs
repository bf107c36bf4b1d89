//! The lease lock: a row of a table of ours (next to the history table) that names the
//! deployer holding the deploy lock and until when. It needs no session: every statement that
//! claims, renews or releases it is one short transaction of its own (autocommit, simple
//! protocol), so it works through a transaction pooler (PgBouncer) and on CockroachDB, whose
//! advisory locks do not lock.
//!
//! Expiry is read and written with the server's clock only (`now()`), so deployers whose
//! clocks differ agree. A deployer renews its lease every third of its duration from a
//! connection of its own (the heartbeat, [`Heartbeat`]), so a long statement does not let it
//! lapse; a deployer that dies stops renewing, and the next one takes over after expiry.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sqlx::{AssertSqlSafe, ConnectOptions, Executor, PgConnection, Row};

use super::TableName;
use super::history_sql::quote_literal;

/// The lease table of a history table: `<history>_lock` in the same schema.
pub(crate) fn lease_table(history: &TableName) -> TableName {
    TableName {
        schema: history.schema.clone(),
        name: format!("{}_lock", history.name),
    }
}

/// Who holds a lease and for how long yet.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Holder {
    pub owner: String,
    /// Seconds until it expires (negative: expired that long ago).
    pub expires_in: f64,
}

/// What a claim found.
pub(crate) enum Claim {
    /// Ours now; `Some` when it took over an expired lease of that holder.
    Taken(Option<Holder>),
    /// Held by someone else (or, rarely, released between our two reads: `None`).
    Held(Option<Holder>),
}

/// The SQL of one lease (table, key and owner), all statements one autocommit round trip.
#[derive(Debug, Clone)]
pub(crate) struct LeaseSql {
    table: String,
    key: String,
    owner: String,
    millis: u128,
}

impl LeaseSql {
    pub fn new(history: &TableName, owner: &str, lease: Duration) -> LeaseSql {
        LeaseSql {
            table: lease_table(history).quoted(),
            key: quote_literal(&history.display()),
            owner: quote_literal(owner),
            millis: lease.as_millis().max(1),
        }
    }

    fn create(&self) -> String {
        format!(
            "CREATE TABLE IF NOT EXISTS {} (lock_key TEXT PRIMARY KEY, owner TEXT NOT NULL, \
             acquired_at TIMESTAMPTZ NOT NULL, expires_at TIMESTAMPTZ NOT NULL)",
            self.table
        )
    }

    /// Claims a free or expired lease; the row comes back only when it is ours, with the
    /// previous holder when it had expired.
    fn claim(&self) -> String {
        let (t, k, o, ms) = (&self.table, &self.key, &self.owner, self.millis);
        format!(
            "WITH prev AS (SELECT owner, extract(epoch FROM expires_at - now())::float8 AS left_s \
             FROM {t} WHERE lock_key = {k}) \
             INSERT INTO {t} AS l (lock_key, owner, acquired_at, expires_at) \
             VALUES ({k}, {o}, now(), now() + interval '{ms} milliseconds') \
             ON CONFLICT (lock_key) DO UPDATE SET owner = excluded.owner, \
             acquired_at = excluded.acquired_at, expires_at = excluded.expires_at \
             WHERE l.expires_at < now() \
             RETURNING (SELECT owner FROM prev) AS prev_owner, (SELECT left_s FROM prev) AS prev_left"
        )
    }

    fn holder(&self) -> String {
        format!(
            "SELECT owner, extract(epoch FROM expires_at - now())::float8 AS left_s FROM {} \
             WHERE lock_key = {}",
            self.table, self.key
        )
    }

    fn renew(&self) -> String {
        format!(
            "UPDATE {} SET expires_at = now() + interval '{} milliseconds' \
             WHERE lock_key = {} AND owner = {} RETURNING owner",
            self.table, self.millis, self.key, self.owner
        )
    }

    fn release(&self) -> String {
        format!(
            "DELETE FROM {} WHERE lock_key = {} AND owner = {}",
            self.table, self.key, self.owner
        )
    }

    /// Creates the lease table when missing. Two deployers creating it at once may collide
    /// in the catalog (unique violation): the loser finds it made.
    pub async fn ensure_table(&self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        let exists = format!(
            "SELECT to_regclass({}) IS NOT NULL",
            quote_literal(&self.table)
        );
        if super::postgres::raw_scalar::<bool>(conn, exists.clone()).await? {
            return Ok(());
        }
        match conn
            .execute(sqlx::raw_sql(AssertSqlSafe(self.create())))
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if super::postgres::raw_scalar::<bool>(conn, exists).await? => {
                let _ = e;
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    pub async fn claim_once(&self, conn: &mut PgConnection) -> Result<Claim, sqlx::Error> {
        let rows = sqlx::raw_sql(AssertSqlSafe(self.claim()))
            .fetch_all(&mut *conn)
            .await?;
        if let Some(row) = rows.first() {
            let owner: Option<String> = row.try_get("prev_owner")?;
            let left: Option<f64> = row.try_get("prev_left")?;
            let previous = owner
                .zip(left)
                .map(|(owner, expires_in)| Holder { owner, expires_in });
            return Ok(Claim::Taken(previous));
        }
        Ok(Claim::Held(self.current(conn).await?))
    }

    /// The holder now, expired or not; `None` when nobody holds it.
    pub async fn current(&self, conn: &mut PgConnection) -> Result<Option<Holder>, sqlx::Error> {
        let rows = sqlx::raw_sql(AssertSqlSafe(self.holder()))
            .fetch_all(&mut *conn)
            .await?;
        rows.first()
            .map(|r| {
                Ok(Holder {
                    owner: r.try_get("owner")?,
                    expires_in: r.try_get("left_s")?,
                })
            })
            .transpose()
    }

    /// Extends our lease; `false` when it is no longer ours (expired and taken over).
    async fn renew_once(&self, conn: &mut PgConnection) -> Result<bool, sqlx::Error> {
        let rows = sqlx::raw_sql(AssertSqlSafe(self.renew()))
            .fetch_all(conn)
            .await?;
        Ok(!rows.is_empty())
    }

    pub async fn release_once(&self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        conn.execute(sqlx::raw_sql(AssertSqlSafe(self.release())))
            .await
            .map(drop)
    }
}

/// The task renewing a held lease from a connection of its own, every third of the lease.
#[derive(Debug)]
pub(crate) struct Heartbeat {
    task: tokio::task::JoinHandle<()>,
    stop: Arc<tokio::sync::Notify>,
    lost: Arc<AtomicBool>,
}

impl Heartbeat {
    pub fn start(
        sql: LeaseSql,
        options: sqlx::postgres::PgConnectOptions,
        lease: Duration,
    ) -> Heartbeat {
        let stop = Arc::new(tokio::sync::Notify::new());
        let lost = Arc::new(AtomicBool::new(false));
        let (stop2, lost2) = (stop.clone(), lost.clone());
        let task = tokio::spawn(async move {
            let mut conn: Option<PgConnection> = None;
            loop {
                tokio::select! {
                    _ = stop2.notified() => break,
                    _ = tokio::time::sleep(lease / 3) => {}
                }
                if conn.is_none() {
                    conn = options.connect().await.ok();
                }
                let Some(c) = conn.as_mut() else { continue };
                match sql.renew_once(c).await {
                    Ok(true) => {}
                    Ok(false) => {
                        lost2.store(true, Ordering::SeqCst);
                        break;
                    }
                    // The connection broke: a new one at the next beat.
                    Err(_) => conn = None,
                }
            }
            if let Some(c) = conn {
                use sqlx::Connection;
                let _ = c.close().await;
            }
        });
        Heartbeat { task, stop, lost }
    }

    /// Whether the lease was lost (expired and taken over) since it was claimed.
    pub fn lost(&self) -> bool {
        self.lost.load(Ordering::SeqCst)
    }

    /// Stops renewing; `true` when the lease was lost (expired and taken over) meanwhile.
    pub async fn stop(self) -> bool {
        self.stop.notify_one();
        let _ = self.task.await;
        self.lost.load(Ordering::SeqCst)
    }
}

/// An owner id unique to this process and lease: `host:pid:nonce`.
pub(crate) fn owner_id() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_owned())
        })
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".to_owned());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{host}:{}:{nanos:08x}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lease_table_sits_beside_the_history_table_and_names_are_quoted() {
        let history = TableName::parse("ops.hist\"ory");
        assert_eq!(
            lease_table(&history).quoted(),
            "\"ops\".\"hist\"\"ory_lock\""
        );
        let sql = LeaseSql::new(&history, "me'x", Duration::from_secs(2));
        let claim = sql.claim();
        assert!(claim.contains("'me''x'"), "{claim}");
        assert!(claim.contains("interval '2000 milliseconds'"), "{claim}");
        assert!(claim.contains("WHERE l.expires_at < now()"), "{claim}");
    }
}
