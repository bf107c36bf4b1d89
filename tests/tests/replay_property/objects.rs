//! Indexes (unique, multi-column, expression, partial, DESC, named and unnamed), views,
//! domains, schemas and `ALTER TABLE … SET SCHEMA` for the random-DDL generator. Every
//! statement is valid against the model (the database accepts it) and updates the model.

use migrate_runtime::Dialect;

use super::generator::{Idx, Model, Rng, ViewM, bare};

/// One object statement, or `None` when the model has nothing it applies to.
pub fn statement(rng: &mut Rng, m: &mut Model, dialect: Dialect) -> Option<String> {
    let pg = dialect == Dialect::Postgres;
    match rng.below(if pg { 14 } else { 5 }) {
        0..=2 => create_index(rng, m, dialect),
        3 => drop_index(rng, m),
        4 if rng.chance(60) => create_view(rng, m),
        4 => drop_view(rng, m),
        5 => rename_index(rng, m),
        6 => rename_view(rng, m),
        7 => create_domain(rng, m),
        8 => alter_domain(rng, m),
        9 => Some(create_schema(m)),
        // Half the time an index instead, so indexes keep their share of the draws.
        10 if rng.chance(50) => super::guards::do_block(rng, m),
        11 if rng.chance(50) => super::guards::sequence(rng, m),
        10 | 11 => create_index(rng, m, dialect),
        _ => set_schema(rng, m),
    }
}

// Every shape the generator draws is one the replay follows: a divergence found is fixed in
// the replay and its shrunk case kept in corpus.txt, not left out of the generator.

const TEXT_TYPES: &[&str] = &["text", "varchar(20)", "TEXT", "VARCHAR(20)"];
const INTEGER_TYPES: &[&str] = &["integer", "bigint", "smallint", "INTEGER", "INT"];

/// `CREATE [UNIQUE] INDEX [name] ON t (elements) [WHERE …]`: one to three elements, each a
/// column, a column DESC (NULLS FIRST/LAST), or an expression over one column.
fn create_index(rng: &mut Rng, m: &mut Model, dialect: Dialect) -> Option<String> {
    if m.tables.is_empty() {
        return None;
    }
    let pg = dialect == Dialect::Postgres;
    let ti = rng.below(m.tables.len());
    let wide = rng.chance(30);
    let width = 1 + rng.below(if wide { 3 } else { 1 });
    let mut used = Vec::new();
    let mut elements = Vec::new();
    for _ in 0..width {
        let ci = rng.below(m.tables[ti].cols.len());
        if used.contains(&ci) {
            continue;
        }
        used.push(ci);
        let col = &m.tables[ti].cols[ci];
        let ty = m.base_of(&col.ty).to_owned();
        let element = match rng.below(6) {
            0 if TEXT_TYPES.contains(&ty.as_str()) => format!("lower({})", col.name),
            1 if INTEGER_TYPES.contains(&ty.as_str()) => format!("({} + 1)", col.name),
            2 => format!("{} DESC", col.name),
            // SQLite's index columns take ASC/DESC but no NULLS FIRST/LAST.
            3 if pg => format!("{} DESC NULLS LAST", col.name),
            4 if pg => format!("{} NULLS FIRST", col.name),
            _ => col.name.clone(),
        };
        elements.push(element);
    }
    let unique = if rng.chance(30) { "UNIQUE " } else { "" };
    let partial = rng.chance(25).then(|| {
        let ci = rng.below(m.tables[ti].cols.len());
        used.push(ci);
        format!(" WHERE {} IS NOT NULL", m.tables[ti].cols[ci].name)
    });
    // SQLite needs a name; PostgreSQL names an unnamed index itself (not droppable here), a
    // second one on the same keys with a number (`t1_c2_idx1`).
    let name = (!pg || rng.chance(70)).then(|| m.fresh("i"));
    let t = &mut m.tables[ti];
    for &ci in &used {
        t.cols[ci].pinned = true;
    }
    let sql = format!(
        "CREATE {unique}INDEX {}ON {} ({}){}",
        name.as_ref().map(|n| format!("{n} ")).unwrap_or_default(),
        t.name,
        elements.join(", "),
        partial.unwrap_or_default()
    );
    if let Some(name) = name {
        // An index lives in its table's schema.
        let qualified = match t.name.rsplit_once('.') {
            Some((schema, _)) => format!("{schema}.{name}"),
            None => name,
        };
        let table = t.name.clone();
        m.indexes.push(Idx {
            name: qualified,
            table,
        });
    }
    Some(sql)
}

fn drop_index(rng: &mut Rng, m: &mut Model) -> Option<String> {
    if m.indexes.is_empty() {
        return None;
    }
    let i = m.indexes.remove(rng.below(m.indexes.len()));
    Some(format!("DROP INDEX {}", i.name))
}

fn rename_index(rng: &mut Rng, m: &mut Model) -> Option<String> {
    if m.indexes.is_empty() {
        return None;
    }
    let new = m.fresh("i");
    let at = rng.below(m.indexes.len());
    let index = &mut m.indexes[at];
    let sql = format!("ALTER INDEX {} RENAME TO {new}", index.name);
    index.name = match index.name.rsplit_once('.') {
        Some((schema, _)) => format!("{schema}.{new}"),
        None => new,
    };
    Some(sql)
}

