//! Random MySQL DDL on the real MariaDB and through the replay: the two must agree (the
//! replayed schema equals the catalog, with the server's index, foreign key and check names).
//! Each sequence is generated from a model of the schema so that the server accepts every
//! statement: tables, columns of every common type (with `NOT NULL`, defaults, positions),
//! `MODIFY`, `CHANGE`, `RENAME COLUMN`, keys (unique, multi-column, prefix, named and unnamed),
//! foreign keys and their implicit indexes, checks, `RENAME INDEX`, `RENAME TABLE`, drops.
//! `MIGRATE_PROPERTY_CASES` sets the number of sequences (default 40), `MIGRATE_PROPERTY_SEED`
//! the first seed (printed).

use migrate_core::diff::diff;
use migrate_core::replay::replay;
use migrate_core::{Dialect, Migration, Script};
use migrate_tests::{constraint_names, mysql_database};
use sqlx::{AssertSqlSafe, Connection, Executor, MySqlConnection};

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
}

/// Types, and a default each accepts.
const TYPES: &[(&str, Option<&str>)] = &[
    ("INT", Some("7")),
    ("INT UNSIGNED", Some("7")),
    ("BIGINT", Some("-3")),
    ("SMALLINT", Some("2")),
    ("TINYINT(1)", Some("TRUE")),
    ("DECIMAL(8,2)", Some("1.5")),
    ("DOUBLE", Some("2.5")),
    ("VARCHAR(40)", Some("'x'")),
    ("CHAR(10)", Some("'y'")),
    ("TEXT", None),
    ("DATE", Some("'2024-01-02'")),
    ("DATETIME", Some("CURRENT_TIMESTAMP")),
    ("ENUM('a','b')", Some("'b'")),
];

struct Col {
    name: String,
    ty: usize,
    /// In an index, a foreign key or a check: not dropped, not redefined.
    pinned: bool,
}

struct Tbl {
    name: String,
    cols: Vec<Col>,
    /// Indexes this model named, which may be dropped or renamed.
    indexes: Vec<String>,
    referenced: bool,
}

fn column_def(rng: &mut Rng, name: &str, ty: usize) -> String {
    let (t, default) = TYPES[ty];
    let mut def = format!("{name} {t}");
    if rng.chance(40) {
        def.push_str(" NOT NULL");
    }
    if let Some(d) = default
        && rng.chance(50)
    {
        def.push_str(&format!(" DEFAULT {d}"));
    }
    def
}

