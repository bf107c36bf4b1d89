//! Database URLs: which kind a URL is (or why it is none), and its secrets kept out of every
//! message, log and command line.
//!
//! Redaction works on the URL's parts (userinfo, `password`/`sslpassword` query parameters,
//! libpq `key=value` pairs), and scrubbing replaces a secret in other text only where it is a
//! whole token, so a short password such as `e` never garbles a message ("***rror").

use migrate_core::Dialect;

/// Why a string is not a database URL this crate can use. The messages never contain the
/// string itself unredacted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UrlError {
    /// Empty, or only spaces (an empty `$VAR`).
    #[error(
        "the database URL is empty (is the variable that should hold it set to an empty string?)"
    )]
    Empty,
    /// libpq's `host=… user=… password=…` form, which sqlx cannot use.
    #[error(
        "the database URL is in libpq's key/value form (`host=… dbname=…`), which is not supported \
         (it is not shown here: it may hold a password); write it as \
         `postgres://user:password@host:port/dbname`"
    )]
    KeyValue,
    /// `postgres:user:pw@host/db`: a scheme without `//`.
    #[error(
        "`{shown}` is not a valid URL: write `{scheme}://` (with two slashes) before the user and host"
    )]
    NoSlashes {
        /// The string, with any password hidden.
        shown: String,
        /// The scheme as written.
        scheme: String,
    },
    /// A scheme no dialect has (`postgress://`).
    #[error(
        "unknown database URL scheme `{scheme}` in `{shown}`: expected `postgres://…`, \
         `postgresql://…`, `sqlite:path` or `mysql://…`"
    )]
    UnknownScheme {
        /// The string, with any password hidden.
        shown: String,
        /// The scheme as written.
        scheme: String,
    },
    /// No scheme at all (`foo.db`).
    #[error(
        "`{shown}` is not a database URL: expected `postgres://…`, `sqlite:path` (for this file: \
         `sqlite:{shown}`) or `mysql://…`"
    )]
    NoScheme {
        /// The string, with any password hidden.
        shown: String,
    },
}

/// The dialect of a URL, or why it has none.
pub fn dialect_of(url: &str) -> Result<Dialect, UrlError> {
    let trimmed = url.trim();
    if trimmed.is_empty() {
        return Err(UrlError::Empty);
    }
    if is_key_value(trimmed) {
        return Err(UrlError::KeyValue);
    }
    let Some((scheme, rest)) = trimmed.split_once(':') else {
        return Err(UrlError::NoScheme {
            shown: redact_url(url),
        });
    };
    let valid_scheme = !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !valid_scheme {
        return Err(UrlError::NoScheme {
            shown: redact_url(url),
        });
    }
    let dialect = Dialect::from_url(trimmed).ok_or_else(|| UrlError::UnknownScheme {
        shown: redact_url(url),
        scheme: scheme.to_owned(),
    })?;
    if dialect != Dialect::Sqlite && !rest.starts_with("//") {
        return Err(UrlError::NoSlashes {
            shown: redact_url(url),
            scheme: scheme.to_owned(),
        });
    }
    Ok(dialect)
}