/// `CREATE VIEW v AS SELECT a, b AS x FROM t`: one or two columns, sometimes renamed.
fn create_view(rng: &mut Rng, m: &mut Model) -> Option<String> {
    if m.tables.is_empty() {
        return None;
    }
    let name = m.fresh("v");
    let ti = rng.below(m.tables.len());
    let mut picked: Vec<usize> = vec![rng.below(m.tables[ti].cols.len())];
    let other = rng.below(m.tables[ti].cols.len());
    if rng.chance(50) && !picked.contains(&other) {
        picked.push(other);
    }
    let mut items = Vec::new();
    for ci in picked {
        let alias = rng.chance(30).then(|| m.fresh("a"));
        let col = &mut m.tables[ti].cols[ci];
        col.pinned = true;
        items.push(match alias {
            Some(a) => format!("{} AS {a}", col.name),
            None => col.name.clone(),
        });
    }
    let table = m.tables[ti].name.clone();
    let sql = format!(
        "CREATE VIEW {name} AS SELECT {} FROM {table}",
        items.join(", ")
    );
    m.views.push(ViewM { name, table });
    Some(sql)
}

fn drop_view(rng: &mut Rng, m: &mut Model) -> Option<String> {
    if m.views.is_empty() {
        return None;
    }
    let v = m.views.remove(rng.below(m.views.len()));
    Some(format!("DROP VIEW {}", v.name))
}

fn rename_view(rng: &mut Rng, m: &mut Model) -> Option<String> {
    if m.views.is_empty() {
        return None;
    }
    let new = m.fresh("v");
    let at = rng.below(m.views.len());
    let view = &mut m.views[at];
    // PostgreSQL renames a view with ALTER TABLE too.
    let verb = if rng.chance(20) { "TABLE" } else { "VIEW" };
    let sql = format!("ALTER {verb} {} RENAME TO {new}", view.name);
    view.name = new;
    Some(sql)
}

/// `CREATE DOMAIN d AS base [NOT NULL] [CHECK (…)]`; columns may then use it as a type.
fn create_domain(rng: &mut Rng, m: &mut Model) -> Option<String> {
    let name = m.fresh("d");
    let base = *rng.pick(&[
        "integer",
        "bigint",
        "text",
        "varchar(20)",
        "numeric(10,2)",
        "boolean",
        "date",
    ]);
    let not_null = if rng.chance(20) { " NOT NULL" } else { "" };
    let check = match rng.below(10) {
        0..=1 => " CHECK (VALUE = VALUE)",
        2 => " CHECK (VALUE IS NOT NULL OR VALUE IS NULL)",
        // `NULL` (nullable, said out loud) conflicts with `NOT NULL`.
        3 if not_null.is_empty() => " CONSTRAINT dc CHECK (VALUE IS NOT NULL) NULL",
        _ => "",
    };
    m.domains.push((name.clone(), base.to_owned()));
    Some(format!("CREATE DOMAIN {name} AS {base}{not_null}{check}"))
}

/// `ALTER DOMAIN` SET/DROP NOT NULL (the tables are empty), ADD/DROP CONSTRAINT, SET/DROP
/// DEFAULT or RENAME TO; an unused domain may be dropped.
fn alter_domain(rng: &mut Rng, m: &mut Model) -> Option<String> {
    if m.domains.is_empty() {
        return None;
    }
    let at = rng.below(m.domains.len());
    let name = m.domains[at].0.clone();
    let used = m.tables.iter().any(|t| t.cols.iter().any(|c| c.ty == name));
    match rng.below(8) {
        4 => {
            let c = m.fresh("dc");
            Some(format!(
                "ALTER DOMAIN {name} ADD CONSTRAINT {c} CHECK (VALUE IS NOT NULL OR VALUE = VALUE)"
            ))
        }
        5 => Some(format!(
            "ALTER DOMAIN {name} DROP CONSTRAINT IF EXISTS dc{}",
            rng.below(m.counter + 1)
        )),
        6 => Some(format!("ALTER DOMAIN {name} SET DEFAULT NULL")),
        7 => Some(format!("ALTER DOMAIN {name} DROP DEFAULT")),
        0 => Some(format!("ALTER DOMAIN {name} SET NOT NULL")),
        1 => Some(format!("ALTER DOMAIN {name} DROP NOT NULL")),
        2 if !used => {
            m.domains.remove(at);
            Some(format!("DROP DOMAIN {name}"))
        }
        _ => {
            let new = m.fresh("d");
            for c in m.tables.iter_mut().flat_map(|t| t.cols.iter_mut()) {
                if c.ty == name {
                    c.ty = new.clone();
                }
            }
            m.domains[at].0 = new.clone();
            Some(format!("ALTER DOMAIN {name} RENAME TO {new}"))
        }
    }
}

fn create_schema(m: &mut Model) -> String {
    let name = m.fresh("s");
    m.schemas.push(name.clone());
    format!("CREATE SCHEMA {name}")
}

/// `ALTER TABLE t SET SCHEMA s` (or back to `public`): its indexes move with it, foreign
/// keys and views keep referring to it.
fn set_schema(rng: &mut Rng, m: &mut Model) -> Option<String> {
    if m.tables.is_empty() || m.schemas.is_empty() {
        return None;
    }
    let ti = rng.below(m.tables.len());
    let old = m.tables[ti].name.clone();
    let here = old.rsplit_once('.').map(|(s, _)| s.to_owned());
    let mut targets: Vec<String> = m.schemas.clone();
    targets.push("public".into());
    targets.retain(|s| Some(s) != here.as_ref() && !(here.is_none() && s == "public"));
    let target = rng.pick(&targets).clone();
    let new = if target == "public" {
        bare(&old).to_owned()
    } else {
        format!("{target}.{}", bare(&old))
    };
    m.tables[ti].name = new.clone();
    for index in m.indexes.iter_mut().filter(|i| i.table == old) {
        index.name = if target == "public" {
            bare(&index.name).to_owned()
        } else {
            format!("{target}.{}", bare(&index.name))
        };
    }
    m.table_renamed(&old, &new);
    Some(format!("ALTER TABLE {old} SET SCHEMA {target}"))
}
