//! Pure parsing of migration file and folder names.
//!
//! Accepted layouts (sqlx, diesel and Prisma projects switch without renaming anything):
//! - `<version>_<name>.sql`
//! - `<version>_<name>.up.sql` and `<version>_<name>.down.sql`
//! - folders `<version>_<name>/up.sql` (+ `down.sql`) and `<version>_<name>/migration.sql`
//!
//! In a sqlx folder the version is the leading run of digits and dashes, dashes dropped,
//! and must fit an `i64`; in a diesel folder it is diesel's text (see [`crate::version`]).

use crate::version::{Version, VersionOrder, diesel_version};

/// Names in the migrations folder that are never migrations.
pub const RESERVED: &[&str] = &["migrate.sum", "migration_lock.toml"];

/// What a file in the migrations folder is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileKind {
    /// `<version>_<name>.sql` or `.up.sql`.
    Up,
    /// `<version>_<name>.down.sql`.
    Down,
}

/// A parsed `<version>_<name>` stem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionedName {
    /// The version: sqlx's integer, or diesel's text (see [`Version`]).
    pub version: Version,
    /// The name after the version.
    pub name: String,
}

/// Why a name is not a migration name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NameError {
    #[error("the name does not start with a version (digits, then `_`)")]
    /// The name does not start with a version.
    NoVersion,
    #[error("the version `{digits}` does not fit a 64-bit integer")]
    /// The version does not fit a signed 64-bit integer.
    VersionTooLarge {
        /// The digits as written.
        digits: String,
    },
    #[error("there is no name after the version (`<version>_<name>`)")]
    /// Nothing follows the version.
    NoName,
}

/// Parses `<version>_<name>` (the file name without its `.sql`/`.up.sql`/`.down.sql`, or a
/// folder's name) by the rule of `order`.
pub fn parse_name(stem: &str, order: VersionOrder) -> Result<VersionedName, NameError> {
    match order {
        VersionOrder::Number => parse_stem(stem),
        VersionOrder::Text => parse_diesel_name(stem),
    }
}

/// Parses a name by diesel's rule: the version is the text before the first `_`, dashes
/// removed; the name is what follows that `_`, or, without one, the whole name (diesel loads
/// `2023-05-23-1715-update-assignment/up.sql` with version `202305231715updateassignment`).
pub fn parse_diesel_name(stem: &str) -> Result<VersionedName, NameError> {
    let version = diesel_version(stem);
    if version.is_empty() {
        return Err(NameError::NoVersion);
    }
    let name = stem.split_once('_').map_or(stem, |(_, name)| name);
    Ok(VersionedName {
        version: Version::Text(version.into()),
        name: name.to_owned(),
    })
}

/// Parses `<version>_<name>` by sqlx's rule (the file name without its
/// `.sql`/`.up.sql`/`.down.sql`).
pub fn parse_stem(stem: &str) -> Result<VersionedName, NameError> {
    let run = stem
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'-')
        .count();
    let digits: String = stem[..run].chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return Err(NameError::NoVersion);
    }
    let rest = &stem[run..];
    let Some(name) = rest.strip_prefix('_') else {
        return Err(if rest.is_empty() {
            NameError::NoName
        } else {
            NameError::NoVersion
        });
    };
    if name.is_empty() {
        return Err(NameError::NoName);
    }
    let version = digits
        .parse::<i64>()
        .map_err(|_| NameError::VersionTooLarge { digits })?;
    Ok(VersionedName {
        version: Version::Number(version),
        name: name.to_owned(),
    })
}

/// Classifies a plain file name in the migrations folder: `None` when it is not an SQL file.
pub fn classify_file(file_name: &str) -> Option<(&str, FileKind)> {
    if let Some(stem) = file_name.strip_suffix(".down.sql") {
        Some((stem, FileKind::Down))
    } else if let Some(stem) = file_name.strip_suffix(".up.sql") {
        Some((stem, FileKind::Up))
    } else {
        file_name
            .strip_suffix(".sql")
            .map(|stem| (stem, FileKind::Up))
    }
}

