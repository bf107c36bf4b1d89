//! Random DDL sequences, run on the real database and through the replay: the two must agree.
//!
//! Each sequence is generated from a model of the schema so every statement is valid (the
//! database accepts it); each statement is its own migration, as a team would write them.
//! A disagreement shrinks to a minimal sequence (statements dropped one at a time while the
//! disagreement remains and the database still accepts the rest), which the failure prints.
//! Constraints are part of it: unique constraints, foreign keys (with actions) and checks,
//! named and unnamed, so PostgreSQL's default names are compared too.
//! `MIGRATE_PROPERTY_CASES` sets the number of sequences per database (default 150), and
//! `MIGRATE_PROPERTY_SEED` the first seed.

use migrate_core::diff::diff;
use migrate_core::replay::replay;
use migrate_runtime::{
    AnyConnection, ConnectOptions, Dialect, Driver, Migration, Script, introspect,
};
use migrate_tests::{constraint_names, pg_database, sqlite_database};

/// xorshift64*: small, seedable, good enough to pick statements.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[derive(Clone)]
struct Col {
    name: String,
    ty: String,
    not_null: bool,
    default: bool,
    /// In the primary key, a unique constraint or a foreign key (either side): never dropped
    /// and never changes type.
    key: bool,
    /// The primary key on its own: foreign keys may refer to it.
    pk: bool,
    /// A foreign key on it refers to this table.
    refs: Option<String>,
}

#[derive(Clone)]
struct Tbl {
    name: String,
    cols: Vec<Col>,
    has_pk: bool,
    /// Constraints created with a name, and the columns they use: `DROP CONSTRAINT` may name
    /// them; dropping one of the columns drops them.
    named: Vec<(String, Vec<String>)>,
}

#[derive(Default)]
struct Model {
    tables: Vec<Tbl>,
    enums: Vec<(String, Vec<String>)>,
    counter: usize,
}

impl Model {
    fn fresh(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}{}", self.counter)
    }
}

const PG_TYPES: &[&str] = &[
    "integer",
    "bigint",
    "smallint",
    "text",
    "varchar(20)",
    "boolean",
    "timestamptz",
    "date",
    "jsonb",
    "numeric(10,2)",
    "uuid",
    "text[]",
    "double precision",
];
const SQLITE_TYPES: &[&str] = &[
    "INTEGER",
    "TEXT",
    "REAL",
    "BLOB",
    "NUMERIC",
    "VARCHAR(20)",
    "BOOLEAN",
    "DATETIME",
    "INT",
];

fn default_for(ty: &str, labels: Option<&[String]>) -> &'static str {
    if let Some(labels) = labels {
        return if labels.is_empty() { "NULL" } else { "LABEL" };
    }
    match ty {
        "integer" | "bigint" | "smallint" | "INTEGER" | "INT" | "NUMERIC" | "numeric(10,2)" => "0",
        "REAL" | "double precision" => "1.5",
        "boolean" | "BOOLEAN" => "false",
        "timestamptz" | "DATETIME" => "CURRENT_TIMESTAMP",
        "date" => "CURRENT_DATE",
        "jsonb" => "'{}'",
        "uuid" => "'00000000-0000-0000-0000-000000000000'",
        "text[]" => "'{}'",
        _ => "'x'",
    }
}

