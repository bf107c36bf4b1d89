//! DO blocks whose `IF` asks the system catalogs about the schema so far (PostgreSQL): the
//! replay's interpreter must answer as the database does, or the table the block makes exists
//! on one side only. The generator does not know the answer, so the table is left out of its
//! model (later statements never touch it); the comparison sees it.

use super::generator::{Model, Rng, bare};

/// `CREATE SEQUENCE qN` (in a schema of the model, sometimes), `DROP SEQUENCE`, or
/// `ALTER SEQUENCE … RENAME TO`: sequences the catalog questions may ask about.
pub fn sequence(rng: &mut Rng, m: &mut Model) -> Option<String> {
    if m.sequences.is_empty() || rng.chance(50) {
        let name = m.fresh("q");
        let name = match (rng.chance(30), m.schemas.is_empty()) {
            (true, false) => format!("{}.{name}", rng.pick(&m.schemas)),
            _ => name,
        };
        m.sequences.push(name.clone());
        return Some(format!("CREATE SEQUENCE {name}"));
    }
    let at = rng.below(m.sequences.len());
    if rng.chance(50) {
        let name = m.sequences.remove(at);
        return Some(format!("DROP SEQUENCE {name}"));
    }
    let new = m.fresh("q");
    let old = m.sequences[at].clone();
    m.sequences[at] = match old.rsplit_once('.') {
        Some((schema, _)) => format!("{schema}.{new}"),
        None => new.clone(),
    };
    Some(format!("ALTER SEQUENCE {old} RENAME TO {new}"))
}

/// `DO $$ BEGIN IF [NOT] <catalog question> THEN CREATE TABLE gN (id int); END IF; END $$`.
pub fn do_block(rng: &mut Rng, m: &mut Model) -> Option<String> {
    let condition = condition(rng, m);
    let not = if rng.chance(30) { "NOT " } else { "" };
    let made = m.fresh("g");
    Some(format!(
        "DO $$ BEGIN IF {not}{condition} THEN CREATE TABLE {made} (id int); END IF; END $$"
    ))
}

/// A name the model has (of the kind asked about, or another kind), or one nobody made.
fn some_name(rng: &mut Rng, m: &Model) -> String {
    let mut names: Vec<String> = m.tables.iter().map(|t| bare(&t.name).to_owned()).collect();
    names.extend(m.indexes.iter().map(|i| bare(&i.name).to_owned()));
    names.extend(m.views.iter().map(|v| v.name.clone()));
    names.extend(m.domains.iter().map(|d| d.0.clone()));
    names.extend(m.enums.iter().map(|e| e.0.clone()));
    names.extend(m.sequences.iter().map(|s| bare(s).to_owned()));
    names.extend(
        m.tables
            .iter()
            .flat_map(|t| t.named.iter().map(|(n, _)| n.clone())),
    );
    for t in &m.tables {
        let t = bare(&t.name);
        names.push(format!("{t}_pkey"));
        names.push(format!("{t}_id_seq"));
    }
    if names.is_empty() || rng.chance(15) {
        return "nobody_made_this".to_owned();
    }
    rng.pick(&names).clone()
}

fn condition(rng: &mut Rng, m: &Model) -> String {
    let name = some_name(rng, m);
    let exists =
        |from: &str, filter: String| format!("EXISTS (SELECT 1 FROM {from} WHERE {filter})");
    match rng.below(10) {
        0 => {
            let schema = m
                .tables
                .iter()
                .find(|t| bare(&t.name) == name)
                .and_then(|t| t.name.rsplit_once('.').map(|(s, _)| s.to_owned()))
                .unwrap_or_else(|| "public".to_owned());
            exists(
                "pg_tables",
                format!("schemaname = '{schema}' AND tablename = '{name}'"),
            )
        }
        1 => {
            let kind = rng.pick(&["r", "i", "v", "S"]);
            exists(
                "pg_class",
                format!("relname = '{name}' AND relkind = '{kind}'"),
            )
        }
        2 => exists("pg_indexes", format!("indexname = '{name}'")),
        3 => {
            let typname = if rng.chance(40) {
                (*rng.pick(&["int4", "integer", "_text", "tstzrange", "numeric", "mood"]))
                    .to_owned()
            } else {
                name
            };
            exists("pg_type", format!("typname = '{typname}'"))
        }
        4 => exists("pg_constraint", format!("conname = '{name}'")),
        5 => exists("pg_sequences", format!("sequencename = '{name}'")),
        6 => exists(
            "information_schema.sequences",
            format!("sequence_name = '{name}'"),
        ),
        7 => {
            let column = m
                .tables
                .iter()
                .find(|t| bare(&t.name) == name)
                .and_then(|t| t.cols.first().map(|c| c.name.clone()))
                .unwrap_or_else(|| "id".to_owned());
            exists(
                "information_schema.columns",
                format!("table_name = '{name}' AND column_name = '{column}'"),
            )
        }
        8 => exists(
            "information_schema.tables",
            format!("table_name = '{name}'"),
        ),
        _ => format!("to_regclass('{name}') IS NULL"),
    }
}
