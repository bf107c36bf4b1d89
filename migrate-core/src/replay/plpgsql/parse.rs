//! PL/pgSQL text -> a tree of blocks and statements, each with its byte offset in the body.
//!
//! Only the control flow is parsed; conditions, expressions and SQL statements stay text, read
//! later by what evaluates them.

/// One token of a PL/pgSQL body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::replay) enum Token {
    /// A keyword or an unquoted identifier, upper-cased.
    Word(String),
    /// Anything else: a quoted identifier, a literal, punctuation.
    Other,
    Semicolon,
    Open,
    Close,
}

/// A token and where its text is in the body.
#[derive(Debug, Clone)]
pub(in crate::replay) struct Tok {
    pub token: Token,
    pub start: usize,
    pub end: usize,
}

/// Splits `body` into tokens: comments are dropped, literals and quoted names are one token.
pub(in crate::replay) fn tokens(body: &str) -> Result<Vec<Tok>, (usize, &'static str)> {
    let bytes = body.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let token = match c {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = body[i..].find('\n').map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = body[i + 2..]
                    .find("*/")
                    .map(|n| i + 2 + n + 2)
                    .ok_or((start, "a comment"))?;
                continue;
            }
            b'\'' => {
                i = end_of_quoted(bytes, i, b'\'').ok_or((start, "a string"))?;
                Token::Other
            }
            b'"' => {
                i = end_of_quoted(bytes, i, b'"').ok_or((start, "a quoted name"))?;
                Token::Other
            }
            b'$' => match dollar_tag(&body[i..]) {
                Some(tag) => {
                    let close = body[i + tag.len()..]
                        .find(tag)
                        .ok_or((start, "a dollar-quoted string"))?;
                    i += tag.len() + close + tag.len();
                    Token::Other
                }
                None => {
                    i += 1;
                    Token::Other
                }
            },
            b';' => {
                i += 1;
                Token::Semicolon
            }
            b'(' => {
                i += 1;
                Token::Open
            }
            b')' => {
                i += 1;
                Token::Close
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || bytes[i] == b'_'
                        || bytes[i] == b'$'
                        || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                // E'…' and similar prefixed strings are one literal.
                if i - start == 1 && bytes.get(i) == Some(&b'\'') {
                    i = end_of_quoted(bytes, i, b'\'').ok_or((start, "a string"))?;
                    Token::Other
                } else {
                    Token::Word(body[start..i].to_ascii_uppercase())
                }
            }
            _ => {
                i += body[i..].chars().next().map_or(1, char::len_utf8);
                Token::Other
            }
        };
        out.push(Tok {
            token,
            start,
            end: i,
        });
    }
    Ok(out)
}

/// The end (exclusive) of the quoted text starting at `i`, doubled quotes included.
fn end_of_quoted(bytes: &[u8], mut i: usize, quote: u8) -> Option<usize> {
    i += 1;
    while i < bytes.len() {
        if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        if quote == b'\'' && bytes[i] == b'\\' {
            i += 1;
        }
        i += 1;
    }
    None
}

/// `$tag$` or `$$` at the start of `text`.
pub(super) fn dollar_tag(text: &str) -> Option<&str> {
    let rest = &text[1..];
    let len = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    (rest.as_bytes().get(len) == Some(&b'$') && !rest.starts_with(|c: char| c.is_ascii_digit()))
        .then(|| &text[..len + 2])
}

/// A statement of a PL/pgSQL body. `at` is its byte offset in the body.
#[derive(Debug, Clone)]
pub(super) enum Stmt {
    Block(Block),
    If {
        /// Each condition (as text, with its offset) and the statements it guards.
        branches: Vec<((usize, usize), Vec<Stmt>)>,
        otherwise: Vec<Stmt>,
    },
    /// A loop or CASE: what runs depends on data the replay does not have.
    Unknowable {
        at: usize,
        what: String,
    },
    /// `EXECUTE <expression>`: the expression's text span.
    Execute {
        at: usize,
        expr: (usize, usize),
    },
    /// `PERFORM …`, `SELECT …`, `CALL …`: routines it calls are replayed.
    Query {
        at: usize,
        span: (usize, usize),
    },
    /// Any other SQL statement: replayed as a migration statement.
    Sql {
        at: usize,
        span: (usize, usize),
    },
    /// RAISE, ASSERT, assignments, NULL, RETURN, …: nothing for the schema.
    Nothing,
}