/// One random statement valid against the model, applied to the model.
fn statement(rng: &mut Rng, m: &mut Model, dialect: Dialect) -> String {
    let pg = dialect == Dialect::Postgres;
    loop {
        let choice = rng.below(if pg { 16 } else { 8 });
        let has_table = !m.tables.is_empty();
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
                if referenced && !pg {
                    continue;
                }
                m.tables.remove(i);
                for c in m.tables.iter_mut().flat_map(|t| t.cols.iter_mut()) {
                    if c.refs.as_ref() == Some(&name) {
                        c.refs = None; // CASCADE drops the foreign key, not the column
                    }
                }
                let cascade = if referenced { " CASCADE" } else { "" };
                return format!("DROP TABLE {name}{cascade}");
            }
            3 if has_table => {
                let new = m.fresh("t");
                let ti = rng.below(m.tables.len());
                let t = &mut m.tables[ti];
                let sql = format!("ALTER TABLE {} RENAME TO {new}", t.name);
                let old = std::mem::replace(&mut t.name, new.clone());
                for c in m.tables.iter_mut().flat_map(|t| t.cols.iter_mut()) {
                    if c.refs.as_ref() == Some(&old) {
                        c.refs = Some(new.clone());
                    }
                }
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
                let droppable: Vec<usize> = (0..t.cols.len()).filter(|&i| !t.cols[i].key).collect();
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
                if col.default || col.key {
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
                let value = match default_for(&col.ty, labels) {
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

/// A new column that refers to the primary key of a table of the model (not `except`), and
/// its definition; `None` when no table has a single-column primary key.
fn reference(
    rng: &mut Rng,
    m: &mut Model,
    dialect: Dialect,
    except: Option<&str>,
) -> (Option<Col>, String) {
    let parents: Vec<(String, String, String)> = m
        .tables
        .iter()
        .filter(|t| Some(t.name.as_str()) != except)
        .filter_map(|t| {
            let keys: Vec<&Col> = t.cols.iter().filter(|c| c.pk).collect();
            match keys.as_slice() {
                [k] if t.has_pk => Some((t.name.clone(), k.name.clone(), k.ty.clone())),
                _ => None,
            }
        })
        .collect();
    if parents.is_empty() {
        return (None, String::new());
    }
    let (parent, key, key_ty) = rng.pick(&parents).clone();
    let name = m.fresh("c");
    let ty = key_ty; // a BIGSERIAL key is a bigint
    let action = *rng.pick(&[
        "",
        " ON DELETE CASCADE",
        " ON DELETE SET NULL",
        " ON UPDATE RESTRICT",
    ]);
    let named = if dialect == Dialect::Postgres && rng.chance(30) {
        format!(" CONSTRAINT {}", m.fresh("fk"))
    } else {
        String::new()
    };
    let col = Col {
        name: name.clone(),
        ty: ty.clone(),
        not_null: false,
        default: false,
        key: true,
        pk: false,
        refs: Some(parent.clone()),
    };
    (
        Some(col),
        format!("{name} {ty}{named} REFERENCES {parent} ({key}){action}"),
    )
}

/// Constraint statements: checks, unique constraints and foreign keys added by ALTER TABLE,
/// and named ones dropped. `None` when the model has nothing to apply one to.
fn constraint_statement(rng: &mut Rng, m: &mut Model, dialect: Dialect) -> Option<String> {
    if m.tables.is_empty() {
        return None;
    }
    let ti = rng.below(m.tables.len());
    if dialect == Dialect::Sqlite {
        // SQLite adds constraints only with a new column.
        let table = m.tables[ti].name.clone();
        if rng.chance(50) {
            let (col, def) = reference(rng, m, dialect, Some(&table));
            let col = col?;
            m.tables[ti].cols.push(col);
            return Some(format!("ALTER TABLE {table} ADD COLUMN {def}"));
        }
        let name = m.fresh("c");
        m.tables[ti].cols.push(Col {
            name: name.clone(),
            ty: "TEXT".into(),
            not_null: false,
            default: false,
            key: false,
            pk: false,
            refs: None,
        });
        return Some(format!(
            "ALTER TABLE {table} ADD COLUMN {name} TEXT CHECK ({name} IN ('a', 'b'))"
        ));
    }
    let named = rng.chance(40).then(|| m.fresh("k"));
    let t = &mut m.tables[ti];
    let prefix = match &named {
        Some(n) => format!("ALTER TABLE {} ADD CONSTRAINT {n}", t.name),
        None => format!("ALTER TABLE {} ADD", t.name),
    };
    let c = rng.below(t.cols.len());
    let uses: Vec<String>;
    let sql = match rng.below(5) {
        0 if !t.named.is_empty() => {
            let (n, _) = t.named.remove(rng.below(t.named.len()));
            return Some(format!("ALTER TABLE {} DROP CONSTRAINT {n}", t.name));
        }
        1 if t.cols.len() >= 2 => {
            let (a, b) = (
                t.cols[0].name.clone(),
                t.cols[t.cols.len() - 1].name.clone(),
            );
            let sql = format!("{prefix} CHECK ({a} IS NOT NULL OR {b} IS NULL)");
            uses = vec![a, b];
            sql
        }
        2 if t.cols[c].ty.contains("json") => return None,
        2 => {
            t.cols[c].key = true;
            uses = vec![t.cols[c].name.clone()];
            format!("{prefix} UNIQUE ({})", t.cols[c].name)
        }
        3 => {
            let table = t.name.clone();
            let (col, def) = reference(rng, m, dialect, Some(&table));
            let col = col?;
            m.tables[ti].cols.push(col);
            return Some(format!("ALTER TABLE {table} ADD COLUMN {def}"));
        }
        _ => {
            uses = vec![t.cols[c].name.clone()];
            format!(
                "{prefix} CHECK ({} IS NOT NULL OR {} IS NULL)",
                t.cols[c].name, t.cols[c].name
            )
        }
    };
    if let Some(n) = named {
        m.tables[ti].named.push((n, uses));
    }
    Some(sql)
}

fn pick_type(rng: &mut Rng, m: &Model, dialect: Dialect) -> String {
    if dialect == Dialect::Postgres && !m.enums.is_empty() && rng.chance(20) {
        return rng.pick(&m.enums).0.clone();
    }
    let types = if dialect == Dialect::Postgres {
        PG_TYPES
    } else {
        SQLITE_TYPES
    };
    (*rng.pick(types)).to_owned()
}

/// A new column and its definition. SQLite cannot add a NOT NULL column without a default.
fn column(rng: &mut Rng, m: &mut Model, dialect: Dialect, creating: bool) -> (Col, String) {
    let name = m.fresh("c");
    let ty = pick_type(rng, m, dialect);
    let labels = m.enums.iter().find(|e| e.0 == ty).map(|e| e.1.clone());
    let mut default = rng.chance(30);
    let mut not_null = rng.chance(40);
    if !creating && dialect == Dialect::Sqlite && not_null {
        default = true;
    }
    let value = match default_for(&ty, labels.as_deref()) {
        "LABEL" => format!("'{}'", labels.as_ref().unwrap()[0]),
        "NULL" => {
            not_null &= !default;
            "NULL".to_owned()
        }
        "CURRENT_TIMESTAMP" if dialect == Dialect::Sqlite && !creating => {
            default = false; // ADD COLUMN cannot take a non-constant default
            not_null = false;
            String::new()
        }
        other => other.to_owned(),
    };
    let mut def = format!("{name} {ty}");
    if not_null {
        def.push_str(" NOT NULL");
    }
    if default {
        def.push_str(&format!(" DEFAULT {value}"));
    }
    let col = Col {
        name,
        ty,
        not_null,
        default,
        key: false,
        pk: false,
        refs: None,
    };
    (col, def)
}

fn create_table(rng: &mut Rng, m: &mut Model, dialect: Dialect) -> String {
    let name = m.fresh("t");
    let mut cols = Vec::new();
    let mut defs = Vec::new();
    let mut has_pk = false;
    if rng.chance(50) {
        let (id_ty, id_def) = match dialect {
            Dialect::Postgres => ("bigint", "id BIGSERIAL PRIMARY KEY"),
            _ => ("INTEGER", "id INTEGER PRIMARY KEY"),
        };
        cols.push(Col {
            name: "id".into(),
            ty: id_ty.into(),
            not_null: dialect == Dialect::Postgres,
            default: true,
            key: true,
            pk: true,
            refs: None,
        });
        defs.push(id_def.to_owned());
        has_pk = true;
    }
    for _ in 0..1 + rng.below(3) {
        let (mut col, mut def) = column(rng, m, dialect, true);
        if rng.chance(20) && !col.ty.contains("json") {
            def.push_str(" UNIQUE");
            col.key = true;
        } else if rng.chance(20) {
            def.push_str(&format!(
                " CHECK ({} IS NOT NULL OR {} IS NULL)",
                col.name, col.name
            ));
        }
        cols.push(col);
        defs.push(def);
    }
    if rng.chance(30) {
        let (col, def) = reference(rng, m, dialect, None);
        if let Some(col) = col {
            cols.push(col);
            defs.push(def);
        }
    }
    if cols.len() >= 2 && rng.chance(20) {
        let last = cols.len() - 1;
        defs.push(format!(
            "CHECK ({} IS NOT NULL OR {} IS NOT NULL)",
            cols[0].name, cols[last].name
        ));
        if dialect == Dialect::Sqlite {
            // SQLite cannot drop a column a table check names.
            cols[0].key = true;
            cols[last].key = true;
        }
    }
    m.tables.push(Tbl {
        name: name.clone(),
        cols,
        has_pk,
        named: Vec::new(),
    });
    format!("CREATE TABLE {name} ({})", defs.join(", "))
}

fn generate(seed: u64, dialect: Dialect) -> Vec<String> {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut model = Model::default();
    let len = 2 + rng.below(10);
    (0..len)
        .map(|_| statement(&mut rng, &mut model, dialect))
        .collect()
}

/// What comparing a sequence found.
enum Outcome {
    Agree,
    /// The database refused a statement (only while shrinking: the generator never does).
    Rejected(String),
    Differ(Vec<String>),
}

async fn run(conn: &mut AnyConnection, dialect: Dialect, statements: &[String]) -> Outcome {
    let reset = match dialect {
        Dialect::Postgres => "DROP SCHEMA public CASCADE; CREATE SCHEMA public;".to_owned(),
        _ => {
            // Foreign keys off: a table may refer to one dropped before it.
            let tables: Vec<String> = sqlx_tables(conn).await;
            let drops: String = tables
                .iter()
                .map(|t| format!("DROP TABLE \"{t}\";"))
                .collect();
            format!("PRAGMA foreign_keys = OFF;{drops}PRAGMA foreign_keys = ON;")
        }
    };
    if !reset.is_empty() {
        conn.execute(&reset).await.expect("reset the schema");
    }
    for sql in statements {
        if let Err(e) = conn.execute(sql).await {
            return Outcome::Rejected(format!("{sql}: {e:?}"));
        }
    }
    let migrations: Vec<Migration> = statements
        .iter()
        .enumerate()
        .map(|(i, sql)| Migration {
            version: i as i64 + 1,
            name: "m".into(),
            up: Script::parse(
                format!("m/{}.sql", i + 1),
                format!("{sql};\n"),
                dialect,
                false,
            )
            .unwrap(),
            down: None,
            replay: None,
        })
        .collect();
    let replayed = match replay(&migrations, dialect) {
        Ok(schema) => schema,
        Err(e) => return Outcome::Differ(vec![format!("the replay refused it: {e}")]),
    };
    let actual = introspect(conn, "_migrate_history")
        .await
        .expect("introspect");
    let mut differences: Vec<String> = diff(&replayed, &actual)
        .iter()
        .map(ToString::to_string)
        .collect();
    if dialect == Dialect::Postgres && constraint_names(&replayed) != constraint_names(&actual) {
        differences.push(format!(
            "constraint names: replay {:?}, database {:?}",
            constraint_names(&replayed),
            constraint_names(&actual)
        ));
    }
    if differences.is_empty() {
        Outcome::Agree
    } else {
        Outcome::Differ(differences)
    }
}

async fn sqlx_tables(conn: &mut AnyConnection) -> Vec<String> {
    match conn {
        AnyConnection::Sqlite(c) => sqlx::query_scalar(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
        .fetch_all(&mut *c)
        .await
        .unwrap(),
        _ => Vec::new(),
    }
}

/// Drops statements while the sequence still differs (and the database accepts the rest).
async fn shrink(
    conn: &mut AnyConnection,
    dialect: Dialect,
    mut statements: Vec<String>,
) -> (Vec<String>, Vec<String>) {
    let mut differences = Vec::new();
    loop {
        let mut smaller = false;
        for i in 0..statements.len() {
            let mut candidate = statements.clone();
            candidate.remove(i);
            if let Outcome::Differ(d) = run(conn, dialect, &candidate).await {
                statements = candidate;
                differences = d;
                smaller = true;
                break;
            }
        }
        if !smaller {
            if differences.is_empty()
                && let Outcome::Differ(d) = run(conn, dialect, &statements).await
            {
                differences = d;
            }
            return (statements, differences);
        }
    }
}

async fn property(dialect: Dialect, url: &str) {
    let cases: u64 = std::env::var("MIGRATE_PROPERTY_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let first: u64 = std::env::var("MIGRATE_PROPERTY_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let mut conn = AnyConnection::connect(url, &ConnectOptions::default())
        .await
        .unwrap();
    let mut statements_run = 0;
    for seed in first..first + cases {
        let statements = generate(seed, dialect);
        statements_run += statements.len();
        match run(&mut conn, dialect, &statements).await {
            Outcome::Agree => {}
            Outcome::Rejected(e) => panic!(
                "seed {seed}: the generator wrote a statement {dialect} refuses: {e}\n{statements:#?}"
            ),
            Outcome::Differ(_) => {
                let (minimal, differences) = shrink(&mut conn, dialect, statements).await;
                panic!(
                    "seed {seed}: the replay and {dialect} disagree.\nminimal sequence:\n  {}\ndifferences:\n  {}",
                    minimal.join(";\n  "),
                    differences.join("\n  ")
                );
            }
        }
    }
    eprintln!("{dialect}: {cases} random sequences ({statements_run} statements), 0 divergences");
    conn.close().await;
}

#[tokio::test]
async fn random_ddl_replays_like_postgres() {
    let Some(db) = pg_database().await else {
        return;
    };
    property(Dialect::Postgres, &db.url).await;
}

#[tokio::test]
async fn random_ddl_replays_like_sqlite() {
    let db = sqlite_database();
    property(Dialect::Sqlite, &format!("{}?mode=rwc", db.url)).await;
}
