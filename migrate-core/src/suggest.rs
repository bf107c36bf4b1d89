//! "Did you mean …?": the closest of a set of names.

/// The candidate closest to `name` by edit distance (case-insensitive), if it is close enough
/// to be a plausible typo or rename.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let name = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (distance(&name, &c.to_lowercase()), c))
        .filter(|(d, c)| {
            let c = c.to_lowercase();
            *d <= (name.chars().count().max(c.chars().count()) / 3).max(2)
                || c.contains(name.as_str())
                || name.contains(c.as_str())
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The candidate that is a spelling or case variant of `name` (the same word but for case,
/// `_`/`-`/spaces, or a typo of at most two letters in a word of six or more), if any: a
/// different word is another state, never a rename.
pub fn spelling_of<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let squash = |s: &str| {
        s.chars()
            .filter(|c| !matches!(c, '_' | '-' | ' '))
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let name = squash(name);
    candidates
        .into_iter()
        .map(|c| (distance(&name, &squash(c)), c))
        .filter(|(d, c)| {
            let len = name.chars().count().min(squash(c).chars().count());
            *d == 0 || (*d == 1 && len >= 4) || (*d == 2 && len >= 6)
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance over chars.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::{closest, spelling_of};

    #[test]
    fn finds_typos_and_ignores_strangers() {
        let columns = ["id", "avatar_url", "display_name"];
        assert_eq!(closest("avatar", columns), Some("avatar_url"));
        assert_eq!(closest("displayName", columns), Some("display_name"));
        assert_eq!(closest("zzzzzzzz", columns), None);
        assert_eq!(closest("pending", ["todo", "done", "in_progress"]), None);
        assert_eq!(
            spelling_of("pending", ["todo", "done", "in_progress"]),
            None
        );
        assert_eq!(
            spelling_of("retrying", ["pending", "done"]),
            None,
            "another state"
        );
        assert_eq!(
            spelling_of("InProgress", ["todo", "in_progress"]),
            Some("in_progress")
        );
        assert_eq!(spelling_of("cancelled", ["canceled"]), Some("canceled"));
        assert_eq!(
            spelling_of("don", ["done", "todo"]),
            None,
            "too short to guess"
        );
    }
}