fn generate(seed: u64) -> Vec<String> {
    let mut rng = Rng(seed.wrapping_mul(2_654_435_761).max(1));
    let mut tables: Vec<Tbl> = Vec::new();
    let mut out = Vec::new();
    let mut n = 0;
    let mut fresh = |p: &str| {
        n += 1;
        format!("{p}{n}")
    };
    for _ in 0..12 {
        let choice = if tables.is_empty() { 0 } else { rng.below(11) };
        if choice == 0 || tables.is_empty() {
            let name = fresh("t");
            let mut cols = vec![Col {
                name: "id".into(),
                ty: 0,
                pinned: true,
            }];
            let mut defs = vec!["id INT NOT NULL AUTO_INCREMENT PRIMARY KEY".to_owned()];
            for _ in 0..1 + rng.below(3) {
                let c = fresh("c");
                let ty = rng.below(TYPES.len());
                defs.push(column_def(&mut rng, &c, ty));
                cols.push(Col {
                    name: c,
                    ty,
                    pinned: false,
                });
            }
            out.push(format!("CREATE TABLE {name} ({})", defs.join(", ")));
            tables.push(Tbl {
                name,
                cols,
                indexes: Vec::new(),
                referenced: false,
            });
            continue;
        }
        let ti = rng.below(tables.len());
        let free: Vec<usize> = (0..tables[ti].cols.len())
            .filter(|&i| !tables[ti].cols[i].pinned)
            .collect();
        let t = tables[ti].name.clone();
        match choice {
            1 => {
                let c = fresh("c");
                let ty = rng.below(TYPES.len());
                let mut def = column_def(&mut rng, &c, ty);
                if rng.chance(30) {
                    def.push_str(" FIRST");
                } else if rng.chance(40) {
                    let after = tables[ti].cols[rng.below(tables[ti].cols.len())]
                        .name
                        .clone();
                    def.push_str(&format!(" AFTER {after}"));
                }
                out.push(format!("ALTER TABLE {t} ADD COLUMN {def}"));
                tables[ti].cols.push(Col {
                    name: c,
                    ty,
                    pinned: false,
                });
            }
            2 if !free.is_empty() => {
                let i = free[rng.below(free.len())];
                out.push(format!(
                    "ALTER TABLE {t} DROP COLUMN {}",
                    tables[ti].cols[i].name
                ));
                tables[ti].cols.remove(i);
            }
            3 if !free.is_empty() => {
                let i = free[rng.below(free.len())];
                let ty = rng.below(TYPES.len());
                let name = tables[ti].cols[i].name.clone();
                if rng.chance(50) {
                    let new = fresh("c");
                    let def = column_def(&mut rng, &new, ty);
                    out.push(format!("ALTER TABLE {t} CHANGE {name} {def}"));
                    tables[ti].cols[i].name = new;
                } else {
                    let def = column_def(&mut rng, &name, ty);
                    out.push(format!("ALTER TABLE {t} MODIFY COLUMN {def}"));
                }
                tables[ti].cols[i].ty = ty;
            }
            4 if !free.is_empty() => {
                let i = free[rng.below(free.len())];
                let new = fresh("c");
                out.push(format!(
                    "ALTER TABLE {t} RENAME COLUMN {} TO {new}",
                    tables[ti].cols[i].name
                ));
                tables[ti].cols[i].name = new;
            }
            5 | 6 => {
                let count = 1 + rng.below(2).min(tables[ti].cols.len() - 1);
                let mut keys = Vec::new();
                for _ in 0..count {
                    let i = rng.below(tables[ti].cols.len());
                    let col = &mut tables[ti].cols[i];
                    if keys
                        .iter()
                        .any(|k: &String| k.split('(').next() == Some(col.name.as_str()))
                    {
                        continue;
                    }
                    col.pinned = true;
                    let text = matches!(TYPES[col.ty].0, "TEXT");
                    let prefix = text || (TYPES[col.ty].0.starts_with("VARCHAR") && rng.chance(30));
                    keys.push(if prefix {
                        format!("{}(5)", col.name)
                    } else {
                        col.name.clone()
                    });
                }
                let unique = if rng.chance(30) { "UNIQUE " } else { "" };
                if rng.chance(50) {
                    let name = fresh("ix");
                    if rng.chance(50) {
                        out.push(format!(
                            "CREATE {unique}INDEX {name} ON {t} ({})",
                            keys.join(", ")
                        ));
                    } else {
                        out.push(format!(
                            "ALTER TABLE {t} ADD {unique}INDEX {name} ({})",
                            keys.join(", ")
                        ));
                    }
                    tables[ti].indexes.push(name);
                } else {
                    out.push(format!(
                        "ALTER TABLE {t} ADD {unique}KEY ({})",
                        keys.join(", ")
                    ));
                }
            }
            7 if !tables[ti].indexes.is_empty() => {
                let k = rng.below(tables[ti].indexes.len());
                let old = tables[ti].indexes[k].clone();
                if rng.chance(50) {
                    let new = fresh("ix");
                    out.push(format!("ALTER TABLE {t} RENAME INDEX {old} TO {new}"));
                    tables[ti].indexes[k] = new;
                } else {
                    out.push(format!("DROP INDEX {old} ON {t}"));
                    tables[ti].indexes.remove(k);
                }
            }
            8 => {
                // A foreign key from a new INT column to another table's id.
                let target = rng.below(tables.len());
                let c = fresh("c");
                let name = if rng.chance(50) {
                    format!("CONSTRAINT {} ", fresh("fk"))
                } else {
                    String::new()
                };
                let target_name = tables[target].name.clone();
                out.push(format!(
                    "ALTER TABLE {t} ADD COLUMN {c} INT, ADD {name}FOREIGN KEY ({c}) REFERENCES {target_name} (id){}",
                    if rng.chance(50) { " ON DELETE CASCADE" } else { "" }
                ));
                tables[ti].cols.push(Col {
                    name: c,
                    ty: 0,
                    pinned: true,
                });
                tables[target].referenced = true;
            }
            9 => {
                // Not `id`: MariaDB refuses a check on an AUTO_INCREMENT column.
                let ints: Vec<usize> = (1..tables[ti].cols.len())
                    .filter(|&i| {
                        matches!(
                            TYPES[tables[ti].cols[i].ty].0,
                            "INT" | "BIGINT" | "SMALLINT"
                        )
                    })
                    .collect();
                if let Some(&i) = ints.get(rng.below(ints.len().max(1))) {
                    tables[ti].cols[i].pinned = true;
                    let name = if rng.chance(50) {
                        format!("CONSTRAINT {} ", fresh("ck"))
                    } else {
                        String::new()
                    };
                    out.push(format!(
                        "ALTER TABLE {t} ADD {name}CHECK ({} > -100)",
                        tables[ti].cols[i].name
                    ));
                }
            }
            _ => {
                if tables[ti].referenced || rng.chance(50) {
                    let new = fresh("t");
                    out.push(format!("RENAME TABLE {t} TO {new}"));
                    tables[ti].name = new;
                } else {
                    out.push(format!("DROP TABLE {t}"));
                    tables.remove(ti);
                }
            }
        }
    }
    out
}

