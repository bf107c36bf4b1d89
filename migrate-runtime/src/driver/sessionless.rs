//! PostgreSQL without a session of our own: through a transaction pooler (PgBouncer in
//! transaction mode), on CockroachDB, or with `lock = "lease"`.
//!
//! Consecutive transactions may run on different server connections, so nothing is kept in
//! the session: the deploy lock is the lease ([`super::lease`]), the statement lock timeout is
//! a `SET LOCAL` inside each migration's transaction, no statement is prepared by name (the
//! history statements go as literals over the simple protocol, see `history_sql::inline`),
//! and the history is re-read inside each migration's transaction. Everything else is
//! [`PgConnection`]'s.

use std::time::{Duration, Instant};

use migrate_core::adopt::{ForeignRow, Tool};
use migrate_core::{AppliedRow, Dialect, VersionOrder};
use sqlx::PgConnection;

use super::lease::{Claim, Heartbeat, LeaseSql, lease_table};
use super::{DbError, Driver, HistoryStatement, LockKey, LockKind, LockState, Placeholders};
use super::{TableName, lease};
use crate::{Event, MigrateError};

/// A PostgreSQL connection that keeps no session state and locks with the lease.
#[derive(Debug)]
pub struct SessionlessPg {
    conn: PgConnection,
    /// To open the heartbeat's connection.
    options: sqlx::postgres::PgConnectOptions,
    lease: Duration,
    owner: String,
    why: String,
    lock_wait: Option<Duration>,
    in_transaction: bool,
    /// PostgreSQL 14+ (not CockroachDB, which says 13): each migration's transaction ends
    /// promptly on the server when the deployer dies (`client_connection_check_interval`).
    check_client: bool,
    held: Option<(LeaseSql, Heartbeat)>,
}

impl SessionlessPg {
    pub(crate) fn new(
        conn: PgConnection,
        options: sqlx::postgres::PgConnectOptions,
        lease: Duration,
        why: String,
    ) -> SessionlessPg {
        SessionlessPg {
            options,
            lease,
            owner: lease::owner_id(),
            why,
            lock_wait: None,
            in_transaction: false,
            check_client: conn.server_version_num().is_some_and(|v| v >= 140_000),
            held: None,
            conn,
        }
    }

    /// Why the lease lock is used (a pooler detected, CockroachDB, or configured).
    pub fn why(&self) -> &str {
        &self.why
    }

    /// Closes the connection (a held lease is released first).
    pub async fn close(mut self) {
        if let Some((sql, beat)) = self.held.take() {
            beat.stop().await;
            let _ = sql.release_once(&mut self.conn).await;
        }
        use sqlx::Connection;
        let _ = self.conn.close().await;
    }

    fn lock_wait_sql(&self) -> Option<String> {
        self.lock_wait
            .map(|t| format!("SET LOCAL lock_timeout = {}", t.as_millis().max(1)))
    }
}

fn lock_error(e: sqlx::Error) -> MigrateError {
    MigrateError::Database {
        context: "taking the lease lock".into(),
        source: Box::new(e),
    }
}

impl Driver for SessionlessPg {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    async fn execute(&mut self, sql: &str) -> Result<(), DbError> {
        // Outside a transaction (before a migration's BEGIN, a no-transaction statement): stop
        // once another deployer holds the lease we lost.
        if !self.in_transaction && self.held.as_ref().is_some_and(|(_, beat)| beat.lost()) {
            return Err(DbError {
                message: format!(
                    "the lease lock was taken over by another deployer: this deploy could not \
                     renew it within its {}s (the database unreachable, or the process paused), \
                     so it stops before running more; the history shows what each applied",
                    self.lease.as_secs()
                ),
                position: None,
                lock_timeout: false,
            });
        }
        match sql {
            // One round trip; the settings end with the transaction, wherever the pooler
            // runs the next one.
            "BEGIN" => {
                let mut begin = "BEGIN".to_owned();
                if self.check_client {
                    begin.push_str("; SET LOCAL client_connection_check_interval = 1000");
                }
                if let Some(set) = self.lock_wait_sql() {
                    begin.push_str("; ");
                    begin.push_str(&set);
                }
                self.conn.execute(&begin).await?;
                self.in_transaction = true;
                Ok(())
            }
            "COMMIT" | "ROLLBACK" => {
                self.in_transaction = false;
                self.conn.execute(sql).await
            }
            _ => self.conn.execute(sql).await,
        }
    }

    fn recheck_in_transaction(&self) -> bool {
        true
    }

