//! Renames sqlparser cannot read (`ALTER INDEX … RENAME TO`, `ALTER SEQUENCE … RENAME TO`),
//! read here from their words, and what renames change elsewhere: a serial column's default
//! names its sequence, and a default can name an enum label.

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::Run;
use crate::Dialect;
use crate::schema::{Name, quote_ident};

impl Run<'_> {
    /// `ALTER INDEX|SEQUENCE|[MATERIALIZED] VIEW [IF EXISTS] name RENAME TO new`. Returns
    /// whether it was one.
    pub(super) fn rename_by_words(&mut self, sql: &str) -> bool {
        let words = words(sql);
        let upper: Vec<String> = words.iter().map(|w| w.to_ascii_uppercase()).collect();
        let materialized = upper.get(1).map(String::as_str) == Some("MATERIALIZED");
        let mut i = if materialized { 3 } else { 2 };
        let kind = upper.get(i - 1).map(String::as_str);
        if upper.first().map(String::as_str) != Some("ALTER")
            || !matches!(kind, Some("INDEX" | "SEQUENCE" | "VIEW"))
            || (materialized && kind != Some("VIEW"))
        {
            return false;
        }
        if upper.get(i).map(String::as_str) == Some("IF") {
            i += 2;
        }
        let (Some(old), Some(rename), Some(to), Some(new)) = (
            words.get(i),
            upper.get(i + 1),
            upper.get(i + 2),
            words.get(i + 3),
        ) else {
            return false;
        };
        if rename != "RENAME" || to != "TO" || words.len() != i + 4 {
            return false;
        }
        let (Some(old), Some(new)) = (self.parse_name(old), self.parse_name(new)) else {
            return false;
        };
        if kind == Some("VIEW") {
            let new = Name {
                schema: old.schema.clone(),
                name: new.name,
            };
            self.rename_view(&old, new, upper.get(2).map(String::as_str) == Some("IF"));
        } else if kind == Some("INDEX") {
            if let Some(index) = self
                .schema
                .indexes
                .iter_mut()
                .find(|x| x.name.name == old.name && x.name.schema == old.schema)
            {
                index.name.name = new.name;
            } else {
                // The index behind a primary key, unique or exclusion constraint: PostgreSQL
                // renames both.
                for table in self
                    .schema
                    .tables
                    .iter_mut()
                    .filter(|t| t.name.schema == old.schema)
                {
                    let is_key = table.primary_key_name.as_deref() == Some(old.name.as_str())
                        || table
                            .uniques
                            .iter()
                            .any(|u| u.name.as_deref() == Some(old.name.as_str()))
                        || table
                            .exclusions
                            .iter()
                            .any(|x| x.name.as_deref() == Some(old.name.as_str()));
                    if is_key {
                        super::constraints::rename_constraint(
                            Dialect::Postgres,
                            table,
                            &old.name,
                            &new.name,
                        );
                        break;
                    }
                }
            }
        } else {
            let renamed = Name {
                schema: old.schema.clone(),
                name: new.name,
            };
            for s in self.schema.sequences.iter_mut().filter(|s| **s == old) {
                s.name = renamed.name.clone();
            }
            let (from, to) = (sequence_default(&old), sequence_default(&renamed));
            for column in self
                .schema
                .tables
                .iter_mut()
                .flat_map(|t| t.columns.iter_mut())
            {
                if column.default.as_deref() == Some(from.as_str()) {
                    column.default = Some(to.clone());
                }
            }
        }
        true
    }

    pub(super) fn parse_name(&self, text: &str) -> Option<Name> {
        let object = Parser::new(&PostgreSqlDialect {})
            .try_with_sql(text)
            .and_then(|mut p| p.parse_object_name(false))
            .ok()?;
        Some(self.name(&object))
    }

    /// After `ALTER TYPE name RENAME VALUE 'from' TO 'to'`: defaults that name the label.
    pub(super) fn rename_label_in_defaults(&mut self, enum_name: &Name, from: &str, to: &str) {
        let (quoted_from, quoted_to) = (quote(from), quote(to));
        for table in &mut self.schema.tables {
            for column in &mut table.columns {
                let of_type =
                    column.sql_type == enum_name.name || column.sql_type == enum_name.to_string();
                if let Some(default) = &mut column.default
                    && of_type
                    && default.starts_with(&quoted_from)
                {
                    *default = default.replacen(&quoted_from, &quoted_to, 1);
                }
            }
        }
    }
}

/// The default PostgreSQL shows for a serial column whose sequence is `sequence`.
pub(super) fn sequence_default(sequence: &Name) -> String {
    // regclass prints the name as SQL would write it: quoted when it must be
    // (`nextval('"User_id_seq"'::regclass)`), schema-qualified outside `public`.
    let name = quote_ident(Dialect::Postgres, &sequence.name);
    let name = match sequence.schema.as_deref() {
        Some(schema) if schema != "public" => {
            format!("{}.{name}", quote_ident(Dialect::Postgres, schema))
        }
        _ => name,
    };
    format!("nextval('{}'::regclass)", name.replace('\'', "''"))
}

fn quote(label: &str) -> String {
    format!("'{}'", label.replace('\'', "''"))
}

/// The statement's words, keeping double-quoted identifiers (with dots) whole.
pub(super) fn words(sql: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in sql.trim().trim_end_matches(';').chars() {
        if c == '"' {
            quoted = !quoted;
        }
        if c.is_whitespace() && !quoted {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}
