//! The one statement splitter, shared by deploy (which runs statements one by one) and the
//! schema replay (which parses them one by one).
//!
//! It knows just enough of each dialect's lexical rules to find the `;` that ends a
//! statement: quotes and their escapes, comments (nested on PostgreSQL), dollar-quoted bodies,
//! parentheses, PostgreSQL's `BEGIN ATOMIC … END` function bodies, SQLite's
//! `CREATE TRIGGER … BEGIN … END` bodies, and MySQL's compound statements (`BEGIN … END` in a
//! trigger, procedure, function or event, with `IF`/`CASE`/`LOOP`/`WHILE`/`REPEAT` blocks
//! inside) and the `mysql` client's `DELIMITER` command.
//!
//! `DELIMITER $$` is not SQL: the client reads it and ends statements at `$$` until the next
//! `DELIMITER ;`. The splitter does the same, so a file written for the `mysql` client splits
//! as the client splits it; the `DELIMITER` lines are part of the next statement's `leading`
//! text, never a statement.

use crate::Dialect;

/// One statement of a migration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statement<'a> {
    /// The statement's text, from its first token up to (not including) its `;`,
    /// with trailing whitespace and comments removed.
    pub sql: &'a str,
    /// Byte offset of `sql` in the file.
    pub offset: usize,
    /// The comments (and whitespace) between the previous statement and this one.
    pub leading: &'a str,
}

impl<'a> Statement<'a> {
    /// The first word of the statement, upper-cased (`CREATE`, `BEGIN`, …).
    pub fn keyword(&self) -> String {
        self.words().next().unwrap_or_default()
    }

    /// The statement's leading words, upper-cased, skipping nothing but whitespace.
    pub fn words(&self) -> impl Iterator<Item = String> + 'a {
        self.sql
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_uppercase)
    }

    /// Whether this statement controls the transaction (`BEGIN`, `COMMIT`, …) at top level.
    pub fn is_transaction_control(&self) -> bool {
        let mut words = self.words();
        match words.next().as_deref() {
            Some("COMMIT" | "ROLLBACK" | "END" | "ABORT") => true,
            Some("START") => words.next().as_deref() == Some("TRANSACTION"),
            // `BEGIN ATOMIC` only occurs inside a function, never at a statement's start.
            Some("BEGIN") => true,
            _ => false,
        }
    }

    /// Whether this statement only wraps a migration that already runs in a transaction:
    /// `BEGIN`/`START TRANSACTION` anywhere, or `COMMIT`/`END` as its last statement
    /// (`statements[i]` is this one). Real folders written for sqlx have these (sqlx runs the
    /// file in its own transaction too, where a nested `BEGIN` only warns); a transactional
    /// migration skips them, so the file runs as written, in one transaction, checksum intact.
    pub fn wraps_transaction(statements: &[Statement<'_>], i: usize) -> bool {
        let statement = &statements[i];
        let mut words = statement.words();
        match words.next().as_deref() {
            Some("BEGIN") => true,
            Some("START") => words.next().as_deref() == Some("TRANSACTION"),
            Some("COMMIT" | "END") => i + 1 == statements.len(),
            _ => false,
        }
    }
}

/// A quote, comment or body that the file never closes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} starting here is never closed")]
pub struct SplitError {
    /// What was left open, e.g. "a string literal ('…')".
    pub what: &'static str,
    /// Byte offset where it starts.
    pub offset: usize,
}

/// Splits `text` into statements.
pub fn split(text: &str, dialect: Dialect) -> Result<Vec<Statement<'_>>, SplitError> {
    Splitter {
        text,
        bytes: text.as_bytes(),
        dialect,
        pos: 0,
        delimiter: None,
    }
    .run()
}

struct Splitter<'a> {
    text: &'a str,
    bytes: &'a [u8],
    dialect: Dialect,
    pos: usize,
    /// MySQL: the statement delimiter set by `DELIMITER x` when it is not `;`.
    delimiter: Option<&'a str>,
}

