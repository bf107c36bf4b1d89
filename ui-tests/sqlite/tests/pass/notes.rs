use migrate_runtime::{DbEnum, Table};

/// A text column with a CHECK list stands in for an enum type.
#[derive(DbEnum)]
#[migrate(check = "notes.kind")]
#[sqlx(rename_all = "lowercase")]
enum Kind {
    Todo,
    Done,
}

/// By affinity: INTEGER PRIMARY KEY (the rowid, never NULL), TEXT, a nullable REAL, a
/// DATETIME (NUMERIC affinity) read as text; the untyped column marked unchecked.
#[derive(Table)]
#[migrate(table = "notes")]
struct Note {
    id: i64,
    body: String,
    score: Option<f64>,
    kind: Kind,
    created_at: String,
    #[migrate(unchecked)]
    payload: Option<Vec<u8>>,
}

/// STRICT tables are exact; an ANY column is confirmed with its type.
#[derive(Table)]
#[migrate(table = "readings")]
struct Reading {
    id: i64,
    #[migrate(sql_type = "ANY")]
    value: f64,
    label: Option<String>,
}

fn main() {}
