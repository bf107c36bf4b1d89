//! `JOIN … USING (col)` and `NATURAL JOIN`: the merged columns.
//!
//! PostgreSQL's and SQLite's rules: each merged column appears once, first, in `SELECT *`; an
//! unqualified reference to it is not ambiguous; `left.col` and `right.col` still reach each
//! side's own column. Its value is the left side's (inner and `LEFT` joins), the right side's
//! (`RIGHT`), or `COALESCE(left, right)` (`FULL`), so it is NOT NULL when: either side's is
//! (inner: the rows joined have equal, hence non-NULL, values; the rule keeps to what a side
//! declares), the left side's is (`LEFT`), the right side's is (`RIGHT`), both are (`FULL`).

use sqlparser::tokenizer::Span;

use super::scope::{JoinKind, Rel};
use super::{Col, Infer, QueryError, Typed};
use crate::Dialect;

impl Infer<'_> {
    /// The relation of the merged columns `names` of a join of `left` and `right` (the
    /// relations of each side); each side's own column becomes hidden from unqualified
    /// references and `*`.
    pub(super) fn merge_using(
        &self,
        left: &mut [Rel],
        right: &mut [Rel],
        names: &[String],
        kind: JoinKind,
        span: Span,
    ) -> Result<Rel, QueryError> {
        let mut merged = Vec::new();
        for name in names {
            let l = self.using_side(left, name, "left", span)?;
            let r = self.using_side(right, name, "right", span)?;
            let l_typed = self.column_of(&left[l], name, true).unwrap_or_default();
            let r_typed = self.column_of(&right[r], name, true).unwrap_or_default();
            merged.push(Col {
                name: name.clone(),
                typed: self.merged_typed(&l_typed, &r_typed, kind),
            });
            left[l].hidden.push(name.clone());
            right[r].hidden.push(name.clone());
        }
        Ok(Rel::of(String::new(), merged))
    }

    /// Which of a join side's relations has the column `name` (unqualified): exactly one.
    fn using_side(
        &self,
        rels: &[Rel],
        name: &str,
        side: &str,
        span: Span,
    ) -> Result<usize, QueryError> {
        let found: Vec<usize> = (0..rels.len())
            .filter(|&i| self.column_of(&rels[i], name, true).is_some())
            .collect();
        match found.as_slice() {
            [i] => Ok(*i),
            [] => {
                let shown: Vec<&str> = rels
                    .iter()
                    .map(|r| r.name.as_str())
                    .filter(|n| !n.is_empty())
                    .collect();
                Err(QueryError::new(
                    format!(
                        "column {name} specified in USING clause does not exist in the {side} \
                         table {}; name a column both sides have",
                        shown.join(", ")
                    ),
                    span,
                ))
            }
            _ => Err(QueryError::new(
                format!(
                    "common column name {name} appears more than once in the {side} table of a \
                     JOIN … USING; join with ON and qualified columns instead"
                ),
                span,
            )),
        }
    }

    /// `NATURAL JOIN`'s columns: those the left side (as `*` shows it) and `right` both have,
    /// in the left side's order.
    pub(super) fn natural_names(
        &self,
        left: &[Rel],
        right: &[Rel],
        span: Span,
    ) -> Result<Vec<String>, QueryError> {
        let visible = |rel: &Rel| -> Result<Vec<String>, QueryError> {
            let Some(columns) = &rel.columns else {
                return Err(QueryError::new(
                    format!(
                        "NATURAL JOIN over {}, whose columns are not known (the replay could not \
                         read its query), is not inferred yet: join with USING or ON",
                        rel.name
                    ),
                    span,
                ));
            };
            Ok(columns
                .iter()
                .filter(|c| !rel.hidden.iter().any(|h| self.schema.same(h, &c.name)))
                .map(|c| c.name.clone())
                .collect())
        };
        let mut left_names = Vec::new();
        for rel in left {
            left_names.extend(visible(rel)?);
        }
        let mut right_names = Vec::new();
        for rel in right {
            right_names.extend(visible(rel)?);
        }
        let mut names: Vec<String> = Vec::new();
        for name in left_names {
            if right_names.iter().any(|r| self.schema.same(r, &name))
                && !names.iter().any(|n| self.schema.same(n, &name))
            {
                names.push(name);
            }
        }
        Ok(names)
    }

    fn merged_typed(&self, l: &Typed, r: &Typed, kind: JoinKind) -> Typed {
        let sql_type = match (self.dialect, kind) {
            // SQLite's merged column is one side's column, with its declared type.
            (Dialect::Sqlite, JoinKind::Inner | JoinKind::Left) => l.sql_type.clone(),
            (Dialect::Sqlite, JoinKind::Right) => r.sql_type.clone(),
            _ => join_type(l.sql_type.as_deref(), r.sql_type.as_deref()),
        };
        let not_null = match kind {
            JoinKind::Inner => l.not_null || r.not_null,
            JoinKind::Left => l.not_null,
            JoinKind::Right => r.not_null,
            JoinKind::Full => l.not_null && r.not_null,
        };
        Typed { sql_type, not_null }
    }
}

/// The type both sides of a merged column resolve to (PostgreSQL's common type for the
/// types the inference knows): the same type, the wider of two numbers, the first of
/// `character varying` and `text`; otherwise unknown.
pub(crate) fn join_type(l: Option<&str>, r: Option<&str>) -> Option<String> {
    let (l, r) = (l?, r?);
    if l == r {
        return Some(l.to_owned());
    }
    const NUMBERS: [&str; 6] = [
        "smallint",
        "integer",
        "bigint",
        "numeric",
        "real",
        "double precision",
    ];
    let base = |t: &str| -> String {
        if t.starts_with("numeric(") {
            "numeric".to_owned()
        } else {
            t.to_owned()
        }
    };
    // `varchar` and `text` convert to each other implicitly: the first one's type wins.
    let string = |t: &str| t == "text" || t.starts_with("character varying");
    if string(l) && string(r) {
        return Some(
            if l == "text" {
                "text"
            } else {
                "character varying"
            }
            .to_owned(),
        );
    }
    let (lb, rb) = (base(l), base(r));
    if lb == rb {
        return Some(lb);
    }
    let rank = |t: &str| NUMBERS.iter().position(|n| *n == t);
    let (x, y) = (rank(&lb)?, rank(&rb)?);
    // Each converts implicitly to every wider one: the widest wins.
    Some(NUMBERS[x.max(y)].to_owned())
}