/// Whether `name` is a valid name for `cargo migrate new`: lower snake_case ASCII.
pub fn check_new_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && name.as_bytes()[0].is_ascii_lowercase()
        && !name.ends_with('_')
        && !name.contains("__");
    if ok {
        Ok(())
    } else {
        Err(suggest_snake_case(name))
    }
}

/// Turns `Add Avatar-URL` into `add_avatar_url`.
pub fn suggest_snake_case(name: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower && !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_lowercase());
        } else {
            prev_lower = false;
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
        }
    }
    let out = out.trim_matches('_').to_owned();
    match out.bytes().next() {
        None => "my_migration".to_owned(),
        Some(b) if b.is_ascii_digit() => format!("m_{out}"),
        Some(_) => out,
    }
}

/// A tiny glob: `*` matches any run, `?` any one character. Used for `ignore`.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_names() {
        assert_eq!(
            parse_stem("20240101120000_add_users"),
            Ok(VersionedName {
                version: Version::Number(20240101120000),
                name: "add_users".into()
            })
        );
        assert_eq!(
            parse_stem("2023-01-01-000000_create_posts")
                .unwrap()
                .version,
            20230101000000
        );
        assert_eq!(
            parse_stem("00000000000000_diesel_initial_setup")
                .unwrap()
                .version,
            0
        );
        assert_eq!(parse_stem("1_x").unwrap().name, "x");
        assert_eq!(parse_stem("init"), Err(NameError::NoVersion));
        assert_eq!(parse_stem("12abc"), Err(NameError::NoVersion));
        assert_eq!(parse_stem("12"), Err(NameError::NoName));
        assert_eq!(parse_stem("12_"), Err(NameError::NoName));
        assert!(matches!(
            parse_stem("99999999999999999999_x"),
            Err(NameError::VersionTooLarge { .. })
        ));
        assert_eq!(
            parse_stem("9223372036854775807_max").unwrap().version,
            i64::MAX
        );
    }

    #[test]
    fn diesel_names() {
        let parsed = parse_name(
            "2023-05-23-1715-update-subgraph-deployment-assignment",
            VersionOrder::Text,
        )
        .unwrap();
        assert_eq!(
            parsed.version,
            Version::Text("202305231715updatesubgraphdeploymentassignment".into())
        );
        assert_eq!(
            parsed.name,
            "2023-05-23-1715-update-subgraph-deployment-assignment"
        );
        let parsed = parse_name("2024-03-13_170000_sso_userscascade", VersionOrder::Text).unwrap();
        assert_eq!(parsed.version, Version::Text("20240313".into()));
        assert_eq!(parsed.name, "170000_sso_userscascade");
        assert_eq!(
            parse_name("_x", VersionOrder::Text),
            Err(NameError::NoVersion)
        );
    }

    #[test]
    fn file_kinds() {
        assert_eq!(classify_file("1_a.sql"), Some(("1_a", FileKind::Up)));
        assert_eq!(classify_file("1_a.up.sql"), Some(("1_a", FileKind::Up)));
        assert_eq!(classify_file("1_a.down.sql"), Some(("1_a", FileKind::Down)));
        assert_eq!(classify_file("README.md"), None);
    }

    #[test]
    fn new_names() {
        assert!(check_new_name("add_avatar_url").is_ok());
        assert!(check_new_name("v2_users").is_ok());
        assert_eq!(check_new_name("AddAvatarUrl"), Err("add_avatar_url".into()));
        assert_eq!(
            check_new_name("add avatar-url"),
            Err("add_avatar_url".into())
        );
        assert_eq!(check_new_name("2fa"), Err("m_2fa".into()));
        assert_eq!(check_new_name("__"), Err("my_migration".into()));
        assert!(check_new_name("ünïcode").is_err());
    }

    #[test]
    fn globs() {
        assert!(glob_match("*.md", "README.md"));
        assert!(glob_match("notes", "notes"));
        assert!(glob_match("seed_?.sql", "seed_1.sql"));
        assert!(!glob_match("*.md", "README.txt"));
        assert!(glob_match("a*b*c", "aXXbYYc"));
        assert!(!glob_match("a*b", "acd"));
    }
}
