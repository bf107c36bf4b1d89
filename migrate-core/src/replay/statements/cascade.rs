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

    /// After table or view `old` became `new`: the views that read it read it by its new name
    /// (PostgreSQL refers to it by oid).
    pub(super) fn relation_renamed(&mut self, old: &Name, new: &Name) {
        for view in &mut self.schema.views {
            for source in &mut view.depends_on {
                if source == old {
                    *source = new.clone();
                }
            }
        }
    }

    /// `ALTER [MATERIALIZED] VIEW [IF EXISTS] old RENAME TO new` (or `ALTER TABLE` of a view).
    pub(super) fn rename_view(&mut self, old: &Name, new: Name, if_exists: bool) {
        let Some(at) = self
            .schema
            .views
            .iter()
            .position(|v| self.schema.same_name(&v.name, old))
        else {
            if !if_exists {
                self.error(format!("there is no view {old} at this point"));
            }
            return;
        };
        let taken = self.schema.table(&new).is_some() || self.schema.view(&new).is_some();
        if taken {
            return self.error(format!("relation {new} already exists"));
        }
        self.schema.views[at].name = new.clone();
        for index in self.schema.indexes.iter_mut().filter(|i| i.table == *old) {
            index.table = new.clone();
        }
        self.relation_renamed(old, &new);
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
