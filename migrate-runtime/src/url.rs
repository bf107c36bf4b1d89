//! Database URLs in output: a password never reaches a message or a log.

/// The URL with its password replaced by `***` (`postgres://app:***@db/prod`).
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return redact_query(url);
    };
    let userinfo = &authority[..at];
    let redacted = match userinfo.split_once(':') {
        Some((user, _password)) => format!("{user}:***"),
        None => userinfo.to_owned(),
    };
    redact_query(&format!(
        "{}{}{}",
        &url[..scheme_end],
        redacted,
        &rest[at..]
    ))
}

/// `?password=…` query parameters are secrets too.
fn redact_query(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let params: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, _))
                if k.eq_ignore_ascii_case("password") || k.eq_ignore_ascii_case("sslpassword") =>
            {
                format!("{k}=***")
            }
            _ => p.to_owned(),
        })
        .collect();
    format!("{base}?{}", params.join("&"))
}

/// The secrets of a URL (its password, raw and percent-decoded), to scrub from any text
/// that a driver produced.
pub fn secrets_of(url: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(scheme_end) = url.find("://").map(|i| i + 3) {
        let rest = &url[scheme_end..];
        let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
        if let Some((userinfo, _)) = authority.rsplit_once('@')
            && let Some((_, password)) = userinfo.split_once(':')
        {
            out.push(password.to_owned());
        }
    }
    if let Some((_, query)) = url.split_once('?') {
        for p in query.split('&') {
            if let Some((k, v)) = p.split_once('=')
                && (k.eq_ignore_ascii_case("password") || k.eq_ignore_ascii_case("sslpassword"))
            {
                out.push(v.to_owned());
            }
        }
    }
    let decoded: Vec<String> = out
        .iter()
        .map(|s| percent_decode(s))
        .filter(|d| !out.contains(d))
        .collect();
    out.extend(decoded);
    out.retain(|s| !s.is_empty());
    out
}

/// The URL without the password in its authority, and that password percent-decoded (for
/// tools such as pg_dump that take it from `PGPASSWORD` instead of their command line).
pub fn split_password(url: &str) -> (String, Option<String>) {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return (url.to_owned(), None);
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return (url.to_owned(), None);
    };
    let Some((user, password)) = rest[..at].split_once(':') else {
        return (url.to_owned(), None);
    };
    (
        format!("{}{user}{}", &url[..scheme_end], &rest[at..]),
        Some(percent_decode(password)),
    )
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

/// Replaces every secret of `url` in `text` with `***`.
pub fn scrub(text: &str, url: &str) -> String {
    let mut text = text.replace(url, &redact_url(url));
    for secret in secrets_of(url) {
        text = text.replace(&secret, "***");
    }
    text
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
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
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/prod"),
            "postgres://app:***@db:5432/prod"
        );
        assert_eq!(
            redact_url("postgres://app@db/prod"),
            "postgres://app@db/prod"
        );
        assert_eq!(
            redact_url("postgres://db/prod?user=a&password=s3cret"),
            "postgres://db/prod?user=a&password=***"
        );
        assert_eq!(redact_url("sqlite:app.db"), "sqlite:app.db");
        assert_eq!(
            redact_url("postgres://u:p%40ss@h/d"),
            "postgres://u:***@h/d"
        );
        assert_eq!(redact_url("postgres://u:a@b@h/d"), "postgres://u:***@h/d");
    }

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/test", "x"),
            "postgres://u:p@h:5432/x"
        );
        assert_eq!(
            with_database("postgres://h/test?sslmode=disable", "x"),
            "postgres://h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }

    #[test]
    fn passwords_split_off() {
        assert_eq!(
            split_password("postgres://u:p%40ss@h:5/d?sslmode=require"),
            (
                "postgres://u@h:5/d?sslmode=require".to_owned(),
                Some("p@ss".to_owned())
            )
        );
        assert_eq!(
            split_password("postgres://u@h/d"),
            ("postgres://u@h/d".to_owned(), None)
        );
    }

    #[test]
    fn secrets_are_scrubbed_from_text() {
        let url = "postgres://u:p%40ss@h/d";
        let text = format!("failed for {url}: password p@ss rejected");
        let clean = scrub(&text, url);
        assert!(
            !clean.contains("p@ss") && !clean.contains("p%40ss"),
            "{clean}"
        );
        assert!(clean.contains("postgres://u:***@h/d"));
    }
}
