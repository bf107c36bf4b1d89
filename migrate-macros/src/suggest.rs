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

/// The candidate closest to `name`, however far.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let name = name.to_lowercase();
    candidates
        .into_iter()
        .min_by_key(|c| distance(&name, &c.to_lowercase()))
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
    use super::{closest, nearest};

    #[test]
    fn finds_typos_and_ignores_strangers() {
        let columns = ["id", "avatar_url", "display_name"];
        assert_eq!(closest("avatar", columns), Some("avatar_url"));
        assert_eq!(closest("displayName", columns), Some("display_name"));
        assert_eq!(closest("zzzzzzzz", columns), None);
        assert_eq!(closest("pending", ["todo", "done", "in_progress"]), None);
        assert!(nearest("pending", ["todo", "done", "in_progress"]).is_some());
    }
}