    fn placeholders(&self) -> Placeholders {
        self.conn.placeholders()
    }
    async fn write_history(&mut self, statement: HistoryStatement) -> Result<(), sqlx::Error> {
        self.conn.write_history(statement).await
    }
    async fn history_flag(&mut self, statement: HistoryStatement) -> Result<bool, sqlx::Error> {
        self.conn.history_flag(statement).await
    }
    async fn history_exists(&mut self, table: &TableName) -> Result<bool, sqlx::Error> {
        self.conn.history_exists(table).await
    }
    async fn create_history(
        &mut self,
        table: &TableName,
        order: VersionOrder,
    ) -> Result<(), sqlx::Error> {
        self.conn.create_history(table, order).await
    }
    async fn read_history(&mut self, table: &TableName) -> Result<Vec<AppliedRow>, sqlx::Error> {
        self.conn.read_history(table).await
    }

    async fn lock(
        &mut self,
        table: &TableName,
        timeout: Duration,
        observer: &(dyn Fn(&Event<'_>) + Sync),
    ) -> Result<LockKey, MigrateError> {
        let sql = LeaseSql::new(table, &self.owner, self.lease);
        sql.ensure_table(&mut self.conn).await.map_err(lock_error)?;
        let started = Instant::now();
        let mut delay = Duration::from_millis(50);
        let mut told = false;
        loop {
            let holder = match sql.claim_once(&mut self.conn).await.map_err(lock_error)? {
                Claim::Taken(previous) => {
                    if let Some(previous) = previous {
                        observer(&Event::LeaseTakenOver {
                            owner: &previous.owner,
                            expired_for: Duration::from_secs_f64((-previous.expires_in).max(0.0)),
                        });
                    }
                    let beat = Heartbeat::start(sql.clone(), self.options.clone(), self.lease);
                    self.held = Some((sql, beat));
                    return Ok(LockKey(0));
                }
                Claim::Held(holder) => holder,
            };
            let waited = started.elapsed();
            if waited >= timeout {
                let who = holder.map_or_else(
                    || "nobody now".to_owned(),
                    |h| format!("{} (expires in {:.0}s)", h.owner, h.expires_in.max(0.0)),
                );
                return Err(MigrateError::LockTimeout {
                    waited,
                    holder_hint: format!(
                        "the lease lock is held by {who}; see SELECT * FROM {}",
                        lease_table(table).quoted()
                    ),
                });
            }
            if !told && let Some(h) = &holder {
                observer(&Event::WaitingForLease {
                    owner: &h.owner,
                    expires_in: Duration::from_secs_f64(h.expires_in.max(0.0)),
                });
                told = true;
            }
            tokio::time::sleep(delay.min(timeout.saturating_sub(waited))).await;
            delay = (delay * 2).min(Duration::from_millis(500));
        }
    }

    async fn unlock(&mut self, _key: LockKey) -> Result<(), sqlx::Error> {
        let Some((sql, beat)) = self.held.take() else {
            return Ok(());
        };
        let lost = beat.stop().await;
        sql.release_once(&mut self.conn).await?;
        if lost {
            return Err(sqlx::Error::Protocol(
                "the lease lock expired during the deploy and another deployer took it over: \
                 each migration re-read the history in its own transaction, but check the \
                 history table (`status`)"
                    .into(),
            ));
        }
        Ok(())
    }

    async fn set_lock_wait(&mut self, timeout: Option<Duration>) -> Result<(), sqlx::Error> {
        self.lock_wait = timeout;
        match (self.in_transaction, self.lock_wait_sql()) {
            (true, Some(set)) => {
                self.conn.execute(&set).await.map_err(|e| {
                    sqlx::Error::Protocol(format!("setting lock_timeout: {}", e.message))
                })
            }
            _ => Ok(()),
        }
    }

    async fn lock_is_held(&mut self, table: &TableName) -> Result<bool, sqlx::Error> {
        let sql = LeaseSql::new(table, &self.owner, self.lease);
        if !self.conn.history_exists(&lease_table(table)).await? {
            return Ok(false);
        }
        Ok(sql
            .current(&mut self.conn)
            .await?
            .is_some_and(|h| h.expires_in > 0.0))
    }

    async fn lock_state(&mut self, table: &TableName) -> Result<Option<LockState>, sqlx::Error> {
        let holder = if self.conn.history_exists(&lease_table(table)).await? {
            let sql = LeaseSql::new(table, &self.owner, self.lease);
            sql.current(&mut self.conn).await?
        } else {
            None
        };
        Ok(Some(LockState {
            kind: LockKind::Lease,
            why: self.why.clone(),
            expires_in: holder.as_ref().map(|h| h.expires_in),
            holder: holder.map(|h| h.owner),
            lease: Some(self.lease),
        }))
    }

    async fn read_foreign(&mut self, tool: Tool) -> Result<Vec<ForeignRow>, sqlx::Error> {
        self.conn.read_foreign(tool).await
    }

    async fn drop_everything(&mut self) -> Result<(), sqlx::Error> {
        self.conn.drop_everything().await
    }
}

impl crate::introspect::Introspect for SessionlessPg {
    async fn introspect(
        &mut self,
        history_table: &str,
    ) -> Result<migrate_core::schema::Schema, sqlx::Error> {
        self.conn.introspect(history_table).await
    }
}
