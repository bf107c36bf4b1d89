//! A migration's version: its identity in the history table and its place in the order.
//!
//! Two rules exist, one per layout, because the tools whose folders we read disagree:
//! - sqlx (and Prisma, and `cargo migrate new`): the leading digits of `<version>_<name>.sql`
//!   are an integer (`i64`), and migrations run in integer order ([`Version::Number`]).
//! - diesel: the version is the folder name before its first `_`, dashes removed, kept as
//!   text (`2024-03-06-170000_add_users` -> `20240306170000`; a name without `_` is all
//!   version), and migrations run in the byte order of that text, as `diesel_migrations`
//!   sorts its `MigrationVersion` strings and stores them in `__diesel_schema_migrations`
//!   ([`Version::Text`]). So `2024-03-13_170000_x` (`20240313`) runs after
//!   `2024-03-06-170000_y` (`20240306170000`), as diesel runs them, where integer order would
//!   put it first.
//!
//! A folder holding at least one diesel migration (`<name>/up.sql`) follows diesel's rule
//! for every migration in it; any other folder follows sqlx's ([`VersionOrder`]). A diesel
//! version is never read as an integer.

use std::borrow::Cow;
use std::fmt;

/// A migration's version. The two variants never meet in one folder (see the module docs);
/// ordered by the rule of its variant.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    /// sqlx's rule: the digits as an integer, ordered as integers.
    Number(i64),
    /// diesel's rule: the text before the first `_` with dashes removed, ordered as text.
    Text(Cow<'static, str>),
}

/// Which rule a folder's versions follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VersionOrder {
    /// sqlx: integers ([`Version::Number`]); history tables store a `BIGINT`.
    Number,
    /// diesel: text ([`Version::Text`]); history tables store `TEXT`.
    Text,
}

impl Version {
    /// The rule this version follows.
    pub fn order(&self) -> VersionOrder {
        match self {
            Version::Number(_) => VersionOrder::Number,
            Version::Text(_) => VersionOrder::Text,
        }
    }

    /// The version `text` names under `order`, as a user types it on the command line or
    /// another tool recorded it: under [`VersionOrder::Number`] digits (dashes allowed, as in
    /// `2024-01-01-000000`) fitting an `i64`; under [`VersionOrder::Text`] diesel's rule
    /// applied to the text, so the version (`20240306170000`), its folder's prefix
    /// (`2024-03-06-170000`) and the whole folder name all name the same migration. `None`
    /// when `text` is no version under that rule.
    pub fn parse(text: &str, order: VersionOrder) -> Option<Version> {
        let text = text.trim();
        match order {
            VersionOrder::Number => {
                if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
                    return None;
                }
                let digits: String = text.chars().filter(char::is_ascii_digit).collect();
                digits.parse::<i64>().ok().map(Version::Number)
            }
            VersionOrder::Text => {
                let version = diesel_version(text);
                (!version.is_empty()).then(|| Version::Text(version.into()))
            }
        }
    }

    /// `revert --to 0`: revert everything.
    pub fn is_zero(&self) -> bool {
        match self {
            Version::Number(n) => *n == 0,
            Version::Text(t) => t == "0",
        }
    }

    /// The integer of a [`Version::Number`]; `None` for diesel's text.
    pub fn as_number(&self) -> Option<i64> {
        match self {
            Version::Number(n) => Some(*n),
            Version::Text(_) => None,
        }
    }
}

/// The version as written: the integer, or diesel's text. Honours width and alignment
/// (`{:<16}`), as tables of versions need.
impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Version::Number(n) => fmt::Display::fmt(n, f),
            Version::Text(t) => f.pad(t),
        }
    }
}

impl From<i64> for Version {
    fn from(n: i64) -> Version {
        Version::Number(n)
    }
}

impl PartialEq<i64> for Version {
    fn eq(&self, other: &i64) -> bool {
        *self == Version::Number(*other)
    }
}