/// Whether a SQLite URL keeps nothing: no file (`sqlite:`, `sqlite://`), or memory
/// (`sqlite::memory:`, `mode=memory`). Whatever is written there is gone at exit.
pub fn is_ephemeral_sqlite(url: &str) -> bool {
    let Some(rest) = url.trim().strip_prefix("sqlite:") else {
        return false;
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let path = path.strip_prefix("//").unwrap_or(path);
    path.is_empty()
        || path == ":memory:"
        || query
            .split('&')
            .any(|p| p.eq_ignore_ascii_case("mode=memory"))
}

/// The file a SQLite URL names (`sqlite:data/app.db`, `sqlite://data/app.db` ->
/// `data/app.db`), or `None` for other URLs and for those that keep nothing.
pub fn sqlite_path(url: &str) -> Option<&str> {
    if is_ephemeral_sqlite(url) {
        return None;
    }
    let rest = url.trim().strip_prefix("sqlite:")?;
    let path = rest.split('?').next().unwrap_or(rest);
    Some(path.strip_prefix("//").unwrap_or(path))
}

/// A SQLite URL with a relative path made relative to `base` (the folder of the manifest
/// that configured it); other URLs unchanged.
pub fn sqlite_relative_to(url: &str, base: &std::path::Path) -> String {
    let Some(path) = sqlite_path(url) else {
        return url.to_owned();
    };
    if std::path::Path::new(path).is_absolute() {
        return url.to_owned();
    }
    let query = url.split_once('?').map(|(_, q)| q);
    let path = path.strip_prefix("./").unwrap_or(path);
    let mut out = format!("sqlite:{}", base.join(path).display());
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// libpq's key/value form: no scheme, and it starts with `word=`.
fn is_key_value(url: &str) -> bool {
    if url.contains("://") {
        return false;
    }
    let key_len = url
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(url.len());
    key_len > 0 && url[key_len..].trim_start().starts_with('=')
}

/// The URL with its password replaced by `***` (`postgres://app:***@db/prod`), whatever its
/// shape; a libpq key/value string keeps its keys and loses its password values.
pub fn redact_url(url: &str) -> String {
    let mut out = url.to_owned();
    // Replace from the end so that earlier ranges stay valid.
    let mut spans = secret_spans(url);
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    for (start, end) in spans {
        out.replace_range(start..end, "***");
    }
    out
}

/// The byte ranges of the secrets in `url`.
fn secret_spans(url: &str) -> Vec<(usize, usize)> {
    if is_key_value(url.trim()) {
        return key_value_pairs(url)
            .into_iter()
            .filter(|p| is_secret_key(&url[p.key.0..p.key.1]))
            .map(|p| p.value)
            .collect();
    }
    let mut spans = Vec::new();
    let Some(colon) = url.find(':') else {
        return spans;
    };
    let after_scheme = colon + 1;
    let start = if url[after_scheme..].starts_with("//") {
        after_scheme + 2
    } else {
        after_scheme
    };
    let rest = &url[start..];
    let query_at = rest.find(['?', '#']).unwrap_or(rest.len());
    let authority_end = rest.find('/').unwrap_or(rest.len()).min(query_at);
    // A password with an unencoded `/` is not valid, but must not leak either: then the last
    // `@` before the query ends the userinfo.
    let at = rest[..authority_end]
        .rfind('@')
        .or_else(|| rest[..query_at].rfind('@'));
    let sqlite = url[..colon].eq_ignore_ascii_case("sqlite");
    if let Some(at) = at.filter(|_| !sqlite)
        && let Some(colon) = rest[..at].find(':')
    {
        spans.push((start + colon + 1, start + at));
    }
    if let Some(q) = rest.find('?') {
        let query_start = start + q + 1;
        let mut offset = query_start;
        for param in url[query_start..].split(['&', '#']) {
            if let Some((k, _)) = param.split_once('=')
                && is_secret_key(&percent_decode(k))
            {
                spans.push((offset + k.len() + 1, offset + param.len()));
            }
            offset += param.len() + 1;
        }
    }
    spans.retain(|(s, e)| s < e);
    spans
}

fn is_secret_key(key: &str) -> bool {
    key.eq_ignore_ascii_case("password") || key.eq_ignore_ascii_case("sslpassword")
}

/// A `key = value` pair of a libpq connection string, as byte ranges (the value's range
/// includes its quotes).
struct Pair {
    key: (usize, usize),
    value: (usize, usize),
}

fn key_value_pairs(s: &str) -> Vec<Pair> {
    let bytes = s.as_bytes();
    let mut pairs = Vec::new();
    let mut i = 0;
    let skip_space = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    loop {
        i = skip_space(i);
        if i >= bytes.len() {
            break;
        }
        let key_start = i;
        while i < bytes.len() && bytes[i] != b'=' && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let key = (key_start, i);
        i = skip_space(i);
        if i >= bytes.len() || bytes[i] != b'=' {
            // Not a pair: treat the rest as one secret-free word.
            continue;
        }
        i = skip_space(i + 1);
        let value_start = i;
        if i < bytes.len() && bytes[i] == b'\'' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'\'' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(bytes.len());
        } else {
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i = i.min(bytes.len());
        }
        pairs.push(Pair {
            key,
            value: (value_start, i),
        });
    }
    pairs
}

/// The secrets of a URL (its passwords, as written and decoded), to scrub from any text
/// that a driver or a tool produced.
pub fn secrets_of(url: &str) -> Vec<String> {
    let key_value = is_key_value(url.trim());
    let mut out: Vec<String> = Vec::new();
    for (start, end) in secret_spans(url) {
        let raw = &url[start..end];
        out.push(raw.to_owned());
        let decoded = if key_value {
            unquote(raw)
        } else {
            percent_decode(raw)
        };
        out.push(decoded);
    }
    out.retain(|s| !s.is_empty());
    out.sort();
    out.dedup();
    // Longest first, so that a secret containing another is replaced whole.
    out.sort_by_key(|s| std::cmp::Reverse(s.len()));
    out
}

fn unquote(value: &str) -> String {
    let inner = value
        .strip_prefix('\'')
        .and_then(|v| v.strip_suffix('\''))
        .unwrap_or(value);
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.extend(chars.next());
        } else {
            out.push(c);
        }
    }
    out
}