/// Per-statement state: what the words seen so far mean for `;`.
#[derive(Default)]
struct Block {
    /// Parenthesis depth.
    parens: usize,
    /// Depth of `BEGIN ATOMIC`/trigger `BEGIN` bodies.
    bodies: usize,
    /// `CASE … END` depth inside bodies.
    cases: usize,
    /// Upper-cased words seen at the start of the statement (up to 4), and the last word.
    head: Vec<String>,
    last: String,
    /// MySQL: an `END` read inside a body that closes it, unless the next word makes it
    /// `END IF`, `END LOOP`, `END WHILE` or `END REPEAT`.
    pending_end: bool,
}

impl Block {
    fn is_sqlite_trigger(&self) -> bool {
        let mut words = self.head.iter().map(String::as_str);
        if words.next() != Some("CREATE") {
            return false;
        }
        words.any(|w| w == "TRIGGER")
    }

    /// MySQL: `CREATE [DEFINER = …] TRIGGER | PROCEDURE | FUNCTION | EVENT`, whose body may be a
    /// compound statement.
    fn is_mysql_routine(&self) -> bool {
        let mut words = self.head.iter().map(String::as_str);
        words.next() == Some("CREATE")
            && words.any(|w| matches!(w, "TRIGGER" | "PROCEDURE" | "FUNCTION" | "EVENT"))
    }

    /// Closes the body an `END` ended (MySQL), when no `IF`/`LOOP`/… followed it.
    fn settle_end(&mut self) {
        if std::mem::take(&mut self.pending_end) {
            self.bodies = self.bodies.saturating_sub(1);
        }
    }

    fn word(&mut self, word: &str, dialect: Dialect) {
        let upper = word.to_ascii_uppercase();
        if self.head.len() < 5 {
            self.head.push(upper.clone());
        }
        if dialect == Dialect::Mysql {
            return self.mysql_word(upper);
        }
        match upper.as_str() {
            "ATOMIC" if self.last == "BEGIN" && dialect == Dialect::Postgres => self.bodies += 1,
            "BEGIN"
                if dialect == Dialect::Sqlite && self.is_sqlite_trigger() && self.bodies == 0 =>
            {
                self.bodies += 1
            }
            "CASE" if self.bodies > 0 => self.cases += 1,
            "END" if self.bodies > 0 => {
                if self.cases > 0 {
                    self.cases -= 1;
                } else {
                    self.bodies -= 1;
                }
            }
            _ => {}
        }
        self.last = upper;
    }

    fn mysql_word(&mut self, upper: String) {
        if self.pending_end {
            if matches!(upper.as_str(), "IF" | "LOOP" | "WHILE" | "REPEAT") {
                self.pending_end = false;
                self.last = upper;
                return;
            }
            if upper == "CASE" {
                // `END CASE` closes a CASE statement.
                self.pending_end = false;
                self.cases = self.cases.saturating_sub(1);
                self.last = upper;
                return;
            }
            self.settle_end();
        }
        match upper.as_str() {
            "BEGIN" if self.is_mysql_routine() => self.bodies += 1,
            "CASE" if self.bodies > 0 => self.cases += 1,
            "END" if self.bodies > 0 => {
                if self.cases > 0 {
                    // A CASE expression's END, or the first word of `END CASE`, which then
                    // must not close a body: both close the CASE.
                    self.cases -= 1;
                } else {
                    self.pending_end = true;
                }
            }
            _ => {}
        }
        self.last = upper;
    }
}

