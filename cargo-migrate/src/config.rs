//! Where the migrations are and which database to use: `[package.metadata.migrate]` (or
//! `[workspace.metadata.migrate]`) in Cargo.toml, and the database URL.
//!
//! The manifest is read directly (no `cargo metadata` on the hot path); `-p` asks
//! `cargo metadata` to find the package in the workspace.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use migrate_core::PackageConfig;
use migrate_runtime::__private::url::{redact_url, sqlite_relative_to};
use migrate_runtime::{Dialect, LoadOptions, MigrateError, Migrator};

use crate::cli::Common;
use crate::exit::UsageError;

/// The configuration of one package, as `cargo migrate` uses it.
#[derive(Debug, Clone)]
pub struct Config {
    pub package: PackageConfig,
}

impl std::ops::Deref for Config {
    type Target = PackageConfig;

    fn deref(&self) -> &PackageConfig {
        &self.package
    }
}

impl Config {
    /// Finds and reads the configuration for the current invocation.
    pub fn load(common: &Common) -> anyhow::Result<Config> {
        let manifest = match (&common.package, &common.manifest_path) {
            (Some(package), manifest_path) => package_manifest(package, manifest_path.as_deref())?,
            (None, Some(path)) => {
                if !path.is_file() {
                    return Err(UsageError(format!(
                        "--manifest-path {}: no such file",
                        path.display()
                    ))
                    .into());
                }
                path.clone()
            }
            (None, None) => find_manifest()?,
        };
        Config::from_manifest(&manifest)
    }

    pub fn from_manifest(manifest: &Path) -> anyhow::Result<Config> {
        let manifest = std::path::absolute(manifest).unwrap_or_else(|_| manifest.to_path_buf());
        Ok(Config {
            package: PackageConfig::from_manifest(&manifest)?,
        })
    }

    /// The dialect the files are written for: configured, else the URL's, else SQLite.
    pub fn dialect_for(&self, url: Option<&str>) -> anyhow::Result<Dialect> {
        let from_url = url
            .map(migrate_runtime::__private::url::dialect_of)
            .transpose()
            .map_err(|error| MigrateError::Url { error })?;
        match (self.dialect, from_url) {
            (Some(configured), Some(of_url)) if configured != of_url => {
                Err(MigrateError::DialectMismatch {
                    configured: configured.to_string(),
                    url_dialect: of_url.to_string(),
                }
                .into())
            }
            (Some(d), _) | (None, Some(d)) => Ok(d),
            (None, None) => Ok(Dialect::Sqlite),
        }
    }

    /// The migrations folder as shown in messages: relative to the current directory when
    /// it is below it.
    pub fn shown_dir(&self) -> String {
        let cwd = std::env::current_dir().unwrap_or_default();
        self.dir
            .strip_prefix(&cwd)
            .unwrap_or(&self.dir)
            .display()
            .to_string()
    }

    /// Reads the migrations for `dialect`.
    pub fn migrator(&self, dialect: Dialect) -> anyhow::Result<Migrator> {
        let options = LoadOptions {
            dialect,
            ignore: self.ignore.clone(),
            display_dir: Some(self.shown_dir()),
        };
        Ok(Migrator::from_dir(&self.dir, &options)?.with_table(self.table.clone()))
    }

    /// The database URL, first found wins: `--database-url`, `--env NAME`, `DATABASE_URL`,
    /// a `.env` file beside the manifest.
    pub fn database_url(&self, common: &Common) -> anyhow::Result<String> {
        if let Some(url) = &common.database_url {
            return Ok(url.clone());
        }
        if let Some(name) = &common.env {
            return self.env_url(name);
        }
        let dotenv = self.dotenv();
        if let Some(url) = self.lookup("DATABASE_URL", &dotenv) {
            return Ok(url);
        }
        bail!(
            "no database URL: pass --database-url, set DATABASE_URL, or write DATABASE_URL=… in {}",
            self.manifest_dir.join(".env").display()
        )
    }

    /// The URL of environment `name` (`url = "env:VAR"` reads `$VAR`, then `.env`).
    pub fn env_url(&self, name: &str) -> anyhow::Result<String> {
        let Some(env) = self.environments.get(name) else {
            let known: Vec<&str> = self.environments.keys().map(String::as_str).collect();
            let known = if known.is_empty() {
                String::new()
            } else {
                format!(" (known: {})", known.join(", "))
            };
            return Err(UsageError(format!(
                "no environment `{name}` in [package.metadata.migrate.environments]{known}"
            ))
            .into());
        };
        match env.url.strip_prefix("env:") {
            Some(var) => self.lookup(var, &self.dotenv()).with_context(|| {
                format!(
                    "environment `{name}` reads its URL from ${var}, which is not set or is empty (nor in .env)"
                )
            }),
            None => Ok(sqlite_relative_to(&env.url, &self.manifest_dir)),
        }
    }

    /// Environment names, each after the one it `requires` (dev, staging, prod), then by name.
    pub fn environment_order(&self) -> Vec<String> {
        let depth = |name: &str| {
            let mut depth = 0;
            let mut at = name;
            while let Some(next) = self
                .environments
                .get(at)
                .and_then(|e| e.requires.as_deref())
            {
                depth += 1;
                at = next;
                if depth > self.environments.len() {
                    break; // a cycle: keep the order stable rather than loop
                }
            }
            depth
        };
        let mut names: Vec<String> = self.environments.keys().cloned().collect();
        names.sort_by_key(|n| (depth(n), n.clone()));
        names
    }

    /// `$var`, else its value in `.env`. A relative SQLite path from `.env` is relative to the
    /// manifest's folder, like `dir`; one from the process environment, to the current one.
    fn lookup(&self, var: &str, dotenv: &BTreeMap<String, String>) -> Option<String> {
        std::env::var(var)
            .ok()
            .filter(|v| !v.is_empty())
            .or_else(|| {
                let url = dotenv.get(var)?;
                Some(sqlite_relative_to(url, &self.manifest_dir))
            })
    }

    fn dotenv(&self) -> BTreeMap<String, String> {
        let path = self.manifest_dir.join(".env");
        match dotenvy::from_path_iter(&path) {
            Ok(iter) => iter.filter_map(Result::ok).collect(),
            Err(_) => BTreeMap::new(),
        }
    }
}

/// The URL as it may be shown.
pub fn shown_url(url: &str) -> String {
    redact_url(url)
}

fn find_manifest() -> anyhow::Result<PathBuf> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    for dir in cwd.ancestors() {
        let candidate = dir.join("Cargo.toml");
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    bail!(
        "could not find Cargo.toml in {} or any parent directory: run inside a Cargo project, or pass --manifest-path",
        cwd.display()
    )
}

/// The manifest of workspace member `package` (by name), through `cargo metadata`.
fn package_manifest(package: &str, manifest_path: Option<&Path>) -> anyhow::Result<PathBuf> {
    let mut cmd = cargo_metadata::MetadataCommand::new();
    cmd.no_deps();
    if let Some(path) = manifest_path {
        cmd.manifest_path(path);
    }
    let metadata = cmd
        .exec()
        .context("`cargo metadata` failed: is this a Cargo workspace?")?;
    let names: Vec<&str> = metadata
        .workspace_packages()
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    match metadata
        .workspace_packages()
        .into_iter()
        .find(|p| p.name.as_str() == package)
    {
        Some(p) => Ok(p.manifest_path.clone().into_std_path_buf()),
        None => Err(UsageError(format!(
            "package `{package}` is not a member of this workspace (members: {})",
            names.join(", ")
        ))
        .into()),
    }
}
