//! `DROP` of tables, types, indexes, views, schemas and sequences.

use sqlparser::ast::ObjectType;

use super::{Run, same_name};
use crate::Dialect;
use crate::schema::Name;

impl Run<'_> {
    pub(super) fn drop(&mut self, kind: ObjectType, name: &Name, if_exists: bool, cascade: bool) {
        let origin = self.origin();
        let found = match kind {
            ObjectType::Table => {
                let found = self.schema.table(name).is_some();
                self.schema
                    .tables
                    .retain(|t| !same_name(self.dialect, &t.name, name));
                self.schema
                    .indexes
                    .retain(|i| !same_name(self.dialect, &i.table, name));
                if self.dialect == Dialect::Postgres {
                    // CASCADE drops the foreign keys that refer to it (SQLite leaves them).
                    for t in &mut self.schema.tables {
                        t.foreign_keys
                            .retain(|f| !same_name(Dialect::Postgres, &f.foreign_table, name));
                    }
                }
                if cascade {
                    self.cascade(name);
                }
                if found {
                    self.schema.dropped.push(crate::schema::Dropped {
                        name: name.clone(),
                        how: "dropped".into(),
                        origin,
                    });
                }
                found
            }
            ObjectType::View | ObjectType::MaterializedView => {
                let before = self.schema.views.len();
                self.schema
                    .views
                    .retain(|v| !same_name(self.dialect, &v.name, name));
                self.schema
                    .indexes
                    .retain(|i| !same_name(self.dialect, &i.table, name));
                if cascade {
                    self.cascade(name);
                }
                before != self.schema.views.len()
            }
            ObjectType::Index => {
                let before = self.schema.indexes.len();
                let dialect = self.dialect;
                self.schema.indexes.retain(|i| {
                    let same_index = if dialect == Dialect::Postgres {
                        i.name.name == name.name && i.name.schema == name.schema
                    } else {
                        i.name.name.eq_ignore_ascii_case(&name.name)
                    };
                    !same_index
                });
                before != self.schema.indexes.len()
            }
            ObjectType::Type => {
                let used_by: Vec<String> = self
                    .schema
                    .tables
                    .iter()
                    .flat_map(|t| {
                        t.columns
                            .iter()
                            .filter(|c| c.sql_type == name.name)
                            .map(move |c| format!("{}.{}", t.name, c.name))
                    })
                    .collect();
                let found = self.schema.enum_type(name).is_some();
                if found && !used_by.is_empty() && !cascade {
                    self.error(format!(
                        "cannot drop type {name}: columns use it ({})",
                        used_by.join(", ")
                    ));
                    return;
                }
                self.schema
                    .enums
                    .retain(|e| !same_name(self.dialect, &e.name, name));
                if cascade {
                    self.drop_columns_of_type(name);
                }
                // Composite, range and extension types are not tracked: dropping them is fine.
                true
            }
            ObjectType::Schema => {
                let schema = &name.name;
                let found = self.schema.schemas.iter().any(|s| s == schema);
                let has_objects = self
                    .schema
                    .tables
                    .iter()
                    .any(|t| t.name.schema.as_deref() == Some(schema));
                if has_objects && !cascade {
                    self.error(format!(
                        "cannot drop schema {schema}: it still has tables (use CASCADE)"
                    ));
                    return;
                }
                self.schema.schemas.retain(|s| s != schema);
                self.schema
                    .tables
                    .retain(|t| t.name.schema.as_deref() != Some(schema));
                self.schema
                    .enums
                    .retain(|e| e.name.schema.as_deref() != Some(schema));
                self.schema
                    .views
                    .retain(|v| v.name.schema.as_deref() != Some(schema));
                self.schema
                    .functions
                    .retain(|f| f.name.schema.as_deref() != Some(schema));
                self.schema
                    .indexes
                    .retain(|i| i.name.schema.as_deref() != Some(schema));
                // Foreign keys from other schemas into it go with it (CASCADE).
                for t in &mut self.schema.tables {
                    t.foreign_keys
                        .retain(|f| f.foreign_table.schema.as_deref() != Some(schema));
                }
                found
            }
            _ => true,
        };
        if !found && !if_exists {
            let kind = format!("{kind:?}").to_lowercase();
            self.error(format!(
                "there is no {kind} {name} to drop{}",
                self.gone_hint(name)
            ));
        }
    }

    /// `DROP TYPE … CASCADE` drops the columns of that type (and of arrays of it), with the
    /// indexes on them.
    fn drop_columns_of_type(&mut self, name: &Name) {
        let dialect = self.dialect;
        let of_type = |t: &str| {
            let t = t.strip_suffix("[]").unwrap_or(t);
            t == name.name || t == name.to_string() || t == format!("\"{}\"", name.name)
        };
        let mut gone: Vec<(Name, String)> = Vec::new();
        for table in &mut self.schema.tables {
            table.columns.retain(|c| {
                let drop = of_type(&c.sql_type);
                if drop {
                    gone.push((table.name.clone(), c.name.clone()));
                }
                !drop
            });
        }
        self.schema.indexes.retain(|i| {
            !gone.iter().any(|(table, column)| {
                same_name(dialect, &i.table, table)
                    && i.columns
                        .iter()
                        .any(|k| super::expressions::mentions(dialect, k, column))
            })
        });
    }
}