impl<'a> Splitter<'a> {
    fn run(mut self) -> Result<Vec<Statement<'a>>, SplitError> {
        let mut out = Vec::new();
        let mut lead_start = 0;
        loop {
            // Skip whitespace and comments before a statement.
            self.skip_trivia()?;
            if self.pos >= self.bytes.len() {
                break;
            }
            if self.dialect == Dialect::Mysql && self.delimiter_command() {
                continue;
            }
            if let Some(len) = self.at_delimiter() {
                self.pos += len;
                lead_start = self.pos;
                continue;
            }
            let start = self.pos;
            let end = self.statement_end()?;
            let sql = &self.text[start..end];
            out.push(Statement {
                sql,
                offset: start,
                leading: &self.text[lead_start..start],
            });
            // Step over the delimiter (if any).
            if let Some(len) = self.at_delimiter() {
                self.pos += len;
            }
            lead_start = self.pos;
        }
        Ok(out)
    }

    /// The length of the statement delimiter at `pos`, if one is there: `;`, or MySQL's
    /// `DELIMITER` choice.
    fn at_delimiter(&self) -> Option<usize> {
        match self.delimiter {
            Some(d) => self.text[self.pos..].starts_with(d).then_some(d.len()),
            None => (self.bytes.get(self.pos) == Some(&b';')).then_some(1),
        }
    }

    /// Reads a `DELIMITER x` line at `pos` (MySQL's client command), if there is one.
    fn delimiter_command(&mut self) -> bool {
        let rest = &self.text[self.pos..];
        let line = rest.split('\n').next().unwrap_or("");
        let mut words = line.split_whitespace();
        if !words
            .next()
            .is_some_and(|w| w.eq_ignore_ascii_case("DELIMITER"))
        {
            return false;
        }
        let Some(chosen) = words.next() else {
            return false;
        };
        let at = self.pos + line.find(chosen).unwrap_or(0);
        self.delimiter = (chosen != ";").then(|| &self.text[at..at + chosen.len()]);
        self.pos += line.len();
        true
    }

    /// Skips whitespace and comments.
    fn skip_trivia(&mut self) -> Result<(), SplitError> {
        loop {
            while self.pos < self.bytes.len() && self.bytes[self.pos].is_ascii_whitespace() {
                self.pos += 1;
            }
            if !self.skip_comment()? {
                return Ok(());
            }
        }
    }

    /// Skips one comment at `pos`, if there is one.
    fn skip_comment(&mut self) -> Result<bool, SplitError> {
        let rest = &self.bytes[self.pos..];
        if rest.starts_with(b"--") || (self.dialect == Dialect::Mysql && rest.starts_with(b"#")) {
            self.pos = self.text[self.pos..]
                .find('\n')
                .map_or(self.bytes.len(), |i| self.pos + i + 1);
            return Ok(true);
        }
        if rest.starts_with(b"/*") {
            let start = self.pos;
            let nests = self.dialect == Dialect::Postgres;
            let mut depth = 0usize;
            while self.pos < self.bytes.len() {
                let here = &self.bytes[self.pos..];
                if here.starts_with(b"/*") && (nests || depth == 0) {
                    depth += 1;
                    self.pos += 2;
                } else if here.starts_with(b"*/") {
                    depth -= 1;
                    self.pos += 2;
                    if depth == 0 {
                        return Ok(true);
                    }
                } else {
                    self.pos += 1;
                }
            }
            return Err(SplitError {
                what: "a block comment (/* … */)",
                offset: start,
            });
        }
        Ok(false)
    }

    /// Advances to the `;` that ends the statement starting at `pos` (or the end of text),
    /// and returns where its last token ends (so trailing comments are not part of it).
    fn statement_end(&mut self) -> Result<usize, SplitError> {
        let mut block = Block::default();
        let mut last_token_end = self.pos;
        while self.pos < self.bytes.len() {
            let b = self.bytes[self.pos];
            if b.is_ascii_whitespace() {
                self.pos += 1;
                continue;
            }
            if matches!(b, b'-' | b'/' | b'#') && self.skip_comment()? {
                continue;
            }
            if let Some(d) = self.delimiter
                && self.text[self.pos..].starts_with(d)
            {
                // A chosen delimiter ends the statement wherever it stands, as in the client.
                return Ok(last_token_end);
            }
            if b == b';' && block.parens == 0 {
                block.settle_end();
            }
            match b {
                b';' if block.parens == 0 && block.bodies == 0 && self.delimiter.is_none() => {
                    return Ok(last_token_end);
                }
                b'(' => {
                    block.parens += 1;
                    self.pos += 1;
                }
                b')' => {
                    block.parens = block.parens.saturating_sub(1);
                    self.pos += 1;
                }
                b'\'' => self.skip_string(self.backslash_escapes_before())?,
                b'"' => {
                    let mysql = self.dialect == Dialect::Mysql;
                    self.skip_quoted(b'"', mysql, "a quoted identifier (\"…\")")?
                }
                b'`' if self.dialect != Dialect::Postgres => {
                    self.skip_quoted(b'`', false, "a quoted identifier (`…`)")?
                }
                b'[' if self.dialect == Dialect::Sqlite => {
                    let start = self.pos;
                    match self.text[self.pos..].find(']') {
                        Some(i) => self.pos += i + 1,
                        None => {
                            return Err(SplitError {
                                what: "a quoted identifier ([…])",
                                offset: start,
                            });
                        }
                    }
                }
                b'$' if self.dialect == Dialect::Postgres && !self.prev_is_ident() => {
                    if !self.skip_dollar_quote()? {
                        self.pos += 1;
                    }
                }
                _ if is_ident_start(b) => {
                    let start = self.pos;
                    while self.pos < self.bytes.len()
                        && is_ident_char(self.bytes[self.pos])
                        && !self
                            .delimiter
                            .is_some_and(|d| self.text[self.pos..].starts_with(d))
                    {
                        self.pos += 1;
                    }
                    // `E'…'` strings: the quote right after the word is handled next round.
                    block.word(&self.text[start..self.pos], self.dialect);
                }
                _ => self.pos += 1,
            }
            last_token_end = self.pos;
        }
        Ok(last_token_end)
    }

    fn prev_is_ident(&self) -> bool {
        self.pos > 0 && is_ident_char(self.bytes[self.pos - 1])
    }

    /// Whether the string literal at `pos` treats backslash as an escape: always on MySQL,
    /// and on PostgreSQL for `E'…'` strings.
    fn backslash_escapes_before(&self) -> bool {
        match self.dialect {
            Dialect::Mysql => true,
            Dialect::Postgres => {
                let p = self.pos;
                p >= 1
                    && matches!(self.bytes[p - 1], b'e' | b'E')
                    && (p < 2 || !is_ident_char(self.bytes[p - 2]))
            }
            Dialect::Sqlite => false,
        }
    }

    fn skip_string(&mut self, backslash: bool) -> Result<(), SplitError> {
        self.skip_quoted(b'\'', backslash, "a string literal ('…')")
    }

    /// Skips a literal quoted by `q`, where a doubled `q` is an escaped one.
    fn skip_quoted(
        &mut self,
        q: u8,
        backslash: bool,
        what: &'static str,
    ) -> Result<(), SplitError> {
        let start = self.pos;
        self.pos += 1;
        while self.pos < self.bytes.len() {
            let b = self.bytes[self.pos];
            if backslash && b == b'\\' {
                self.pos += 2;
            } else if b == q {
                if self.bytes.get(self.pos + 1) == Some(&q) {
                    self.pos += 2;
                } else {
                    self.pos += 1;
                    return Ok(());
                }
            } else {
                self.pos += 1;
            }
        }
        Err(SplitError {
            what,
            offset: start,
        })
    }

    /// Skips a `$tag$ … $tag$` body at `pos`; false when `$` does not start one (`$1`).
    fn skip_dollar_quote(&mut self) -> Result<bool, SplitError> {
        let start = self.pos;
        let rest = &self.bytes[start + 1..];
        let tag_len = rest
            .iter()
            .take_while(|&&b| is_ident_char(b) && b != b'$')
            .count();
        if rest.get(tag_len) != Some(&b'$') || rest.first().is_some_and(u8::is_ascii_digit) {
            return Ok(false);
        }
        let delimiter = &self.text[start..start + tag_len + 2];
        let body = start + delimiter.len();
        match self.text[body..].find(delimiter) {
            Some(i) => {
                self.pos = body + i + delimiter.len();
                Ok(true)
            }
            None => Err(SplitError {
                what: "a dollar-quoted body ($tag$ … $tag$)",
                offset: start,
            }),
        }
    }
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqls(text: &str, dialect: Dialect) -> Vec<&str> {
        split(text, dialect)
            .unwrap()
            .into_iter()
            .map(|s| s.sql)
            .collect()
    }

    #[test]
    fn plain_statements_offsets_and_leading_comments() {
        let text = "-- head\nCREATE TABLE a (x int);\n\n/* two */ INSERT INTO a VALUES (1) -- tail\n;\nSELECT 1";
        let got = split(text, Dialect::Postgres).unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].sql, "CREATE TABLE a (x int)");
        assert_eq!(got[0].leading, "-- head\n");
        assert_eq!(&text[got[0].offset..got[0].offset + 6], "CREATE");
        assert_eq!(got[1].sql, "INSERT INTO a VALUES (1)");
        assert!(got[1].leading.contains("/* two */"));
        assert_eq!(got[2].sql, "SELECT 1");
    }

    #[test]
    fn empty_statements_and_comment_only_files() {
        assert!(sqls(";; -- nothing\n/* at all */", Dialect::Postgres).is_empty());
        assert!(sqls("", Dialect::Sqlite).is_empty());
    }

    #[test]
    fn semicolons_inside_quotes_and_comments_do_not_split() {
        let text = r#"INSERT INTO t VALUES ('a;b', 'it''s;'); SELECT "we;ird" FROM x -- c;d
; SELECT 2 /* x; y */"#;
        assert_eq!(
            sqls(text, Dialect::Postgres),
            vec![
                "INSERT INTO t VALUES ('a;b', 'it''s;')",
                "SELECT \"we;ird\" FROM x",
                "SELECT 2"
            ]
        );
    }

    #[test]
    fn postgres_escape_strings_and_nested_comments() {
        let text = r"SELECT E'it\'s;'; /* outer /* inner; */ still; */ SELECT 'plain\'; SELECT 3";
        assert_eq!(
            sqls(text, Dialect::Postgres),
            vec![r"SELECT E'it\'s;'", r"SELECT 'plain\'", "SELECT 3"]
        );
    }

    #[test]
    fn dollar_quoted_bodies() {
        let text = "CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql;\n\
                    DO $$ BEGIN CREATE TYPE s AS ENUM ('a'); EXCEPTION WHEN duplicate_object THEN null; END $$;\n\
                    SELECT $1, a$b FROM t";
        let got = sqls(text, Dialect::Postgres);
        assert_eq!(got.len(), 3, "{got:#?}");
        assert!(got[0].ends_with("LANGUAGE plpgsql"));
        assert!(got[1].starts_with("DO $$") && got[1].ends_with("END $$"));
        assert_eq!(got[2], "SELECT $1, a$b FROM t");
    }

    #[test]
    fn begin_atomic_bodies() {
        let text = "CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql\n\
                    BEGIN ATOMIC\n  SELECT CASE WHEN a > 0 THEN a ELSE 0 END + b;\n  SELECT 1;\nEND;\nSELECT 2;";
        let got = sqls(text, Dialect::Postgres);
        assert_eq!(got.len(), 2, "{got:#?}");
        assert!(got[0].ends_with("END"));
        assert_eq!(got[1], "SELECT 2");
    }

    #[test]
    fn sqlite_trigger_bodies_and_brackets() {
        let text = "CREATE TRIGGER IF NOT EXISTS t_upd AFTER UPDATE ON t BEGIN\n\
                    UPDATE t SET n = CASE WHEN new.n > 0 THEN 1 ELSE 0 END WHERE id = new.id;\n\
                    INSERT INTO log VALUES (new.id);\nEND;\nSELECT [a;b] FROM `c;d`;";
        let got = sqls(text, Dialect::Sqlite);
        assert_eq!(got.len(), 2, "{got:#?}");
        assert!(got[0].ends_with("END"));
        assert_eq!(got[1], "SELECT [a;b] FROM `c;d`");
    }

    #[test]
    fn begin_transaction_is_its_own_statement_outside_triggers() {
        let got = sqls("BEGIN; CREATE TABLE t (x int); COMMIT;", Dialect::Sqlite);
        assert_eq!(got, vec!["BEGIN", "CREATE TABLE t (x int)", "COMMIT"]);
    }

    #[test]
    fn parentheses_keep_rule_actions_together() {
        let text = "CREATE RULE r AS ON INSERT TO t DO INSTEAD (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2)); SELECT 1";
        assert_eq!(sqls(text, Dialect::Postgres).len(), 2);
    }

    #[test]
    fn mysql_hash_comments_and_backslashes() {
        let text = "SELECT 'a\\';b'; # note; here\nSELECT \"x;y\"";
        assert_eq!(
            sqls(text, Dialect::Mysql),
            vec!["SELECT 'a\\';b'", "SELECT \"x;y\""]
        );
    }

    #[test]
    fn mysql_delimiter_blocks_split_as_the_client_splits_them() {
        let text = "CREATE TABLE `a;b` (x INT); # one\n\
                    DELIMITER $$\n\
                    CREATE TRIGGER t BEFORE INSERT ON `a;b` FOR EACH ROW\n\
                    BEGIN\n  SET NEW.x = 1;\n  IF NEW.x > 0 THEN SET NEW.x = 2; END IF;\nEND$$\n\
                    CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END $$\n\
                    DELIMITER ;\n\
                    INSERT INTO t VALUES ('it\\'s;');";
        let got = split(text, Dialect::Mysql).unwrap();
        let sqls: Vec<&str> = got.iter().map(|s| s.sql).collect();
        assert_eq!(sqls.len(), 4, "{sqls:#?}");
        assert_eq!(sqls[0], "CREATE TABLE `a;b` (x INT)");
        assert!(sqls[1].starts_with("CREATE TRIGGER") && sqls[1].ends_with("END IF;\nEND"));
        assert_eq!(
            sqls[2],
            "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END"
        );
        assert_eq!(sqls[3], "INSERT INTO t VALUES ('it\\'s;')");
        assert!(
            got[1].leading.contains("DELIMITER $$"),
            "{:?}",
            got[1].leading
        );
        assert!(got[3].leading.contains("DELIMITER ;"));
        assert_eq!(&text[got[2].offset..got[2].offset + 16], "CREATE PROCEDURE");
    }

    #[test]
    fn mysql_compound_statements_without_delimiter() {
        let text = "CREATE TRIGGER t BEFORE UPDATE ON x FOR EACH ROW BEGIN\n\
                    CASE WHEN NEW.a > 0 THEN SET NEW.b = 1; ELSE SET NEW.b = CASE NEW.c WHEN 1 THEN 2 END; END CASE;\n\
                    lbl: LOOP LEAVE lbl; END LOOP lbl;\n\
                    WHILE NEW.a < 0 DO SET NEW.a = NEW.a + 1; END WHILE;\n\
                    REPEAT SET NEW.a = 1; UNTIL NEW.a > 0 END REPEAT;\n\
                    BEGIN SET NEW.d = 1; END;\n\
                    END;\nBEGIN;\nCREATE TABLE end_log (x INT);\nCOMMIT";
        let sqls = sqls(text, Dialect::Mysql);
        assert_eq!(sqls.len(), 4, "{sqls:#?}");
        assert!(sqls[0].ends_with("END;\nEND"));
        assert_eq!(
            &sqls[1..],
            ["BEGIN", "CREATE TABLE end_log (x INT)", "COMMIT"]
        );
    }

    #[test]
    fn unterminated_things_are_errors_with_offsets() {
        let err = split("SELECT 1; SELECT 'oops", Dialect::Postgres).unwrap_err();
        assert_eq!(err.offset, 17);
        assert!(err.what.contains("string"));
        assert!(
            split("SELECT $x$ body", Dialect::Postgres)
                .unwrap_err()
                .what
                .contains("dollar")
        );
        assert!(
            split("/* never", Dialect::Sqlite)
                .unwrap_err()
                .what
                .contains("comment")
        );
        assert!(split("SELECT \"id", Dialect::Sqlite).is_err());
    }

    #[test]
    fn transaction_control_detection() {
        let is_tc = |s: &str| split(s, Dialect::Postgres).unwrap()[0].is_transaction_control();
        assert!(is_tc("BEGIN"));
        assert!(is_tc("begin transaction isolation level serializable"));
        assert!(is_tc("COMMIT"));
        assert!(is_tc("END"));
        assert!(is_tc("start transaction"));
        assert!(!is_tc("START_TIME"));
        assert!(!is_tc("CREATE TABLE begin_log (x int)"));
        assert!(!is_tc("DO $$ BEGIN NULL; END $$"));
    }

    #[test]
    fn never_panics_on_odd_text() {
        for text in [
            "$",
            "$$",
            "'",
            "e'",
            "E'\\",
            "/*/",
            "--",
            "[",
            "é;ü",
            "$a",
            "$1$",
            "x$y$z",
            ");(",
            "CASE END",
            "DELIMITER",
            "DELIMITER $$\nx$",
            "delimiter ;;\nEND;;",
        ] {
            for dialect in [Dialect::Postgres, Dialect::Sqlite, Dialect::Mysql] {
                let _ = split(text, dialect);
            }
        }
    }
}
