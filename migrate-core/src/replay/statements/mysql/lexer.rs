//! MySQL tokens: words, backquoted and double-quoted names, strings with backslash escapes,
//! numbers, punctuation; each with its byte range in the statement, so that expressions are
//! kept as written.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A bare word: a keyword or an unquoted name.
    Word,
    /// `` `name` `` (or `"name"`, which MariaDB reads as a string unless ANSI_QUOTES).
    Quoted,
    /// `'text'`.
    Str,
    /// `42`, `-1.5`, `0x1F`.
    Number,
    /// Any other character: `(`, `)`, `,`, `=`, `.`.
    Punct,
}

/// One token and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: Kind,
    /// The name without its quotes, the string's value, or the text as written.
    pub text: String,
    /// Byte range in the statement.
    pub start: usize,
    pub end: usize,
}

impl Token {
    /// Whether this is the bare word `word` (ASCII case-insensitive).
    pub fn is(&self, word: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(word)
    }

    pub fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct && self.text.len() == 1 && self.text.starts_with(c)
    }

    /// A name: a bare word or a quoted one.
    pub fn is_name(&self) -> bool {
        matches!(self.kind, Kind::Word | Kind::Quoted)
    }
}

/// The statement's tokens; comments and whitespace are skipped.
pub(crate) fn tokens(sql: &str) -> Vec<Token> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b == b'#' || (b == b'-' && bytes.get(i + 1) == Some(&b'-')) {
            i = sql[i..].find('\n').map_or(bytes.len(), |n| i + n + 1);
            continue;
        }
        if b == b'/' && bytes.get(i + 1) == Some(&b'*') {
            i = sql[i + 2..].find("*/").map_or(bytes.len(), |n| i + n + 4);
            continue;
        }
        let (kind, text) = match b {
            b'`' | b'"' | b'\'' => {
                let mut value = String::new();
                i += 1;
                while i < bytes.len() {
                    let c = bytes[i];
                    if c == b'\\' && b != b'`' && i + 1 < bytes.len() {
                        value.push(unescape(bytes[i + 1]));
                        i += 2;
                        continue;
                    }
                    if c == b {
                        if bytes.get(i + 1) == Some(&b) {
                            value.push(b as char);
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    let ch = sql[i..].chars().next().unwrap_or(' ');
                    value.push(ch);
                    i += ch.len_utf8();
                }
                let kind = if b == b'\'' { Kind::Str } else { Kind::Quoted };
                (kind, value)
            }
            b'0'..=b'9' => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
                    i += 1;
                }
                (Kind::Number, sql[start..i].to_owned())
            }
            _ if b.is_ascii_alphabetic() || b == b'_' || b == b'$' || b >= 0x80 => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || bytes[i] == b'_'
                        || bytes[i] == b'$'
                        || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                (Kind::Word, sql[start..i].to_owned())
            }
            _ => {
                let ch = sql[i..].chars().next().unwrap_or(' ');
                i += ch.len_utf8();
                (Kind::Punct, ch.to_string())
            }
        };
        out.push(Token {
            kind,
            text,
            start,
            end: i,
        });
    }
    out
}

fn unescape(b: u8) -> char {
    match b {
        b'n' => '\n',
        b't' => '\t',
        b'r' => '\r',
        b'0' => '\0',
        other => other as char,
    }
}

/// A cursor over tokens.
pub(crate) struct Cursor<'a> {
    pub toks: &'a [Token],
    pub at: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(toks: &'a [Token]) -> Cursor<'a> {
        Cursor { toks, at: 0 }
    }

    pub fn peek(&self) -> Option<&'a Token> {
        self.toks.get(self.at)
    }

    pub fn peek_is(&self, word: &str) -> bool {
        self.peek().is_some_and(|t| t.is(word))
    }

    pub fn peek_punct(&self, c: char) -> bool {
        self.peek().is_some_and(|t| t.is_punct(c))
    }

    pub fn next(&mut self) -> Option<&'a Token> {
        let t = self.toks.get(self.at);
        self.at += usize::from(t.is_some());
        t
    }

    /// Consumes `word` if it is next.
    pub fn eat(&mut self, word: &str) -> bool {
        let yes = self.peek_is(word);
        self.at += usize::from(yes);
        yes
    }

    /// Consumes the words if they are all next.
    pub fn eat_all(&mut self, words: &[&str]) -> bool {
        let yes = words
            .iter()
            .enumerate()
            .all(|(k, w)| self.toks.get(self.at + k).is_some_and(|t| t.is(w)));
        if yes {
            self.at += words.len();
        }
        yes
    }

    pub fn eat_punct(&mut self, c: char) -> bool {
        let yes = self.peek_punct(c);
        self.at += usize::from(yes);
        yes
    }

    /// A name (`a` or `` `a` ``), or `db.a` keeping the last part.
    pub fn name(&mut self) -> Option<String> {
        let first = self.next().filter(|t| t.is_name())?;
        let mut name = first.text.clone();
        while self.peek_punct('.') {
            self.at += 1;
            name = self.next().filter(|t| t.is_name())?.text.clone();
        }
        Some(name)
    }

    /// The tokens of a parenthesised group at the cursor, without the parentheses; the cursor
    /// moves past it.
    pub fn group(&mut self) -> Option<&'a [Token]> {
        if !self.peek_punct('(') {
            return None;
        }
        let open = self.at;
        let mut depth = 0usize;
        while let Some(t) = self.next() {
            if t.is_punct('(') {
                depth += 1;
            } else if t.is_punct(')') {
                depth -= 1;
                if depth == 0 {
                    return Some(&self.toks[open + 1..self.at - 1]);
                }
            }
        }
        None
    }

    /// Whether every token is read.
    pub fn done(&self) -> bool {
        self.at >= self.toks.len()
    }
}

/// Splits tokens at top-level commas.
pub(crate) fn comma_separated(toks: &[Token]) -> Vec<&[Token]> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, t) in toks.iter().enumerate() {
        if t.is_punct('(') {
            depth += 1;
        } else if t.is_punct(')') {
            depth = depth.saturating_sub(1);
        } else if t.is_punct(',') && depth == 0 {
            out.push(&toks[start..i]);
            start = i + 1;
        }
    }
    if start < toks.len() {
        out.push(&toks[start..]);
    }
    out
}

/// The text the tokens cover in `sql`.
pub(crate) fn text<'s>(sql: &'s str, toks: &[Token]) -> &'s str {
    match (toks.first(), toks.last()) {
        (Some(a), Some(b)) => &sql[a.start..b.end],
        _ => "",
    }
}
