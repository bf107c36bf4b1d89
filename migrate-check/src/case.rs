//! sqlx's `rename_all` conversions, with the same word boundaries as the `heck` crate that
//! sqlx uses, so the build checks exactly the names sqlx reads at run time.

/// The `rename_all` values sqlx accepts.
pub const RULES: &[&str] = &[
    "lowercase",
    "UPPERCASE",
    "snake_case",
    "SCREAMING_SNAKE_CASE",
    "kebab-case",
    "camelCase",
    "PascalCase",
];

/// `name` under `rule`, or `None` for a rule sqlx does not know.
pub fn rename(name: &str, rule: &str) -> Option<String> {
    let words = words(name);
    let lower = |w: &String| w.to_lowercase();
    let capital = |w: &String| {
        let mut chars = w.chars();
        chars.next().map_or_else(String::new, |first| {
            first
                .to_uppercase()
                .chain(chars.flat_map(char::to_lowercase))
                .collect()
        })
    };
    Some(match rule {
        "lowercase" => name.to_lowercase(),
        "UPPERCASE" => name.to_uppercase(),
        "snake_case" => words.iter().map(lower).collect::<Vec<_>>().join("_"),
        "SCREAMING_SNAKE_CASE" => words
            .iter()
            .map(|w| w.to_uppercase())
            .collect::<Vec<_>>()
            .join("_"),
        "kebab-case" => words.iter().map(lower).collect::<Vec<_>>().join("-"),
        "camelCase" => words
            .iter()
            .enumerate()
            .map(|(i, w)| if i == 0 { lower(w) } else { capital(w) })
            .collect(),
        "PascalCase" => words.iter().map(capital).collect(),
        _ => return None,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Boundary,
    Lower,
    Upper,
}

/// Splits an identifier into words: at non-alphanumeric characters, before an upper-case
/// letter that follows a lower-case one, and before the last capital of an acronym that a
/// lower-case letter follows (`HTTPServer` -> `HTTP`, `Server`). Digits join the word.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    for part in name.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<(usize, char)> = part.char_indices().collect();
        let mut start = 0;
        let mut mode = Mode::Boundary;
        for (k, &(i, c)) in chars.iter().enumerate() {
            let Some(&(next_i, next)) = chars.get(k + 1) else {
                words.push(part[start..].to_owned());
                break;
            };
            let next_mode = if c.is_lowercase() {
                Mode::Lower
            } else if c.is_uppercase() {
                Mode::Upper
            } else {
                mode
            };
            if next_mode == Mode::Lower && next.is_uppercase() {
                words.push(part[start..next_i].to_owned());
                start = next_i;
                mode = Mode::Boundary;
            } else if mode == Mode::Upper && c.is_uppercase() && next.is_lowercase() {
                words.push(part[start..i].to_owned());
                start = i;
                mode = Mode::Boundary;
            } else {
                mode = next_mode;
            }
        }
    }
    words.retain(|w| !w.is_empty());
    words
}

#[cfg(test)]
mod tests {
    use super::rename;

    fn all(name: &str) -> Vec<String> {
        super::RULES
            .iter()
            .map(|r| rename(name, r).unwrap())
            .collect()
    }

    #[test]
    fn field_names_convert_as_sqlx_converts_them() {
        assert_eq!(
            all("created_at"),
            [
                "created_at",
                "CREATED_AT",
                "created_at",
                "CREATED_AT",
                "created-at",
                "createdAt",
                "CreatedAt"
            ]
        );
        assert_eq!(rename("avatar_url2", "camelCase").unwrap(), "avatarUrl2");
    }

    #[test]
    fn variant_names_split_at_case_changes_and_acronyms() {
        assert_eq!(rename("InProgress", "snake_case").unwrap(), "in_progress");
        assert_eq!(rename("HTTPServer", "snake_case").unwrap(), "http_server");
        assert_eq!(rename("Level2Done", "kebab-case").unwrap(), "level2-done");
        assert_eq!(rename("InProgress", "lowercase").unwrap(), "inprogress");
        assert_eq!(
            rename("InProgress", "SCREAMING_SNAKE_CASE").unwrap(),
            "IN_PROGRESS"
        );
        assert_eq!(rename("XMLHttp", "camelCase").unwrap(), "xmlHttp");
    }

    #[test]
    fn unknown_rules_are_refused() {
        assert_eq!(rename("a", "Train-Case"), None);
    }
}
