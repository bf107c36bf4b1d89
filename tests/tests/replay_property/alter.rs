//! The table statements of the random-DDL generator: create, drop, rename, columns, types,
//! nullability, defaults, primary keys, enums; the rest is in `generator` and `objects`.

use migrate_runtime::Dialect;

use super::generator::{
    Model, Rng, column, constraint_statement, create_table, default_for, pick_type,
};
use super::objects;

/// One random statement valid against the model, applied to the model.
pub fn statement(rng: &mut Rng, m: &mut Model, dialect: Dialect) -> String {
    let pg = dialect == Dialect::Postgres;
    loop {
        let choice = rng.below(if pg { 22 } else { 11 });
        let has_table = !m.tables.is_empty();
        if choice >= if pg { 16 } else { 8 } {
            // Indexes, views, domains, schemas.
            match objects::statement(rng, m, dialect) {
                Some(sql) => return sql,
                None => continue,
            }
        }
        if choice >= if pg { 14 } else { 7 } {
            match constraint_statement(rng, m, dialect) {
                Some(sql) => return sql,
                None => continue,
            }
        }
        match choice {
            0 | 1 => return create_table(rng, m, dialect),
            2 if has_table && rng.chance(40) => {
                let i = rng.below(m.tables.len());
                let name = m.tables[i].name.clone();
                let referenced = m.tables.iter().any(|t| {
                    t.name != name && t.cols.iter().any(|c| c.refs.as_ref() == Some(&name))
                });
                let viewed = m.views.iter().any(|v| v.table == name);
                if (referenced || viewed) && !pg {
                    continue;
                }
                m.tables.remove(i);
                for c in m.tables.iter_mut().flat_map(|t| t.cols.iter_mut()) {
                    if c.refs.as_ref() == Some(&name) {
                        c.refs = None; // CASCADE drops the foreign key, not the column
                    }
                }
                // Its indexes go with it; CASCADE drops the views that read it.
                m.indexes.retain(|x| x.table != name);
                m.views.retain(|v| v.table != name);
                let cascade = if referenced || viewed { " CASCADE" } else { "" };
                return format!("DROP TABLE {name}{cascade}");
            }
            3 if has_table => {
                let new = m.fresh("t");
                let ti = rng.below(m.tables.len());
                let t = &mut m.tables[ti];
                let sql = format!("ALTER TABLE {} RENAME TO {new}", t.name);
                // A table in a schema stays there.
                let qualified = match t.name.rsplit_once('.') {
                    Some((schema, _)) => format!("{schema}.{new}"),
                    None => new,
                };
                let old = std::mem::replace(&mut t.name, qualified.clone());
                m.table_renamed(&old, &qualified);
                return sql;
            }
            4 if has_table => {
                let col = column(rng, m, dialect, false);
                let t = rng.below(m.tables.len());
                let sql = format!("ALTER TABLE {} ADD COLUMN {}", m.tables[t].name, col.1);
                m.tables[t].cols.push(col.0);
                return sql;
            }
            5 if has_table => {
                let ti = rng.below(m.tables.len());
                let t = &mut m.tables[ti];
                let droppable: Vec<usize> = (0..t.cols.len())
                    .filter(|&i| !t.cols[i].key && !t.cols[i].pinned)
                    .collect();
                if t.cols.len() > 1 && !droppable.is_empty() {
                    let c = t.cols.remove(*rng.pick(&droppable));
                    t.named.retain(|(_, uses)| !uses.contains(&c.name));
                    return format!("ALTER TABLE {} DROP COLUMN {}", t.name, c.name);
                }
            }
            6 if has_table => {
                let new = m.fresh("c");
                let ti = rng.below(m.tables.len());
                let t = &mut m.tables[ti];
                let c = rng.below(t.cols.len());
                let sql = format!(
                    "ALTER TABLE {} RENAME COLUMN {} TO {new}",
                    t.name, t.cols[c].name
                );
                for used in t.named.iter_mut().flat_map(|(_, uses)| uses.iter_mut()) {
                    if *used == t.cols[c].name {
                        *used = new.clone();
                    }
                }
                t.cols[c].name = new;
                return sql;
            }
            7 if has_table => {
                // Change type; the table is empty, so a cast through text always works.
                let ty = pick_type(rng, m, dialect);
                let ti = rng.below(m.tables.len());
                let t = &mut m.tables[ti];
                let c = rng.below(t.cols.len());
                let col = &mut t.cols[c];
                if col.default || col.key || col.pinned {
                    continue;
                }
                let using = if col.ty.ends_with("[]") || ty.ends_with("[]") {
                    format!("NULL::{ty}")
                } else {
                    format!("{}::text::{ty}", col.name)
                };
                let sql = format!(
                    "ALTER TABLE {} ALTER COLUMN {} TYPE {ty} USING {using}",
                    t.name, col.name
                );
                col.ty = ty;
                return sql;
            }
            8 if has_table => {
                let ti = rng.below(m.tables.len());
                let t = &mut m.tables[ti];
                let c = rng.below(t.cols.len());
                let col = &mut t.cols[c];
                if col.key {
                    continue;
                }
                col.not_null = !col.not_null;
                let action = if col.not_null { "SET" } else { "DROP" };
                return format!(
                    "ALTER TABLE {} ALTER COLUMN {} {action} NOT NULL",
                    t.name, col.name
                );
            }
            9 if has_table => {
                let enums = m.enums.clone();
                let domains = m.domains.clone();
                let ti = rng.below(m.tables.len());
                let t = &mut m.tables[ti];
                let c = rng.below(t.cols.len());
                let col = &mut t.cols[c];
                if col.default {
                    col.default = false;
                    return format!(
                        "ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT",
                        t.name, col.name
                    );
                }
                let labels = enums.iter().find(|e| e.0 == col.ty).map(|e| e.1.as_slice());
                let base = domains
                    .iter()
                    .find(|d| d.0 == col.ty)
                    .map_or(&col.ty, |d| &d.1);
                let value = match default_for(base, labels) {
                    "LABEL" => format!("'{}'", labels.unwrap()[0]),
                    other => other.to_owned(),
                };
                col.default = true;
                return format!(
                    "ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {value}",
                    t.name, col.name
                );
            }
            10 if has_table => {
                let ti = rng.below(m.tables.len());
                let t = &mut m.tables[ti];
                if t.has_pk {
                    continue;
                }
                let c = rng.below(t.cols.len());
                if t.cols[c].ty.ends_with("[]") || t.cols[c].ty == "jsonb" {
                    continue;
                }
                t.has_pk = true;
                t.cols[c].not_null = true;
                t.cols[c].key = true;
                t.cols[c].pk = true;
                return format!(
                    "ALTER TABLE {} ADD PRIMARY KEY ({})",
                    t.name, t.cols[c].name
                );
            }
            11 => {
                let name = m.fresh("e");
                let labels: Vec<String> = (0..1 + rng.below(3)).map(|_| m.fresh("l")).collect();
                let sql = format!(
                    "CREATE TYPE {name} AS ENUM ({})",
                    labels
                        .iter()
                        .map(|l| format!("'{l}'"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                m.enums.push((name, labels));
                return sql;
            }
            12 if !m.enums.is_empty() => {
                let label = m.fresh("l");
                let i = rng.below(m.enums.len());
                let (name, labels) = &mut m.enums[i];
                let at = rng.below(labels.len() + 1);
                let sql = if at == labels.len() {
                    format!("ALTER TYPE {name} ADD VALUE '{label}'")
                } else {
                    format!(
                        "ALTER TYPE {name} ADD VALUE '{label}' BEFORE '{}'",
                        labels[at]
                    )
                };
                labels.insert(at, label);
                return sql;
            }
            13 if !m.enums.is_empty() => {
                let label = m.fresh("l");
                let i = rng.below(m.enums.len());
                let (name, labels) = &mut m.enums[i];
                let at = rng.below(labels.len());
                let sql = format!(
                    "ALTER TYPE {name} RENAME VALUE '{}' TO '{label}'",
                    labels[at]
                );
                if m.tables
                    .iter()
                    .any(|t| t.cols.iter().any(|c| c.ty == *name && c.default))
                {
                    continue; // a default naming the label would change its text
                }
                labels[at] = label;
                return sql;
            }
            _ => {}
        }
    }
}
