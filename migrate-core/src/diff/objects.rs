//! Views and domains, expected vs actual. A view is compared by name and, on PostgreSQL where
//! the replay could derive them from its query, by its column names; the model keeps no view
//! query, so nothing else about it. A domain by its base type and nullability.

use super::Difference;
use crate::schema::{Domain, Schema, View};

pub(super) fn diff_views_and_domains(
    expected: &Schema,
    actual: &Schema,
    out: &mut Vec<Difference>,
) {
    let columns = |v: &View| -> Option<Vec<String>> {
        v.columns.as_ref().map(|c| {
            c.iter()
                .map(|c| {
                    if expected.dialect == crate::Dialect::Postgres {
                        c.name.clone()
                    } else {
                        c.name.to_lowercase()
                    }
                })
                .collect()
        })
    };
    for view in &expected.views {
        match actual.view(&view.name) {
            None => out.push(Difference::MissingView {
                name: view.name.to_string(),
            }),
            Some(found) => {
                // SQLite expands `SELECT *` when a view is read and rewrites view SQL on
                // renames: its views are compared by name.
                if let (Some(e), Some(a)) = (columns(view), columns(found))
                    && e != a
                    && expected.dialect == crate::Dialect::Postgres
                {
                    out.push(Difference::ViewColumns {
                        name: view.name.to_string(),
                        expected: e,
                        actual: a,
                    });
                }
            }
        }
    }
    for view in &actual.views {
        if expected.view(&view.name).is_none() {
            out.push(Difference::ExtraView {
                name: view.name.to_string(),
            });
        }
    }
    let spelled = |d: &Domain| {
        let not_null = if d.not_null { " NOT NULL" } else { "" };
        format!("{}{not_null}", d.base_type)
    };
    for domain in &expected.domains {
        match actual.domain(&domain.name) {
            None => out.push(Difference::MissingDomain {
                name: domain.name.to_string(),
            }),
            Some(found) if spelled(found) != spelled(domain) => out.push(Difference::DomainType {
                name: domain.name.to_string(),
                expected: spelled(domain),
                actual: spelled(found),
            }),
            Some(_) => {}
        }
    }
    for domain in &actual.domains {
        if expected.domain(&domain.name).is_none() {
            out.push(Difference::ExtraDomain {
                name: domain.name.to_string(),
            });
        }
    }
}
