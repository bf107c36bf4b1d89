//! What `DROP … CASCADE` takes with it: the views that read a dropped table or view (and the
//! views that read those), and their indexes (materialized views have indexes).

use super::Run;
use crate::schema::Name;

impl Run<'_> {
    /// The tables and views a view's query names (after `FROM` and `JOIN`), as far as they
    /// exist now. An over-approximation is harmless: it is only used to cascade drops.
    pub(super) fn view_sources(&self, query: &str) -> Vec<Name> {
        let words: Vec<&str> = query
            .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
            .filter(|w| !w.is_empty())
            .collect();
        let mut sources = Vec::new();
        for pair in words.windows(2) {
            if !(pair[0].eq_ignore_ascii_case("FROM") || pair[0].eq_ignore_ascii_case("JOIN")) {
                continue;
            }
            let parsed = sqlparser::parser::Parser::new(&sqlparser::dialect::PostgreSqlDialect {})
                .try_with_sql(pair[1])
                .and_then(|mut p| p.parse_object_name(false));
            if let Ok(object) = parsed {
                let name = self.name(&object);
                let exists =
                    self.schema.table(&name).is_some() || self.schema.view(&name).is_some();
                if exists && !sources.contains(&name) {
                    sources.push(name);
                }
            }
        }
        sources
    }

    /// Drops every view that depends on `dropped`, transitively, with their indexes.
    pub(super) fn cascade(&mut self, dropped: &Name) {
        let mut gone = vec![dropped.clone()];
        while let Some(name) = gone.pop() {
            let dependents: Vec<Name> = self
                .schema
                .views
                .iter()
                .filter(|v| v.depends_on.contains(&name))
                .map(|v| v.name.clone())
                .collect();
            self.schema.views.retain(|v| !dependents.contains(&v.name));
            self.schema
                .indexes
                .retain(|i| !dependents.contains(&i.table));
            gone.extend(dependents);
        }
    }
}
