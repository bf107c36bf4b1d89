//! The previous release's files, read from git into a temporary folder: the package at the
//! ref (its Rust sources and its Cargo.toml), the manifests above it (a workspace's settings)
//! and its migrations folder. Nothing in the clone, its index or its work tree changes.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::Context as _;
use migrate_core::PackageConfig;

use crate::exit::UsageError;

/// The package as it was at the ref.
pub struct OldRelease {
    /// Holds the files; removed when dropped.
    _dir: tempfile::TempDir,
    /// The ref as typed.
    pub reference: String,
    /// The commit it names, abbreviated.
    pub commit: String,
    /// The package's configuration at the ref (paths inside the temporary folder).
    pub config: PackageConfig,
    /// The migrations folder at the ref, relative to the repository's top level.
    pub migrations: String,
}

/// Reads the package at `manifest_dir` as it was at `reference`.
pub fn old_release(manifest_dir: &Path, reference: &str) -> anyhow::Result<OldRelease> {
    let git = Git::at(manifest_dir)?;
    let prefix = git.run(&["rev-parse", "--show-prefix"])?;
    let prefix = prefix.trim_end_matches('\n');
    let commit = git
        .try_run(&[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{reference}^{{commit}}"),
        ])?
        .ok_or_else(|| {
            UsageError(format!(
                "--with {reference}: no commit, branch or tag of that name in the git repository at {}: \
                 name the previous release as git knows it (`git tag`, `git log --oneline`); in a shallow \
                 CI clone fetch it first (`git fetch --tags`, or `fetch-depth: 0` with actions/checkout)",
                git.top.display()
            ))
        })?;
    let commit = commit.trim().to_owned();
    let manifest = format!("{prefix}Cargo.toml");
    if !git.exists(&commit, &manifest)? {
        anyhow::bail!(
            "at {reference} there is no {manifest}: the package did not exist there, or lived \
             elsewhere; compare with a release that has it"
        );
    }
    let dir = tempfile::Builder::new()
        .prefix("cargo-migrate-compat-")
        .tempdir()
        .context("cannot create a temporary folder for the previous release's files")?;
    // The package's Rust files and manifests (a nested package's Cargo.toml keeps its files
    // out of the scan, as in the work tree), every Cargo.toml above it (a workspace's
    // [workspace.metadata.migrate]); the migrations folder once the manifest names it.
    let mut paths: Vec<String> = git
        .files(&commit, prefix)?
        .into_iter()
        .filter(|f| {
            // `.sql` for the files of `query_file!` and friends.
            f.ends_with(".rs")
                || f.ends_with(".sql")
                || f == "Cargo.toml"
                || f.ends_with("/Cargo.toml")
        })
        .collect();
    let mut above = Path::new(prefix).parent();
    while let Some(folder) = above {
        let candidate = folder.join("Cargo.toml").display().to_string();
        if candidate != manifest && git.exists(&commit, &candidate)? {
            paths.push(candidate);
        }
        above = folder.parent();
    }
    for chunk in paths.chunks(500) {
        git.extract(&commit, chunk, dir.path())?;
    }
    let old_manifest = dir.path().join(&manifest);
    let mut config = PackageConfig::from_manifest(&old_manifest)
        .with_context(|| format!("reading {manifest} as it was at {reference}"))?;
    let migrations = relative(&config.dir, dir.path());
    if !git.exists(&commit, &migrations)? {
        anyhow::bail!(
            "at {reference} there is no migrations folder {migrations}: that release has no \
             migrations of this package, so there is no previous schema to compare its code with; \
             name an older or newer release that has them"
        );
    }
    git.extract(&commit, std::slice::from_ref(&migrations), dir.path())?;
    config.dir = dir.path().join(&migrations);
    let short = git
        .run(&["rev-parse", "--short", &commit])?
        .trim()
        .to_owned();
    Ok(OldRelease {
        _dir: dir,
        reference: reference.to_owned(),
        commit: short,
        config,
        migrations,
    })
}

