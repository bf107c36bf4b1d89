//! `[package.metadata.migrate]` (or `[workspace.metadata.migrate]`) in Cargo.toml: where the
//! migrations are, their dialect, the history table. Shared by the CLI and the macros, so the
//! build and the deploy read the same folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::Dialect;

mod lint;

pub use lint::{LintConfig, Severity};

/// The default history table.
pub const DEFAULT_TABLE: &str = "_migrate_history";

/// One `[package.metadata.migrate.environments.NAME]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    /// A URL, or `env:VAR` to read it from an environment variable.
    pub url: String,
    /// Another environment that must have a migration before this one gets it.
    pub requires: Option<String>,
}

/// The resolved configuration of one package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageConfig {
    /// The folder of the package's `Cargo.toml`.
    pub manifest_dir: PathBuf,
    /// The migrations folder (absolute when the manifest path was).
    pub dir: PathBuf,
    /// `dialect`: the configured dialect, if any (else the URL decides).
    pub dialect: Option<Dialect>,
    /// `table`: the history table (default `_migrate_history`).
    pub table: String,
    /// `ignore`: names in the folder that are not migrations.
    pub ignore: Vec<String>,
    /// `[…migrate.environments]`, by name (the workspace's and the package's).
    pub environments: BTreeMap<String, Environment>,
    /// `[…migrate.types]`: SQL type name -> Rust type, for extension types.
    pub types: BTreeMap<String, String>,
    /// `statement-lock-timeout`: seconds a migration statement may wait for a lock.
    pub statement_lock_timeout: Option<u64>,
    /// `lock-retries`: how often a transactional migration that hit that timeout is retried.
    pub lock_retries: Option<u32>,
    /// `[…migrate.lint]`: lint's rules and PostgreSQL version.
    pub lint: LintConfig,
    /// `lock`: the deploy lock on PostgreSQL, `advisory` or `lease` (default: chosen by what
    /// the server is).
    pub lock: Option<String>,
    /// `lease-duration`: seconds a lease lock lasts unless renewed.
    pub lease_duration: Option<u64>,
}

/// A manifest that cannot be read or whose `migrate` table is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ConfigError {
    /// The manifest.
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

/// The `migrate` table as written, before the package's and the workspace's are merged.
#[derive(Debug, Default, Clone)]
struct Raw {
    dir: Option<String>,
    dialect: Option<Dialect>,
    table: Option<String>,
    ignore: Option<Vec<String>>,
    environments: BTreeMap<String, Environment>,
    types: BTreeMap<String, String>,
    statement_lock_timeout: Option<u64>,
    lock_retries: Option<u32>,
    lint: LintConfig,
    lock: Option<String>,
    lease_duration: Option<u64>,
}

impl PackageConfig {
    /// Reads the configuration of the package (or virtual workspace) at `manifest`.
    pub fn from_manifest(manifest: &Path) -> Result<PackageConfig, ConfigError> {
        let manifest_dir = manifest
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let doc = read_toml(manifest)?;
        let package = section(&doc, "package", manifest)?;
        // The workspace's table: in this manifest, or in the nearest parent workspace root.
        let (workspace, workspace_dir) = if doc.contains_key("workspace") {
            (section(&doc, "workspace", manifest)?, manifest_dir.clone())
        } else {
            match find_workspace_root(&manifest_dir) {
                Some(root) => {
                    let raw = section(&read_toml(&root)?, "workspace", &root)?;
                    (
                        raw,
                        root.parent()
                            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
                    )
                }
                None => (None, manifest_dir.clone()),
            }
        };
        let p = package.unwrap_or_default();
        let w = workspace.unwrap_or_default();
        let dir = match (&p.dir, &w.dir) {
            (Some(dir), _) => manifest_dir.join(dir),
            (None, Some(dir)) => workspace_dir.join(dir),
            (None, None) => manifest_dir.join("migrations"),
        };
        let mut environments = w.environments;
        environments.extend(p.environments);
        check_requires(&environments).map_err(|message| ConfigError {
            path: manifest.display().to_string(),
            message,
        })?;
        let mut types = w.types;
        types.extend(p.types);
        Ok(PackageConfig {
            manifest_dir,
            dir,
            dialect: p.dialect.or(w.dialect),
            table: p
                .table
                .or(w.table)
                .unwrap_or_else(|| DEFAULT_TABLE.to_owned()),
            ignore: p.ignore.or(w.ignore).unwrap_or_default(),
            environments,
            types,
            statement_lock_timeout: p.statement_lock_timeout.or(w.statement_lock_timeout),
            lock_retries: p.lock_retries.or(w.lock_retries),
            lint: LintConfig::merged(w.lint, p.lint),
            lock: p.lock.or(w.lock),
            lease_duration: p.lease_duration.or(w.lease_duration),
        })
    }
}