/// `[DECLARE …] BEGIN … [EXCEPTION WHEN … THEN …] END`.
#[derive(Debug, Clone)]
pub(super) struct Block {
    pub body: Vec<Stmt>,
    /// Each handler's condition names (lower case) and statements.
    pub handlers: Vec<(Vec<String>, Vec<Stmt>)>,
}

/// Why a body cannot be parsed, and where.
#[derive(Debug, Clone)]
pub(super) struct ParseError {
    pub at: usize,
    pub message: String,
}

pub(super) struct Parser<'a> {
    body: &'a str,
    toks: &'a [Tok],
    i: usize,
}

fn error<T>(at: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError {
        at,
        message: message.into(),
    })
}

impl<'a> Parser<'a> {
    pub fn new(body: &'a str, toks: &'a [Tok]) -> Parser<'a> {
        Parser { body, toks, i: 0 }
    }

    /// The text of the token `ahead` of the current one ("" past the end).
    fn text(&self, ahead: usize) -> &str {
        self.toks
            .get(self.i + ahead)
            .map_or("", |t| &self.body[t.start..t.end])
    }

    fn word(&self, ahead: usize) -> &str {
        match self.toks.get(self.i + ahead).map(|t| &t.token) {
            Some(Token::Word(w)) => w,
            _ => "",
        }
    }

    fn word_before(&self) -> &str {
        match self.i.checked_sub(1).map(|i| &self.toks[i].token) {
            Some(Token::Word(w)) => w,
            _ => "",
        }
    }

    fn at(&self) -> usize {
        self.toks.get(self.i).map_or(self.body.len(), |t| t.start)
    }

    fn expect_word(&mut self, word: &str) -> Result<(), ParseError> {
        if self.word(0) == word {
            self.i += 1;
            Ok(())
        } else {
            error(self.at(), format!("expected `{word}` here"))
        }
    }

    fn expect_semicolon(&mut self) -> Result<(), ParseError> {
        match self.toks.get(self.i).map(|t| &t.token) {
            Some(Token::Semicolon) => {
                self.i += 1;
                Ok(())
            }
            None => Ok(()),
            _ => error(self.at(), "expected `;` here"),
        }
    }

    /// The whole body: one block, then nothing but an optional `;`.
    pub fn body(&mut self) -> Result<Block, ParseError> {
        let block = self.block()?;
        if matches!(
            self.toks.get(self.i).map(|t| &t.token),
            Some(Token::Semicolon)
        ) {
            self.i += 1;
        }
        match self.toks.get(self.i) {
            None => Ok(block),
            Some(t) => error(t.start, "text after the block's END"),
        }
    }

    /// Skips a `<<label>>`.
    fn label(&mut self) {
        if self.text(0) == "<" && self.text(1) == "<" && self.text(3) == ">" && self.text(4) == ">"
        {
            self.i += 5;
        }
    }

    fn block(&mut self) -> Result<Block, ParseError> {
        self.label();
        if self.word(0) == "DECLARE" {
            while self.i < self.toks.len() && self.word(0) != "BEGIN" {
                self.i += 1;
            }
        }
        self.expect_word("BEGIN")?;
        let body = self.statements(&["EXCEPTION", "END"])?;
        let mut handlers = Vec::new();
        if self.word(0) == "EXCEPTION" {
            self.i += 1;
            while self.word(0) == "WHEN" {
                self.i += 1;
                let mut names = Vec::new();
                while self.i < self.toks.len() && self.word(0) != "THEN" {
                    if let Token::Word(w) = &self.toks[self.i].token
                        && w != "OR"
                        && w != "SQLSTATE"
                    {
                        names.push(w.to_ascii_lowercase());
                    }
                    self.i += 1;
                }
                self.expect_word("THEN")?;
                let statements = self.statements(&["WHEN", "END"])?;
                handlers.push((names, statements));
            }
        }
        self.expect_word("END")?;
        // `END label`
        if !matches!(
            self.toks.get(self.i).map(|t| &t.token),
            Some(Token::Semicolon) | None
        ) && matches!(self.toks[self.i].token, Token::Word(_))
        {
            self.i += 1;
        }
        Ok(Block { body, handlers })
    }

    /// Statements up to one of `stops` (a leading keyword, not consumed).
    fn statements(&mut self, stops: &[&str]) -> Result<Vec<Stmt>, ParseError> {
        let mut out = Vec::new();
        loop {
            if self.i >= self.toks.len() {
                return error(
                    self.body.len(),
                    format!("missing `{}`", stops.join("` or `")),
                );
            }
            if stops.contains(&self.word(0)) {
                return Ok(out);
            }
            out.push(self.statement()?);
        }
    }

    /// The span from the current token up to the `;` that ends the statement (consumed).
    fn until_semicolon(&mut self) -> (usize, usize) {
        let start = self.at();
        let mut depth = 0usize;
        let mut end = start;
        while let Some(t) = self.toks.get(self.i) {
            match t.token {
                Token::Open => depth += 1,
                Token::Close => depth = depth.saturating_sub(1),
                Token::Semicolon if depth == 0 => {
                    self.i += 1;
                    return (start, end);
                }
                _ => {}
            }
            end = t.end;
            self.i += 1;
        }
        (start, end)
    }

    fn statement(&mut self) -> Result<Stmt, ParseError> {
        self.label();
        let at = self.at();
        let first = self.word(0).to_owned();
        // `x := …`, `x = …`, `rec.field := …`, `arr[1] := …`
        let assignment = matches!(
            self.toks.get(self.i).map(|t| &t.token),
            Some(Token::Word(_))
        ) && (1..6).any(|k| {
            (self.text(k) == ":" && self.text(k + 1) == "=") || (k == 1 && self.text(1) == "=")
        });
        match first.as_str() {
            "BEGIN" | "DECLARE" => {
                let block = self.block()?;
                self.expect_semicolon()?;
                Ok(Stmt::Block(block))
            }
            "IF" => self.if_statement(),
            "LOOP" | "WHILE" | "FOR" | "FOREACH" | "CASE" => {
                let what = if first == "CASE" { "CASE" } else { "LOOP" };
                // Skip to the matching `END LOOP` / `END CASE`, nested ones counted.
                let mut depth = 0usize;
                loop {
                    if self.i >= self.toks.len() {
                        return error(at, format!("no `END {what}` for this statement"));
                    }
                    if self.word(0) == "END" && self.word(1) == what {
                        depth -= 1;
                        self.i += 2;
                        if depth == 0 {
                            break;
                        }
                        continue;
                    }
                    let opens = if what == "LOOP" {
                        self.word(0) == "LOOP"
                    } else {
                        self.word(0) == "CASE" && (self.i == 0 || self.word_before() != "END")
                    };
                    if opens {
                        depth += 1;
                    }
                    self.i += 1;
                }
                self.expect_semicolon()?;
                Ok(Stmt::Unknowable {
                    at,
                    what: if first == "CASE" {
                        "a CASE statement".into()
                    } else {
                        format!("a {first} loop")
                    },
                })
            }
            "EXECUTE" => {
                self.i += 1;
                let start = self.at();
                let (_, end) = self.until_semicolon();
                Ok(Stmt::Execute {
                    at,
                    expr: (start, end),
                })
            }
            "PERFORM" | "SELECT" | "CALL" => {
                let span = self.until_semicolon();
                Ok(Stmt::Query { at, span })
            }
            "RAISE" | "ASSERT" | "NULL" | "RETURN" | "GET" | "EXIT" | "CONTINUE" | "OPEN"
            | "FETCH" | "CLOSE" | "MOVE" => {
                self.until_semicolon();
                Ok(Stmt::Nothing)
            }
            _ if assignment => {
                self.until_semicolon();
                Ok(Stmt::Nothing)
            }
            _ => {
                let span = self.until_semicolon();
                Ok(Stmt::Sql { at, span })
            }
        }
    }

    fn if_statement(&mut self) -> Result<Stmt, ParseError> {
        let mut branches = Vec::new();
        let mut otherwise = Vec::new();
        self.i += 1; // IF
        loop {
            let start = self.at();
            let mut end = start;
            let mut depth = 0usize;
            while let Some(t) = self.toks.get(self.i) {
                match &t.token {
                    Token::Open => depth += 1,
                    Token::Close => depth = depth.saturating_sub(1),
                    Token::Word(w) if w == "THEN" && depth == 0 => break,
                    _ => {}
                }
                end = t.end;
                self.i += 1;
            }
            self.expect_word("THEN")?;
            let body = self.statements(&["ELSIF", "ELSEIF", "ELSE", "END"])?;
            branches.push(((start, end), body));
            match self.word(0) {
                "ELSIF" | "ELSEIF" => self.i += 1,
                "ELSE" => {
                    self.i += 1;
                    otherwise = self.statements(&["END"])?;
                    break;
                }
                _ => break,
            }
        }
        self.expect_word("END")?;
        self.expect_word("IF")?;
        self.expect_semicolon()?;
        Ok(Stmt::If {
            branches,
            otherwise,
        })
    }
}