/// Runs `statements` on a fresh copy of the test's database `db` and through the replay; the
/// differences, if any.
async fn disagreement(
    conn: &mut MySqlConnection,
    db: &str,
    statements: &[String],
) -> Option<String> {
    conn.execute(sqlx::raw_sql(AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS `{db}`; CREATE DATABASE `{db}`; USE `{db}`"
    ))))
    .await
    .unwrap();
    for sql in statements {
        if let Err(e) = conn
            .execute(sqlx::raw_sql(AssertSqlSafe(sql.clone())))
            .await
        {
            return Some(format!("MariaDB refused `{sql}`: {e}"));
        }
    }
    let migrations: Vec<Migration> = statements
        .iter()
        .enumerate()
        .map(|(i, sql)| Migration {
            version: (i as i64 + 1).into(),
            name: "m".into(),
            up: Script::parse(
                format!("m/{}.sql", i + 1),
                format!("{sql};\n"),
                Dialect::Mysql,
                false,
            )
            .unwrap(),
            down: None,
            replay: None,
        })
        .collect();
    let replayed = match replay(&migrations, Dialect::Mysql) {
        Ok(s) => s,
        Err(e) => return Some(format!("the replay refused it: {e}")),
    };
    let actual = migrate_runtime::introspect(conn, "_migrate_history")
        .await
        .unwrap();
    let mut differences: Vec<String> = diff(&replayed, &actual)
        .iter()
        .map(ToString::to_string)
        .collect();
    if constraint_names(&replayed) != constraint_names(&actual) {
        differences.push(format!(
            "constraint names: replay {:?}, database {:?}",
            constraint_names(&replayed),
            constraint_names(&actual)
        ));
    }
    let names = |s: &migrate_core::schema::Schema| {
        let mut v: Vec<String> = s
            .indexes
            .iter()
            .map(|i| format!("{}.{}", i.table.name, i.name.name))
            .collect();
        v.sort();
        v
    };
    if names(&replayed) != names(&actual) {
        differences.push(format!(
            "index names: replay {:?}, database {:?}",
            names(&replayed),
            names(&actual)
        ));
    }
    (!differences.is_empty()).then(|| differences.join("\n  "))
}

#[tokio::test]
async fn random_ddl_replays_like_mariadb() {
    let Some(db) = mysql_database().await else {
        return;
    };
    let cases: u64 = std::env::var("MIGRATE_PROPERTY_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let first: u64 = std::env::var("MIGRATE_PROPERTY_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64 % 1_000_000_000)
        });
    eprintln!("random DDL on MariaDB: seeds {first}..{}", first + cases);
    let mut conn = MySqlConnection::connect(&db.url).await.unwrap();
    let mut failures = Vec::new();
    let mut refused = 0;
    for seed in first..first + cases {
        let statements = generate(seed);
        if let Some(d) = disagreement(&mut conn, &db.name, &statements).await {
            // The generator does not track which index a foreign key needs (MariaDB keeps the
            // first index that covers its columns and refuses to drop it, error 1553); such a
            // sequence is no migration anyone could apply: counted, not judged.
            if d.starts_with("MariaDB refused") && d.contains("needed in a foreign key constraint")
            {
                refused += 1;
                continue;
            }
            // Shrink: drop statements one at a time while it still disagrees.
            let mut minimal = statements.clone();
            loop {
                let mut smaller = false;
                for i in 0..minimal.len() {
                    let mut candidate = minimal.clone();
                    candidate.remove(i);
                    if let Some(e) = disagreement(&mut conn, &db.name, &candidate).await
                        && !e.starts_with("MariaDB refused")
                    {
                        minimal = candidate;
                        smaller = true;
                        break;
                    }
                }
                if !smaller {
                    break;
                }
            }
            let why = disagreement(&mut conn, &db.name, &minimal)
                .await
                .unwrap_or(d);
            failures.push(format!(
                "seed {seed}:\n  {};\n  -> {why}",
                minimal.join(";\n  ")
            ));
            if failures.len() >= 3 {
                break;
            }
        }
    }
    conn.close().await.unwrap();
    eprintln!(
        "random DDL on MariaDB: {} sequence(s) judged, {refused} refused by the server (an index a foreign key needs dropped)",
        cases - refused
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