/// Every `requires` names a known environment, and following them never comes back.
fn check_requires(environments: &BTreeMap<String, Environment>) -> Result<(), String> {
    for (name, env) in environments {
        let Some(required) = &env.requires else {
            continue;
        };
        if !environments.contains_key(required) {
            let known: Vec<&str> = environments.keys().map(String::as_str).collect();
            return Err(format!(
                "environments.{name}.requires names `{required}`, which is not an environment (known: {})",
                known.join(", ")
            ));
        }
        // Follow `requires` from `name`: coming back to it is a cycle.
        let mut chain = vec![name.as_str(), required.as_str()];
        let mut at = required.as_str();
        while at != name && chain.len() <= environments.len() + 1 {
            let Some(next) = environments.get(at).and_then(|e| e.requires.as_deref()) else {
                break;
            };
            chain.push(next);
            at = next;
        }
        if at == name {
            return Err(format!(
                "environments.{name}.requires makes a cycle ({}): one environment of it must require none",
                chain.join(" -> ")
            ));
        }
    }
    Ok(())
}

fn read_toml(path: &Path) -> Result<toml::Table, ConfigError> {
    let error = |message: String| ConfigError {
        path: path.display().to_string(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| error(format!("cannot read: {e}")))?;
    text.parse::<toml::Table>()
        .map_err(|e| error(format!("not valid TOML: {e}")))
}

/// `[<root>.metadata.migrate]`, checked key by key.
fn section(doc: &toml::Table, root: &str, manifest: &Path) -> Result<Option<Raw>, ConfigError> {
    let Some(table) = doc
        .get(root)
        .and_then(|v| v.get("metadata"))
        .and_then(|v| v.get("migrate"))
    else {
        return Ok(None);
    };
    let at = format!("[{root}.metadata.migrate]");
    let error = |message: String| ConfigError {
        path: manifest.display().to_string(),
        message: format!("{at}: {message}"),
    };
    let Some(table) = table.as_table() else {
        return Err(error("must be a table".into()));
    };
    let string = |key: &str, value: &toml::Value| {
        value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| error(format!("`{key}` must be a string")))
    };
    let mut raw = Raw::default();
    for (key, value) in table {
        match key.as_str() {
            "dir" => raw.dir = Some(string(key, value)?),
            "table" => raw.table = Some(string(key, value)?),
            "statement-lock-timeout" | "lock-retries" => {
                let n = value
                    .as_integer()
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| error(format!("`{key}` must be a whole number ≥ 0")))?;
                if key == "lock-retries" {
                    raw.lock_retries = Some(n);
                } else {
                    raw.statement_lock_timeout = Some(u64::from(n));
                }
            }
            "lock" => {
                let name = string(key, value)?;
                if !matches!(name.as_str(), "advisory" | "lease" | "auto") {
                    return Err(error(format!(
                        "`lock` must be \"advisory\", \"lease\" or \"auto\", not \"{name}\""
                    )));
                }
                raw.lock = Some(name);
            }
            "lease-duration" => {
                let n = value
                    .as_integer()
                    .and_then(|n| u32::try_from(n).ok())
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| {
                        error("`lease-duration` must be a whole number of seconds ≥ 1".into())
                    })?;
                raw.lease_duration = Some(u64::from(n));
            }
            "dialect" => {
                let name = string(key, value)?;
                raw.dialect = Some(name.parse().map_err(|e| error(format!("{e}")))?);
            }
            "ignore" => {
                let list = value
                    .as_array()
                    .ok_or_else(|| error("`ignore` must be a list of patterns".into()))?;
                raw.ignore = Some(
                    list.iter()
                        .map(|v| string("ignore", v))
                        .collect::<Result<_, _>>()?,
                );
            }
            "environments" => {
                let envs = value
                    .as_table()
                    .ok_or_else(|| error("`environments` must be a table".into()))?;
                for (name, env) in envs {
                    raw.environments
                        .insert(name.clone(), environment(name, env).map_err(&error)?);
                }
            }
            "lint" => raw.lint = LintConfig::parse(value).map_err(&error)?,
            "types" => {
                let types = value
                    .as_table()
                    .ok_or_else(|| error("`types` must be a table".into()))?;
                for (sql, rust) in types {
                    raw.types
                        .insert(sql.clone(), string(&format!("types.{sql}"), rust)?);
                }
            }
            other => {
                return Err(error(format!(
                    "unknown key `{other}` (known: dir, dialect, table, ignore, statement-lock-timeout, lock-retries, lock, lease-duration, environments, types, lint)"
                )));
            }
        }
    }
    Ok(Some(raw))
}

