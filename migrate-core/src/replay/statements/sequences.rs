//! `CREATE SEQUENCE … OWNED BY t.c` and `ALTER SEQUENCE … OWNED BY t.c | NONE` (PostgreSQL):
//! which column owns a sequence; and which sequences `CREATE SEQUENCE` made (by name only:
//! the PL/pgSQL interpreter's catalog answers for them).

use super::Run;
use super::constraints::serial_sequence;
use super::renames::words;

impl Run<'_> {
    /// `CREATE SEQUENCE [IF NOT EXISTS] s …`, `DROP SEQUENCE [IF EXISTS] s, … [CASCADE]`: the
    /// names of the sequences made (`ALTER SEQUENCE … RENAME TO` is a rename, in renames.rs).
    pub(super) fn track_sequences(&mut self, sql: &str) {
        let words = words(sql);
        let upper: Vec<String> = words.iter().map(|w| w.to_ascii_uppercase()).collect();
        let u = |i: usize| upper.get(i).map(String::as_str).unwrap_or("");
        let mut at = 2;
        while matches!(u(at), "IF" | "NOT" | "EXISTS") {
            at += 1;
        }
        let if_exists = at > 2;
        match u(0) {
            "CREATE" => {
                let Some(name) = words.get(at).and_then(|w| self.parse_name(w)) else {
                    return;
                };
                if self.schema.sequences.contains(&name) {
                    if !if_exists {
                        self.error(format!("sequence {name} already exists"));
                    }
                    return;
                }
                self.schema.sequences.push(name);
            }
            "DROP" => {
                let list = words[at.min(words.len())..]
                    .iter()
                    .filter(|w| !matches!(w.to_ascii_uppercase().as_str(), "CASCADE" | "RESTRICT"))
                    .flat_map(|w| w.split(','))
                    .filter(|w| !w.is_empty())
                    .map(str::to_owned)
                    .collect::<Vec<_>>();
                for w in list {
                    if let Some(name) = self.parse_name(&w) {
                        self.schema.sequences.retain(|s| *s != name);
                    }
                }
            }
            _ => {}
        }
    }

    /// Reads `OWNED BY` from a `CREATE|ALTER SEQUENCE`; returns whether the statement was one
    /// that names an owner.
    pub(super) fn sequence_owner(&mut self, sql: &str) -> bool {
        let tokens: Vec<&str> = sql
            .split_whitespace()
            .map(|t| t.trim_end_matches(';'))
            .collect();
        let upper: Vec<String> = tokens.iter().map(|t| t.to_ascii_uppercase()).collect();
        let Some(by) = upper
            .windows(2)
            .position(|w| w[0] == "OWNED" && w[1] == "BY")
        else {
            return false;
        };
        // CREATE SEQUENCE [IF NOT EXISTS] name … / ALTER SEQUENCE [IF EXISTS] name …
        let mut at = 2;
        while matches!(
            upper.get(at).map(String::as_str),
            Some("IF" | "NOT" | "EXISTS")
        ) {
            at += 1;
        }
        let (Some(sequence), Some(owner)) = (tokens.get(at), tokens.get(by + 2)) else {
            return false;
        };
        let Some(sequence) = self.parse_name(sequence) else {
            return false;
        };
        // The sequence's previous owner, found by the default that uses it, lets it go.
        for table in &mut self.schema.tables {
            for column in &mut table.columns {
                let uses = column
                    .default
                    .as_deref()
                    .and_then(serial_sequence)
                    .is_some_and(|s| s == sequence.name);
                if uses {
                    column.owns_sequence = false;
                }
            }
        }
        if owner.eq_ignore_ascii_case("NONE") {
            return true;
        }
        let Some((table, column)) = owner.rsplit_once('.') else {
            self.error(format!("OWNED BY {owner}: name the column as table.column"));
            return true;
        };
        let (Some(table), Some(column)) = (self.parse_name(table), self.parse_name(column)) else {
            return false;
        };
        let dialect = self.dialect;
        match self.schema.table_mut(&table).and_then(|t| {
            t.columns
                .iter_mut()
                .find(|c| super::same(dialect, &c.name, &column.name))
        }) {
            Some(c) => c.owns_sequence = true,
            None => self.error(format!(
                "OWNED BY {owner}: there is no column {} in table {table}",
                column.name
            )),
        }
        true
    }
}
