//! One module per verb; each owns its `Args` and an `exec`.

pub mod adopt;
pub mod baseline;
pub mod check;
pub mod compat;
pub mod deploy;
pub mod diff;
mod drift;
pub mod hash;
pub mod lint;
mod matrix;
pub mod new;
pub mod reset;
pub mod resolve;
pub mod revert;
pub mod rows;
pub mod schema;
pub mod status;
pub mod verify;

use std::path::Path;
use std::time::Duration;

use migrate_runtime::{AnyConnection, ConnectOptions, Dialect, Event, Migrator};

use crate::cli::{Command, Common, MigrateArgs};
use crate::config::{Config, shown_url};
use crate::exit::UsageError;
use crate::shell::Shell;

/// Runs the verb; returns the exit code.
pub fn run(args: MigrateArgs, shell: &Shell) -> anyhow::Result<i32> {
    let config = Config::load(&args.common)?;
    let writes = match &args.command {
        Command::Deploy(a) => !a.dry_run,
        Command::Revert(_)
        | Command::Resolve(_)
        | Command::Baseline(_)
        | Command::Adopt(_)
        | Command::Reset(_) => true,
        _ => false,
    };
    let cx = Context {
        config,
        common: args.common,
        shell,
        writes,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        match args.command {
            Command::New(a) => new::exec(&cx, a),
            Command::Deploy(a) => deploy::exec(&cx, a).await,
            Command::Status(a) => status::exec(&cx, a).await,
            Command::Revert(a) => revert::exec(&cx, a).await,
            Command::Resolve(a) => resolve::exec(&cx, a).await,
            Command::Baseline(a) => baseline::exec(&cx, a).await,
            Command::Adopt(a) => adopt::exec(&cx, a).await,
            Command::Reset(a) => reset::exec(&cx, a).await,
            Command::Check(a) => check::exec(&cx, a).await,
            Command::Rows(a) => rows::exec(&cx, a),
            Command::Hash(a) => hash::exec(&cx, a),
            Command::Schema(a) => schema::exec(&cx, a),
            Command::Verify(a) => verify::exec(&cx, a).await,
            Command::Diff(a) => diff::exec(&cx, a).await,
            Command::Lint(a) => lint::exec(&cx, a).await,
            Command::Compat(a) => compat::exec(&cx, a),
        }
    })
}

/// What every verb has to hand.
pub struct Context<'a> {
    pub config: Config,
    pub common: Common,
    pub shell: &'a Shell,
    /// Whether the verb writes to the database (then a URL that keeps nothing is refused).
    pub writes: bool,
}

/// A verb's database session: the URL, the migrations read for its dialect, a connection.
pub struct Session {
    pub url: String,
    pub migrator: Migrator,
    pub conn: AnyConnection,
}

