//! `cargo migrate new <name> [--reversible]`

use crate::shell::outln;
use std::fs;

use anyhow::Context as _;
use migrate_core::{Version, VersionOrder, integrity, layout};

use super::Context;
use crate::exit::{OK, UsageError};
use crate::time;

/// Create a migration file `<UTC yyyymmddhhmmss>_<name>.sql` in the migrations folder.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example: cargo migrate new add_avatar_url --reversible")]
pub struct Args {
    /// Lower snake_case ASCII name, e.g. `add_avatar_url`
    pub name: String,
    /// Also create a `.down.sql` file (writes `<version>_<name>.up.sql` + `.down.sql`)
    #[arg(long, short = 'r')]
    pub reversible: bool,
}

pub fn exec(cx: &Context<'_>, args: Args) -> anyhow::Result<i32> {
    if let Err(suggestion) = layout::check_new_name(&args.name) {
        return Err(UsageError(format!(
            "`{}` is not a valid migration name: use lower snake_case ASCII letters, digits and `_`, e.g. `{suggestion}`",
            args.name
        ))
        .into());
    }
    let dir = &cx.config.dir;
    fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the migrations folder {}", dir.display()))?;

    // A fresh version: now, but never equal to or older than an existing one, by the
    // folder's version rule (diesel's text when it holds diesel migrations).
    let entries: Vec<(String, bool)> = fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| {
            let diesel = e.path().join("up.sql").is_file();
            (e.file_name().to_string_lossy().into_owned(), diesel)
        })
        .collect();
    let order = if entries.iter().any(|(_, diesel)| *diesel) {
        VersionOrder::Text
    } else {
        VersionOrder::Number
    };
    let as_version = |v: i64| match order {
        VersionOrder::Number => Version::Number(v),
        VersionOrder::Text => Version::Text(v.to_string().into()),
    };
    let newest = entries
        .iter()
        .filter_map(|(name, _)| {
            let stem = layout::classify_file(name).map_or(name.as_str(), |(stem, _)| stem);
            layout::parse_name(stem, order).ok().map(|v| v.version)
        })
        .max();
    let mut version = time::version_now();
    let mut tries = 0;
    while newest.as_ref().is_some_and(|n| as_version(version) <= *n) {
        tries += 1;
        if tries > 1000 {
            anyhow::bail!(
                "no timestamp sorts after the newest migration's version `{}` (diesel orders \
                 versions as text): name the new migration by hand so it sorts last",
                newest.unwrap_or(Version::Number(0))
            );
        }
        version = time::next_version(version);
    }

    let header = migrate_core::template(&args.name);
    let files = if order == VersionOrder::Text {
        // A diesel folder: `<yyyy-mm-dd-hhmmss>_<name>/up.sql`, as `diesel migration generate`
        // names it; its version (the digits) sorts last by diesel's rule, checked above.
        let digits = version.to_string();
        let stamp = if digits.len() == 14 {
            format!(
                "{}-{}-{}-{}",
                &digits[0..4],
                &digits[4..6],
                &digits[6..8],
                &digits[8..14]
            )
        } else {
            digits
        };
        let folder = format!("{stamp}_{}", args.name);
        fs::create_dir(dir.join(&folder))
            .with_context(|| format!("cannot create {}", dir.join(&folder).display()))?;
        let mut files = vec![(format!("{folder}/up.sql"), header)];
        if args.reversible {
            files.push((
                format!("{folder}/down.sql"),
                format!(
                    "-- Revert {}: undo the up migration, newest change first.\n\n",
                    args.name
                ),
            ));
        }
        files
    } else if args.reversible {
        vec![
            (format!("{version}_{}.up.sql", args.name), header),
            (
                format!("{version}_{}.down.sql", args.name),
                format!(
                    "-- Revert {}: undo the up migration, newest change first.\n\n",
                    args.name
                ),
            ),
        ]
    } else {
        vec![(format!("{version}_{}.sql", args.name), header)]
    };
    for (file, contents) in &files {
        let path = dir.join(file);
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, contents.as_bytes()))
            .with_context(|| format!("cannot create {}", path.display()))?;
        outln!(
            "{}",
            cx.config
                .dir
                .join(file)
                .strip_prefix(std::env::current_dir()?)
                .unwrap_or(&path)
                .display()
        );
    }
    ensure_build_script(cx)?;
    let sum = cx.config.dir.join(integrity::SUM_FILE);
    if let Ok(text) = fs::read_to_string(&sum) {
        // Listed at once (as not hashed yet), so branches that add migrations conflict in git.
        let names: Vec<String> = files.iter().map(|(file, _)| file.clone()).collect();
        fs::write(&sum, integrity::append_unhashed(&text, &names))
            .with_context(|| format!("cannot update {}", sum.display()))?;
    }
    Ok(OK)
}

/// A package that embeds its migrations needs a build script that re-runs when the folder
/// changes: without it, cargo does not notice a *new* file and `embed_migrations!` keeps the
/// old list. Writes `build.rs` when the package has none; warns when its own lacks the line.
fn ensure_build_script(cx: &Context<'_>) -> anyhow::Result<()> {
    let manifest_dir = &cx.config.manifest_dir;
    let manifest = fs::read_to_string(manifest_dir.join("Cargo.toml")).unwrap_or_default();
    if !manifest.contains("migrate-runtime") {
        return Ok(());
    }
    let folder = cx
        .config
        .dir
        .strip_prefix(manifest_dir)
        .unwrap_or(&cx.config.dir)
        .display()
        .to_string();
    let line = format!("cargo:rerun-if-changed={folder}");
    let build = manifest_dir.join("build.rs");
    match fs::read_to_string(&build) {
        Ok(text) if text.contains(&line) => {}
        Ok(_) => cx.shell.warn(&format!(
            "{} does not print `{line}`: add `println!(\"{line}\");` to its main, or cargo will not notice new migrations and `embed_migrations!` will miss them",
            build.display()
        )),
        Err(_) if manifest.contains("build =") => cx.shell.warn(&format!(
            "this package sets its own `build` script: make it print `{line}` so that cargo notices new migrations"
        )),
        Err(_) => {
            let script = format!(
                "// Written by `cargo migrate new`: re-run the build when a migration is added or\n\
                 // changed, so that `embed_migrations!` and the schema checks see it.\n\
                 fn main() {{\n    println!(\"{line}\");\n}}\n"
            );
            fs::write(&build, script).with_context(|| format!("cannot create {}", build.display()))?;
            cx.shell.status("Created", &format!("{} so that new migrations trigger a rebuild", build.display()));
        }
    }
    Ok(())
}
