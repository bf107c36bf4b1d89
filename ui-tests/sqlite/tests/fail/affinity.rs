// SQLite: the declared type's affinity decides what a field can read; a nullable column needs
// an Option; an untyped or ANY column is not passed silently.
use migrate_runtime::Table;

#[derive(Table)]
#[migrate(table = "notes")]
struct Note {
    id: i64,
    body: i64,
    score: f64,
    payload: Vec<u8>,
}

#[derive(Table)]
#[migrate(table = "readings")]
struct Reading {
    value: String,
}

fn main() {}