impl Context<'_> {
    pub fn lock_timeout(&self) -> Duration {
        Duration::from_secs(self.common.lock_timeout)
    }

    /// `--lock`, else `lock` of [package.metadata.migrate], else chosen by the server.
    pub fn lock_mode(&self) -> anyhow::Result<migrate_runtime::LockMode> {
        let configured = self.common.lock.as_deref().or(self.config.lock.as_deref());
        match configured {
            None => Ok(migrate_runtime::LockMode::Auto),
            Some(name) => name.parse().map_err(anyhow::Error::msg),
        }
    }

    /// The deploy lock as every verb that writes history waits for it.
    pub fn lock_options<'a>(
        &self,
        observer: &'a (dyn Fn(&Event<'_>) + Sync),
    ) -> migrate_runtime::LockOptions<'a> {
        migrate_runtime::LockOptions::new()
            .timeout(self.lock_timeout())
            .observer(observer)
    }

    /// The URL and the dialect of the files.
    pub fn target(&self) -> anyhow::Result<(String, Dialect)> {
        let url = self.config.database_url(&self.common)?;
        let dialect = self.config.dialect_for(Some(&url))?;
        self.check_target(&url)?;
        Ok((url, dialect))
    }

    /// Reads the migrations, then connects (so bad files fail before any connection).
    pub async fn session(&self) -> anyhow::Result<Session> {
        let (url, _) = self.target()?;
        self.session_at(url).await
    }

    /// A session on another database than the invocation's (another environment).
    pub async fn session_at(&self, url: String) -> anyhow::Result<Session> {
        let dialect = self.config.dialect_for(Some(&url))?;
        self.check_target(&url)?;
        let migrator = self.config.migrator(dialect)?;
        let conn = self.connect(&url).await?;
        Ok(Session {
            url,
            migrator,
            conn,
        })
    }

    /// Refuses a URL that keeps nothing for a verb that writes, and a SQLite file whose
    /// folder is missing (before anything reports "pending" for a database that cannot exist).
    fn check_target(&self, url: &str) -> anyhow::Result<()> {
        if self.writes && migrate_runtime::__private::url::is_ephemeral_sqlite(url) {
            return Err(UsageError(format!(
                "`{}` keeps nothing: whatever this command writes there is gone when it exits. \
                 Name a file, such as `sqlite:app.db`",
                self.shown(url)
            ))
            .into());
        }
        if let Some(path) = migrate_runtime::__private::url::sqlite_path(url)
            && let Some(folder) = Path::new(path).parent()
            && !folder.as_os_str().is_empty()
            && !folder.is_dir()
        {
            anyhow::bail!(
                "the folder {} of the SQLite database {path} does not exist: create it, or fix the path in the URL",
                folder.display()
            );
        }
        Ok(())
    }

    /// One line on stderr when the dialect is a guess: none configured and no URL to tell.
    pub fn note_assumed_dialect(&self, url: Option<&str>, dialect: Dialect) {
        if self.config.dialect.is_none() && url.is_none() {
            self.shell.warn_status(
                "Assuming",
                &format!(
                    "{dialect} migrations: no `dialect` in [package.metadata.migrate] and no \
                     database URL (set `dialect = \"postgres\"` or `\"mysql\"` if they are not)"
                ),
            );
        }
    }

    /// One more connection to `url`, with the invocation's timeouts.
    pub async fn connect(&self, url: &str) -> anyhow::Result<AnyConnection> {
        let mut options = ConnectOptions::new()
            .connect_timeout(Duration::from_secs(self.common.connect_timeout))
            .lock_timeout(self.lock_timeout())
            .lock(self.lock_mode()?);
        if let Some(secs) = self.config.lease_duration {
            options = options.lease(Duration::from_secs(secs));
        }
        Ok(AnyConnection::connect(url, &options).await?)
    }

    /// The URL for messages (never with its password).
    pub fn shown(&self, url: &str) -> String {
        shown_url(url)
    }

    /// Prints run events as cargo-style status lines.
    pub fn observer(&self) -> impl Fn(&Event<'_>) + Sync + '_ {
        move |event: &Event<'_>| {
            match event {
            Event::WaitingForLock { holder } => self.shell.warn_status(
                "Waiting",
                &match holder {
                    Some(holder) => format!(
                        "for the migration lock held by {holder}: another deploy is running on \
                         this database"
                    ),
                    None => {
                        "for the migration lock: another deploy is running on this database".into()
                    }
                },
            ),
            Event::WaitingForLease { owner, expires_in } => self.shell.warn_status(
                "Waiting",
                &format!(
                    "for the lease lock held by {owner}: another deploy is running on this \
                     database (its lease expires in {}s unless renewed)",
                    expires_in.as_secs()
                ),
            ),
            Event::LeaseTakenOver { owner, expired_for } => self.shell.warn_status(
                "Took over",
                &format!(
                    "the lease lock of {owner}, expired {}s ago: that deployer stopped renewing \
                     it (crashed or cut off); check `status` for a migration it left running",
                    expired_for.as_secs()
                ),
            ),
            Event::Applying { migration: m } => self.shell.status(
                "Applying",
                &format!("{} {} ({})", m.version, m.name, m.up.path),
            ),
            Event::Applied { migration: m, elapsed } => self.shell.status(
                "Applied",
                &format!("{} {} in {} ms", m.version, m.name, elapsed.as_millis()),
            ),
            Event::AlreadyApplied { migration: m } => self.shell.status(
                "Skipped",
                &format!("{} {}: another deployer applied it", m.version, m.name),
            ),
            Event::Reverting { migration: m } => self.shell.status(
                "Reverting",
                &format!(
                    "{} {} ({})",
                    m.version,
                    m.name,
                    m.down.as_ref().map_or("", |d| &d.path)
                ),
            ),
            Event::Reverted { migration: m, elapsed } => self.shell.status(
                "Reverted",
                &format!("{} {} in {} ms", m.version, m.name, elapsed.as_millis()),
            ),
            Event::Retrying {
                migration,
                attempt,
                of,
                delay,
            } => self.shell.warn_status(
                "Retrying",
                &format!(
                    "migration {} gave up waiting for a lock and was rolled back; retry {attempt} of {of} in {}s",
                    migration.version,
                    delay.as_secs()
                ),
            ),
            Event::Stopping { reason } => self.shell.warn_status(
                "Stopping",
                &format!(
                    "on {reason}: cancelling the running statement (send it again to quit at once)"
                ),
            ),
            Event::StatementBlocked {
                migration,
                waited,
                blockers,
            } => {
                let who: Vec<String> = blockers
                    .iter()
                    .map(|b| {
                        format!(
                            "pid {}, {}, {}, since {}: {}",
                            b.pid,
                            if b.application_name.is_empty() {
                                "no application_name".to_owned()
                            } else {
                                format!("application {}", b.application_name)
                            },
                            b.state,
                            b.since,
                            b.query.replace('\n', " ")
                        )
                    })
                    .collect();
                self.shell.warn_status(
                    "Blocked",
                    &format!(
                        "migration {} has waited {}s for a lock held by {}",
                        migration.version,
                        waited.as_secs(),
                        who.join("; ")
                    ),
                );
            }
            _ => {}
        }
        }
    }
}

/// A version typed on the command line (`--to`, `--resume`, `resolve`, `baseline`), read by
/// the rule of the project's migrations: sqlx's integers, or diesel's text, where the
/// version (`20240306170000`), its folder's prefix (`2024-03-06-170000`) and the folder's
/// whole name all name one migration.
pub(crate) fn typed_version(
    migrator: &Migrator,
    flag: &str,
    text: &str,
) -> Result<migrate_core::Version, UsageError> {
    let order = migrator.version_order();
    migrate_core::Version::parse(text, order).ok_or_else(|| {
        UsageError(match order {
            migrate_core::VersionOrder::Number => format!(
                "{flag} {text}: not a version: versions are the digits that start a migration's \
                 file name (`cargo migrate status` lists them)"
            ),
            migrate_core::VersionOrder::Text => format!(
                "{flag} {text}: not a version: diesel versions are a migration folder's name \
                 before its first `_`, dashes removed (`cargo migrate status` lists them)"
            ),
        })
    })
}

/// A version in `--format json`: sqlx's integers as numbers, diesel's text as strings.
pub(crate) fn version_json(version: &migrate_core::Version) -> serde_json::Value {
    match version {
        migrate_core::Version::Number(n) => serde_json::Value::from(*n),
        migrate_core::Version::Text(t) => serde_json::Value::from(t.as_ref()),
    }
}
