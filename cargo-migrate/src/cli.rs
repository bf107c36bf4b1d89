//! Command-line arguments. Cargo runs us as `cargo-migrate migrate <verb> …`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::commands;

#[derive(Debug, Parser)]
#[command(name = "cargo", bin_name = "cargo", styles = clap::builder::Styles::styled())]
pub enum Cli {
    /// SQL schema migrations, checked at `cargo build` and applied safely.
    #[command(version, after_help = EXIT_CODES)]
    Migrate(MigrateArgs),
}

const EXIT_CODES: &str = "Exit codes (every verb): 0 success, 1 failure, 2 invalid usage, \
                          3 something pending (status, check), 4 history problem (changed, missing, failed or out-of-order migrations) or schema drift (verify)";

#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every verb takes.
#[derive(Debug, Args)]
pub struct Common {
    /// Path to the package's (or workspace's) Cargo.toml [default: found from the current directory]
    #[arg(long, global = true, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// The workspace member whose migrations to use
    #[arg(short = 'p', long, global = true, value_name = "SPEC")]
    pub package: Option<String>,
    /// Database URL (overrides --env, DATABASE_URL and .env)
    #[arg(long, global = true, value_name = "URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Use the URL of an environment from [package.metadata.migrate.environments]
    #[arg(long = "env", global = true, value_name = "NAME")]
    pub env: Option<String>,
    /// Seconds to wait for another deployer's lock
    #[arg(long, global = true, value_name = "SECS", default_value_t = 60)]
    pub lock_timeout: u64,
    /// Seconds to keep retrying a server that does not answer
    #[arg(long, global = true, value_name = "SECS", default_value_t = 10)]
    pub connect_timeout: u64,
    /// The deploy lock on PostgreSQL: advisory, lease, or auto [default: `lock` of
    /// [package.metadata.migrate], else lease through a connection pooler or on CockroachDB]
    #[arg(long, global = true, value_name = "KIND", value_parser = ["advisory", "lease", "auto"])]
    pub lock: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new migration file named with the current UTC time
    New(commands::new::Args),
    /// Apply pending migrations, each in its own transaction
    Deploy(commands::deploy::Args),
    /// Show every migration's state: applied, pending, changed, missing, out-of-order, failed
    Status(commands::status::Args),
    /// Run down migrations, newest first
    Revert(commands::revert::Args),
    /// Record a manual fix without running SQL
    Resolve(commands::resolve::Args),
    /// Mark migrations up to a version applied on a database that already has their schema
    Baseline(commands::baseline::Args),
    /// Take over the history of sqlx, diesel or Prisma without re-running anything
    Adopt(commands::adopt::Args),
    /// Drop everything in a development database and apply all migrations again
    Reset(commands::reset::Args),
    /// Check the migrations for CI: well-formed files, unique versions, migrate.sum; with a URL, a round trip
    Check(commands::check::Args),
    /// Check every #[derive(Table)]/#[derive(DbEnum)] of the package against the migrations, offline: all mismatches at once, a fix each
    Rows(commands::rows::Args),
    /// Write migrations/migrate.sum, the committed checksums of every migration file
    Hash(commands::hash::Args),
    /// Print the schema the migrations produce (replayed offline) as SQL or JSON
    Schema(commands::schema::Args),
    /// Check that the database matches its applied migrations: history and schema (exit 4 on drift)
    Verify(commands::verify::Args),
    /// Show how the database differs from its applied migrations; --script writes a repair migration
    Diff(commands::diff::Args),
    /// Find migrations that are correct but unsafe on a live database (locks, rewrites, breaking changes)
    Lint(commands::lint::Args),
    /// Check the previous release's row types (from git) against the new migrations: breaks of a rolling deploy
    Compat(commands::compat::Args),
}

/// The global options a verb ignores, left out of its `--help`: `new` and `hash` touch no
/// database; `schema` reads only a URL's scheme (to pick the dialect) and connects nowhere.
const IGNORED: &[(&str, &[&str])] = &[
    (
        "new",
        &[
            "database_url",
            "env",
            "lock_timeout",
            "connect_timeout",
            "lock",
        ],
    ),
    (
        "hash",
        &[
            "database_url",
            "env",
            "lock_timeout",
            "connect_timeout",
            "lock",
        ],
    ),
    (
        "rows",
        &[
            "database_url",
            "env",
            "lock_timeout",
            "connect_timeout",
            "lock",
        ],
    ),
    ("schema", &["lock_timeout", "connect_timeout", "lock"]),
    (
        "lint",
        &[
            "database_url",
            "env",
            "lock_timeout",
            "connect_timeout",
            "lock",
        ],
    ),
    (
        "compat",
        &["database_url", "env", "lock_timeout", "connect_timeout"],
    ),
];

impl Cli {
    /// Parses the command line, with each verb's help listing only the options it uses.
    pub fn parse_args() -> Cli {
        use clap::FromArgMatches;
        let matches = Cli::command_with_help().get_matches();
        Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
    }

    /// The clap command, built (global options propagated), then trimmed per verb.
    pub fn command_with_help() -> clap::Command {
        use clap::CommandFactory;
        let mut cmd = Cli::command();
        cmd.build();
        cmd.mut_subcommand("migrate", |mut migrate| {
            for (verb, args) in IGNORED {
                // In place: after `build`, removing and re-adding an argument (`mut_arg`)
                // would break the parser's index of them.
                migrate = migrate.mut_subcommand(*verb, |sub| {
                    sub.mut_args(|a| {
                        let hide = a.is_hide_set() || args.contains(&a.get_id().as_str());
                        a.hide(hide)
                    })
                });
            }
            migrate
        })
    }
}

impl Command {
    /// The verb's name, as typed.
    pub fn name(&self) -> &'static str {
        match self {
            Command::New(_) => "new",
            Command::Deploy(_) => "deploy",
            Command::Status(_) => "status",
            Command::Revert(_) => "revert",
            Command::Resolve(_) => "resolve",
            Command::Baseline(_) => "baseline",
            Command::Adopt(_) => "adopt",
            Command::Reset(_) => "reset",
            Command::Check(_) => "check",
            Command::Rows(_) => "rows",
            Command::Hash(_) => "hash",
            Command::Schema(_) => "schema",
            Command::Verify(_) => "verify",
            Command::Diff(_) => "diff",
            Command::Lint(_) => "lint",
            Command::Compat(_) => "compat",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
        Cli::command_with_help().debug_assert();
    }
}