/// diesel's version of a migration folder name (`version_from_string` in diesel's
/// `migrations_internals`): the text before the first `_`, with every `-` removed.
pub fn diesel_version(name: &str) -> String {
    name.split('_').next().unwrap_or("").replace('-', "")
}

/// The rule of a set of migrations: [`VersionOrder::Text`] when they are diesel's.
pub fn order_of<'a>(versions: impl IntoIterator<Item = &'a Version>) -> VersionOrder {
    if versions
        .into_iter()
        .any(|v| v.order() == VersionOrder::Text)
    {
        VersionOrder::Text
    } else {
        VersionOrder::Number
    }
}

/// The diesel version an integer history row written by an earlier release of cargo-migrate
/// stands for. Those releases recorded a diesel folder's version as the integer of its
/// digits (`00000000000000_diesel_initial_setup` as `0`), and only for names whose version
/// was all digits, so the row names the version among `versions` whose digits, leading zeros
/// dropped, are the row's integer. Compared as text: nothing here reads a diesel version as
/// an integer. `None` when no version, or more than one, matches.
pub fn legacy_text_version<'a>(
    row: i64,
    versions: impl IntoIterator<Item = &'a Version>,
) -> Option<Version> {
    let wanted = row.to_string();
    let mut found = versions.into_iter().filter(|v| match v {
        Version::Text(t) if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) => {
            let trimmed = t.trim_start_matches('0');
            if trimmed.is_empty() {
                wanted == "0"
            } else {
                trimmed == wanted
            }
        }
        _ => false,
    });
    let first = found.next()?;
    found.next().is_none().then(|| first.clone())
}