fn environment(name: &str, value: &toml::Value) -> Result<Environment, String> {
    let table = value
        .as_table()
        .ok_or_else(|| format!("environments.{name} must be a table"))?;
    let mut url = None;
    let mut requires = None;
    for (key, v) in table {
        let text = v
            .as_str()
            .ok_or_else(|| format!("environments.{name}.{key} must be a string"))?;
        match key.as_str() {
            "url" => url = Some(text.to_owned()),
            "requires" => requires = Some(text.to_owned()),
            other => {
                return Err(format!(
                    "unknown key `{other}` in environments.{name} (known: url, requires)"
                ));
            }
        }
    }
    let url =
        url.ok_or_else(|| format!("environments.{name} needs a `url` (a URL, or \"env:VAR\")"))?;
    Ok(Environment { url, requires })
}

/// The nearest Cargo.toml above `dir` with a `[workspace]` table.
fn find_workspace_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .skip(1)
        .map(|d| d.join("Cargo.toml"))
        .find(|candidate| {
            candidate.is_file()
                && std::fs::read_to_string(candidate)
                    .ok()
                    .and_then(|t| t.parse::<toml::Table>().ok())
                    .is_some_and(|doc| doc.contains_key("workspace"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn package_keys_win_over_the_workspace() {
        let ws = tempfile::tempdir().unwrap();
        write(
            ws.path(),
            "Cargo.toml",
            "[workspace]\nmembers = [\"app\"]\n[workspace.metadata.migrate]\ndir = \"db\"\ndialect = \"postgres\"\ntable = \"ws\"\n[workspace.metadata.migrate.environments.prod]\nurl = \"env:PROD\"\n",
        );
        write(
            ws.path(),
            "app/Cargo.toml",
            "[package]\nname = \"app\"\n[package.metadata.migrate]\ntable = \"app_history\"\n[package.metadata.migrate.types]\ncitext = \"String\"\n",
        );
        let c = PackageConfig::from_manifest(&ws.path().join("app/Cargo.toml")).unwrap();
        assert_eq!(
            c.dir,
            ws.path().join("db"),
            "the workspace's dir is relative to the workspace"
        );
        assert_eq!(c.dialect, Some(Dialect::Postgres));
        assert_eq!(c.table, "app_history");
        assert_eq!(c.environments["prod"].url, "env:PROD");
        assert_eq!(c.types["citext"], "String");
    }

    #[test]
    fn lock_and_lease_duration_are_read_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("Cargo.toml");
        let write = |body: &str| {
            std::fs::write(
                &manifest,
                format!("[package]\nname = \"x\"\n[package.metadata.migrate]\n{body}\n"),
            )
            .unwrap();
            PackageConfig::from_manifest(&manifest)
        };
        let c = write("lock = \"lease\"\nlease-duration = 5").unwrap();
        assert_eq!(
            (c.lock.as_deref(), c.lease_duration),
            (Some("lease"), Some(5))
        );
        let e = write("lock = \"row\"").unwrap_err();
        assert!(e.message.contains("`lock` must be"), "{e}");
        let e = write("lease-duration = 0").unwrap_err();
        assert!(e.message.contains("`lease-duration`"), "{e}");
    }

    #[test]
    fn statement_lock_timeout_and_lock_retries_are_read_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "Cargo.toml",
            "[package]\nname = \"x\"\n[package.metadata.migrate]\nstatement-lock-timeout = 5\nlock-retries = 0\n",
        );
        let c = PackageConfig::from_manifest(&dir.path().join("Cargo.toml")).unwrap();
        assert_eq!(
            (c.statement_lock_timeout, c.lock_retries),
            (Some(5), Some(0))
        );
        write(
            dir.path(),
            "Cargo.toml",
            "[package]\nname = \"x\"\n[package.metadata.migrate]\nlock-retries = \"3\"\n",
        );
        let e = PackageConfig::from_manifest(&dir.path().join("Cargo.toml")).unwrap_err();
        assert!(
            e.message.contains("`lock-retries` must be a whole number"),
            "{e}"
        );
    }

    #[test]
    fn defaults_and_errors() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "Cargo.toml", "[package]\nname = \"x\"\n");
        let c = PackageConfig::from_manifest(&dir.path().join("Cargo.toml")).unwrap();
        assert_eq!(
            (c.dir, c.dialect, c.table.as_str()),
            (dir.path().join("migrations"), None, DEFAULT_TABLE)
        );

        let bad = |body: &str| {
            write(
                dir.path(),
                "Cargo.toml",
                &format!("[package]\nname = \"x\"\n[package.metadata.migrate]\n{body}\n"),
            );
            PackageConfig::from_manifest(&dir.path().join("Cargo.toml"))
                .unwrap_err()
                .to_string()
        };
        assert!(bad("dialet = \"sqlite\"").contains("unknown key `dialet`"));
        assert!(bad("dialect = \"oracle\"").contains("unknown dialect `oracle`"));
        assert!(bad("dir = 3").contains("`dir` must be a string"));
        assert!(
            bad("[package.metadata.migrate.environments.prod]\nrequires = \"staging\"")
                .contains("needs a `url`")
        );
        assert!(bad("dir = ").contains("not valid TOML"));
    }

    fn bad(body: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "Cargo.toml",
            &format!("[package]\nname = \"x\"\n[package.metadata.migrate]\n{body}\n"),
        );
        PackageConfig::from_manifest(&dir.path().join("Cargo.toml"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn requires_naming_a_missing_environment_or_a_cycle_is_a_config_error() {
        let env = |name: &str, requires: &str| {
            format!(
                "[package.metadata.migrate.environments.{name}]\nurl = \"sqlite:x.db\"\nrequires = \"{requires}\"\n"
            )
        };
        assert!(
            bad(&env("prod", "stagin")).contains(
                "environments.prod.requires names `stagin`, which is not an environment (known: prod)"
            ),
            "{}",
            bad(&env("prod", "stagin"))
        );
        let cycle = format!("{}{}", env("a", "b"), env("b", "a"));
        assert!(
            bad(&cycle).contains("environments.a.requires makes a cycle (a -> b -> a)"),
            "{}",
            bad(&cycle)
        );
        assert!(
            bad(&env("a", "a")).contains("makes a cycle (a -> a)"),
            "{}",
            bad(&env("a", "a"))
        );
    }
}
