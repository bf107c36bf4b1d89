//! The random-DDL generator's model of the schema, its columns, tables and constraints.

use migrate_runtime::Dialect;

use super::alter::statement;

/// xorshift64*: small, seedable, good enough to pick statements.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[derive(Clone)]
pub struct Col {
    pub name: String,
    pub ty: String,
    pub not_null: bool,
    pub default: bool,
    /// In the primary key, a unique constraint or a foreign key (either side): never dropped
    /// and never changes type.
    pub key: bool,
    /// The primary key on its own: foreign keys may refer to it.
    pub pk: bool,
    /// A foreign key on it refers to this table.
    pub refs: Option<String>,
    /// Used by an index or a view: never dropped and never changes type (PostgreSQL refuses
    /// both for a view's column, SQLite refuses to drop an indexed column).
    pub pinned: bool,
}

#[derive(Clone)]
pub struct Tbl {
    /// `t3`, or `s5.t3` once moved by `SET SCHEMA`.
    pub name: String,
    pub cols: Vec<Col>,
    pub has_pk: bool,
    /// Constraints created with a name, and the columns they use: `DROP CONSTRAINT` may name
    /// them; dropping one of the columns drops them.
    pub named: Vec<(String, Vec<String>)>,
}

#[derive(Default)]
pub struct Model {
    pub tables: Vec<Tbl>,
    pub enums: Vec<(String, Vec<String>)>,
    /// Indexes created with a name (`s5.i4` in a schema): `DROP INDEX` may name them.
    pub indexes: Vec<Idx>,
    pub views: Vec<ViewM>,
    /// `(name, base type)`.
    pub domains: Vec<(String, String)>,
    pub schemas: Vec<String>,
    /// Sequences made by `CREATE SEQUENCE` (`s5.q3` in a schema).
    pub sequences: Vec<String>,
    pub counter: usize,
}

#[derive(Clone)]
pub struct Idx {
    pub name: String,
    pub table: String,
}

#[derive(Clone)]
pub struct ViewM {
    pub name: String,
    pub table: String,
}

impl Model {
    pub fn fresh(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}{}", self.counter)
    }

    /// A domain's base type, else the type itself.
    pub fn base_of<'a>(&'a self, ty: &'a str) -> &'a str {
        self.domains
            .iter()
            .find(|d| d.0 == ty)
            .map_or(ty, |d| d.1.as_str())
    }

    /// After a table's rename or move: what refers to it follows.
    pub fn table_renamed(&mut self, old: &str, new: &str) {
        for c in self.tables.iter_mut().flat_map(|t| t.cols.iter_mut()) {
            if c.refs.as_deref() == Some(old) {
                c.refs = Some(new.to_owned());
            }
        }
        for i in self.indexes.iter_mut().filter(|i| i.table == old) {
            i.table = new.to_owned();
        }
        for v in self.views.iter_mut().filter(|v| v.table == old) {
            v.table = new.to_owned();
        }
    }
}

/// `s5.t3` -> `t3`.
pub fn bare(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(_, n)| n)
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

pub fn default_for(ty: &str, labels: Option<&[String]>) -> &'static str {
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
        "int4range" => "'empty'",
        _ => "'x'",
    }
}

/// A new column that refers to the primary key of a table of the model (not `except`), and
/// its definition; `None` when no table has a single-column primary key.
pub fn reference(
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
        pinned: false,
    };
    (
        Some(col),
        format!("{name} {ty}{named} REFERENCES {parent} ({key}){action}"),
    )
}

/// Constraint statements: checks, unique constraints and foreign keys added by ALTER TABLE,
/// and named ones dropped. `None` when the model has nothing to apply one to.
pub fn constraint_statement(rng: &mut Rng, m: &mut Model, dialect: Dialect) -> Option<String> {
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
            pinned: false,
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
    let sql = match rng.below(6) {
        5 => {
            // A range column with an exclusion constraint on it (`&&` needs no extension):
            // named or PostgreSQL's default name, on the column or an expression, partial.
            let col = format!("c{}", {
                m.counter += 1;
                m.counter
            });
            let t = &mut m.tables[ti];
            t.cols.push(Col {
                name: col.clone(),
                ty: "int4range".into(),
                not_null: false,
                default: false,
                key: true,
                pk: false,
                refs: None,
                pinned: false,
            });
            let key = if rng.chance(30) {
                format!("({col} * {col})")
            } else {
                col.clone()
            };
            let predicate = if rng.chance(30) {
                format!(" WHERE ({col} IS NOT NULL)")
            } else {
                String::new()
            };
            let constraint = match &named {
                Some(n) => format!("CONSTRAINT {n} "),
                None => String::new(),
            };
            uses = vec![col.clone()];
            format!(
                "ALTER TABLE {} ADD COLUMN {col} int4range, ADD {constraint}EXCLUDE USING gist \
                 ({key} WITH &&){predicate}",
                t.name
            )
        }
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

pub fn pick_type(rng: &mut Rng, m: &Model, dialect: Dialect) -> String {
    if dialect == Dialect::Postgres && !m.enums.is_empty() && rng.chance(20) {
        return rng.pick(&m.enums).0.clone();
    }
    if dialect == Dialect::Postgres && !m.domains.is_empty() && rng.chance(15) {
        return rng.pick(&m.domains).0.clone();
    }
    let types = if dialect == Dialect::Postgres {
        PG_TYPES
    } else {
        SQLITE_TYPES
    };
    (*rng.pick(types)).to_owned()
}

/// A new column and its definition. SQLite cannot add a NOT NULL column without a default.
pub fn column(rng: &mut Rng, m: &mut Model, dialect: Dialect, creating: bool) -> (Col, String) {
    let name = m.fresh("c");
    let ty = pick_type(rng, m, dialect);
    let labels = m.enums.iter().find(|e| e.0 == ty).map(|e| e.1.clone());
    let base = m.base_of(&ty).to_owned();
    let mut default = rng.chance(30);
    let mut not_null = rng.chance(40);
    if !creating && dialect == Dialect::Sqlite && not_null {
        default = true;
    }
    let value = match default_for(&base, labels.as_deref()) {
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
        pinned: false,
    };
    (col, def)
}

pub fn create_table(rng: &mut Rng, m: &mut Model, dialect: Dialect) -> String {
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
            pinned: false,
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

pub fn generate(seed: u64, dialect: Dialect) -> Vec<String> {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut model = Model::default();
    let len = 2 + rng.below(10);
    (0..len)
        .map(|_| statement(&mut rng, &mut model, dialect))
        .collect()
}