/// The URL without any password (userinfo or `password` query parameter), and that
/// password decoded: for tools such as pg_dump, which then read it from `PGPASSWORD` instead
/// of their command line. `sslpassword` is dropped too (pg_dump has no variable for it).
pub fn split_password(url: &str) -> (String, Option<String>) {
    let mut password = None;
    let mut bare = url.to_owned();
    let mut spans = secret_spans(url);
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    for (start, end) in spans {
        if let Some(before) = url[..start].strip_suffix('=') {
            // A query parameter: drop `name=value` and its separator.
            let name_start = before.rfind(['?', '&']).map_or(0, |i| i + 1);
            let name = &url[name_start..start - 1];
            if percent_decode(name).eq_ignore_ascii_case("password") {
                password = Some(percent_decode(&url[start..end]));
            }
            let (cut_start, cut_end) = if url[end..].starts_with('&') {
                (name_start, end + 1)
            } else {
                (name_start - 1, end)
            };
            bare.replace_range(cut_start..cut_end, "");
        } else {
            // Userinfo: `user:password@` becomes `user@`.
            password.get_or_insert_with(|| percent_decode(&url[start..end]));
            bare.replace_range(start - 1..end, "");
        }
    }
    if bare.ends_with('?') {
        bare.pop();
    }
    (bare, password)
}

/// The URL with its database (the path) replaced: `postgres://h/app` -> `postgres://h/other`.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{}", &base[..path_start], database);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Replaces `url` and each of its secrets in `text` with their redacted forms. A secret is
/// replaced where it stands as a token: not inside a longer word.
pub fn scrub(text: &str, url: &str) -> String {
    let mut text = if url.is_empty() {
        text.to_owned()
    } else {
        text.replace(url, &redact_url(url))
    };
    for secret in secrets_of(url) {
        text = replace_token(&text, &secret);
    }
    text
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `text` with each occurrence of `secret` that is not part of a longer word replaced.
fn replace_token(text: &str, secret: &str) -> String {
    let starts_word = secret.starts_with(is_word);
    let ends_word = secret.ends_with(is_word);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(secret) {
        let before = rest[..i].chars().next_back();
        let after = rest[i + secret.len()..].chars().next();
        let inside_word = (starts_word && before.is_some_and(is_word))
            || (ends_word && after.is_some_and(is_word));
        out.push_str(&rest[..i]);
        if !inside_word {
            out.push_str("***");
            rest = &rest[i + secret.len()..];
        } else {
            let step = rest[i..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&rest[i..i + step]);
            rest = &rest[i + step..];
        }
    }
    out.push_str(rest);
    out
}

/// `%XX` escapes decoded (invalid UTF-8 replaced): a URL's user, password or database as
/// a tool takes it.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
#[path = "url_tests.rs"]
mod tests;