/// A path below `root`, as git names it (forward slashes, no `..`).
fn relative(path: &Path, root: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut parts: Vec<String> = Vec::new();
    for part in rel.components() {
        match part {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

/// The repository the package is in.
pub struct Git {
    /// Where git runs (the package's folder).
    cwd: PathBuf,
    /// The repository's top level.
    pub top: PathBuf,
}

impl Git {
    /// The repository around `dir`, or why there is none.
    pub fn at(dir: &Path) -> anyhow::Result<Git> {
        let output = Command::new("git")
            .args(["rev-parse", "--show-toplevel"])
            .current_dir(dir)
            .stdin(Stdio::null())
            .output();
        let output = match output {
            Ok(output) => output,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => anyhow::bail!(
                "compat reads the previous release from git, and `git` is not on PATH: install git"
            ),
            Err(e) => return Err(e).context("cannot run git"),
        };
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() && !stderr.contains("not a git repository") {
            // Such as git's `safe.directory` refusal of a clone owned by another user.
            anyhow::bail!(
                "git cannot read the repository around {}: {}",
                dir.display(),
                stderr.trim()
            );
        }
        if !output.status.success() {
            anyhow::bail!(
                "{} is not in a git repository: compat reads the previous release's code from git \
                 history; run it in the project's clone (or give --manifest-path of a package inside one)",
                dir.display()
            );
        }
        let top = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        Ok(Git {
            cwd: dir.to_path_buf(),
            top: PathBuf::from(top),
        })
    }

    /// Runs git; its stdout, or its stderr as the error.
    fn run(&self, args: &[&str]) -> anyhow::Result<String> {
        self.try_run(args)?.ok_or_else(|| {
            anyhow::anyhow!("`git {}` failed in {}", args.join(" "), self.cwd.display())
        })
    }

    /// Runs git; its stdout, or `None` when it exits with an error.
    fn try_run(&self, args: &[&str]) -> anyhow::Result<Option<String>> {
        let output = Command::new("git")
            .args(args)
            .current_dir(&self.cwd)
            .stdin(Stdio::null())
            .output()
            .context("cannot run git")?;
        Ok(output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).into_owned()))
    }

    /// Every file below `prefix` (from the top level; empty: all) at `commit`.
    fn files(&self, commit: &str, prefix: &str) -> anyhow::Result<Vec<String>> {
        let mut args = vec!["ls-tree", "-r", "--name-only", "-z", "--full-tree", commit];
        if !prefix.is_empty() {
            args.extend(["--", prefix]);
        }
        Ok(self
            .run(&args)?
            .split('\0')
            .filter(|f| !f.is_empty())
            .map(str::to_owned)
            .collect())
    }

    /// Whether `path` (from the top level) exists at `commit`.
    fn exists(&self, commit: &str, path: &str) -> anyhow::Result<bool> {
        Ok(self
            .try_run(&["cat-file", "-e", &format!("{commit}:{path}")])?
            .is_some())
    }

    /// Writes `paths` (from the top level) as they are at `commit` into `into`:
    /// `git archive | tar -x`.
    fn extract(&self, commit: &str, paths: &[String], into: &Path) -> anyhow::Result<()> {
        let mut archive = Command::new("git")
            .args(["archive", "--format=tar", commit, "--"])
            .args(paths)
            .current_dir(&self.top)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("cannot run git archive")?;
        let stdout = archive.stdout.take().context("git archive has no output")?;
        let untar = Command::new("tar")
            .args(["-x", "-f", "-", "-C"])
            .arg(into)
            .stdin(stdout)
            .output()
            .context("cannot run tar, which unpacks the previous release's files: install it")?;
        let archived = archive.wait_with_output()?;
        if !archived.status.success() || !untar.status.success() {
            anyhow::bail!(
                "cannot read {} at {commit} from git: {}{}",
                paths.join(", "),
                String::from_utf8_lossy(&archived.stderr).trim(),
                String::from_utf8_lossy(&untar.stderr).trim()
            );
        }
        Ok(())
    }
}