/// A version read back from a history table, named by the rule of the project's files
/// (`versions`, ruled by `order`): an integer row of a table written by an earlier release,
/// in a diesel project, is the diesel version it stands for ([`legacy_text_version`]), or,
/// naming no file, its digits as text; a text row in a sqlx project is its integer.
pub fn as_recorded<'a>(
    read: Version,
    order: VersionOrder,
    versions: impl IntoIterator<Item = &'a Version>,
) -> Version {
    match (read, order) {
        (Version::Number(n), VersionOrder::Text) => {
            legacy_text_version(n, versions).unwrap_or_else(|| Version::Text(n.to_string().into()))
        }
        (Version::Text(t), VersionOrder::Number) => {
            Version::parse(&t, VersionOrder::Number).unwrap_or(Version::Text(t))
        }
        (read, _) => read,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(name: &str) -> Version {
        Version::Text(diesel_version(name).into())
    }

    #[test]
    fn diesel_takes_the_text_before_the_first_underscore_without_dashes() {
        for (name, version) in [
            ("2024-03-06-170000_add_sso_users", "20240306170000"),
            ("2024-03-13_170000_sso_userscascade", "20240313"),
            ("2020-12-7-190800_x", "2020127190800"),
            ("2022-03-09-07000_x", "2022030907000"),
            ("2025-12-18-104956-0000_x", "202512181049560000"),
            (
                "2023-05-23-1715-update-subgraph-deployment-assignment",
                "202305231715updatesubgraphdeploymentassignment",
            ),
            ("00000000000000_diesel_initial_setup", "00000000000000"),
            ("init_users", "init"),
        ] {
            assert_eq!(diesel_version(name), version, "{name}");
        }
    }

    #[test]
    fn diesel_versions_order_as_text() {
        let mut names = vec![
            "2024-03-13_170000_sso_userscascade",
            "2025-12-18-104956-0000_x",
            "2023-05-23-1715-update-subgraph-deployment-assignment",
            "2024-03-06-170000_add_sso_users",
            "2022-03-09-07000_x",
            "2020-12-7-190800_x",
            "00000000000000_diesel_initial_setup",
        ];
        names.sort_by_key(|n| text(n));
        assert_eq!(
            names,
            vec![
                "00000000000000_diesel_initial_setup",
                "2020-12-7-190800_x",
                "2022-03-09-07000_x",
                "2023-05-23-1715-update-subgraph-deployment-assignment",
                "2024-03-06-170000_add_sso_users",
                "2024-03-13_170000_sso_userscascade",
                "2025-12-18-104956-0000_x",
            ]
        );
        // The case integer order gets wrong: 20240313 < 20240306170000 as integers.
        assert!(
            text("2024-03-06-170000_add_sso_users") < text("2024-03-13_170000_sso_userscascade")
        );
        assert!(Version::Number(20240313) < Version::Number(20240306170000));
        // Identity is the text: leading zeros and length count.
        assert_ne!(text("0_a"), text("00_a"));
        assert_eq!(text("2024-01-01-000000_a"), text("20240101000000_b"));
    }

    #[test]
    fn parsing_a_typed_version() {
        use VersionOrder::{Number, Text};
        assert_eq!(
            Version::parse("20240101", Number),
            Some(Version::Number(20240101))
        );
        assert_eq!(
            Version::parse("2024-01-01", Number),
            Some(Version::Number(20240101))
        );
        assert_eq!(Version::parse("x1", Number), None);
        assert_eq!(Version::parse("99999999999999999999", Number), None);
        for typed in [
            "20240306170000",
            "2024-03-06-170000",
            "2024-03-06-170000_add_sso_users",
        ] {
            assert_eq!(
                Version::parse(typed, Text),
                Some(Version::Text("20240306170000".into())),
                "{typed}"
            );
        }
        assert_eq!(
            Version::parse("202305231715updatesubgraphdeploymentassignment", Text),
            Some(text(
                "2023-05-23-1715-update-subgraph-deployment-assignment"
            ))
        );
        assert_eq!(Version::parse("_x", Text), None);
        assert!(Version::parse("0", Text).unwrap().is_zero());
    }

    #[test]
    fn integer_rows_of_earlier_releases_name_their_diesel_version() {
        let versions = [
            text("00000000000000_diesel_initial_setup"),
            text("2024-03-06-170000_a"),
            text("2023-05-23-1715-no-underscore"),
        ];
        assert_eq!(legacy_text_version(0, &versions), Some(versions[0].clone()));
        assert_eq!(
            legacy_text_version(20240306170000, &versions),
            Some(versions[1].clone())
        );
        assert_eq!(legacy_text_version(202305231715, &versions), None);
        assert_eq!(legacy_text_version(5, &versions), None);
        let ambiguous = [text("01_a"), text("1_b")];
        assert_eq!(legacy_text_version(1, &ambiguous), None);
    }

    #[test]
    fn rows_read_back_follow_the_rule_of_the_files() {
        let files = [text("00000000000000_setup"), text("2024-03-13_a")];
        assert_eq!(
            as_recorded(Version::Number(0), VersionOrder::Text, &files),
            files[0]
        );
        assert_eq!(
            as_recorded(Version::Number(7), VersionOrder::Text, &files),
            Version::Text("7".into())
        );
        assert_eq!(
            as_recorded(files[1].clone(), VersionOrder::Text, &files),
            files[1]
        );
        assert_eq!(
            as_recorded(Version::Text("12".into()), VersionOrder::Number, &[]),
            Version::Number(12)
        );
        assert_eq!(
            as_recorded(Version::Number(12), VersionOrder::Number, &[]),
            Version::Number(12)
        );
    }

    #[test]
    fn display_pads_as_integers_did() {
        assert_eq!(format!("{:<6}|", Version::Number(1)), "1     |");
        assert_eq!(format!("{:>6}|", Version::Text("20".into())), "    20|");
    }

    #[test]
    fn a_folder_follows_one_rule() {
        assert_eq!(order_of(&[Version::Number(1)]), VersionOrder::Number);
        assert_eq!(order_of(&[]), VersionOrder::Number);
        assert_eq!(
            order_of(&[Version::Number(1), text("2_a")]),
            VersionOrder::Text
        );
    }
}
