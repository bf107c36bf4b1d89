// SQLite: an unknown column, an argument of the wrong storage class, a missing query file.
fn main() {
    from_file();
    let _ = migrate_runtime::query!("SELECT id, bodyy FROM notes");
    let _ = migrate_runtime::query!("SELECT body FROM notes WHERE id = ?", "one");
}

// A query file that does not exist.
fn from_file() {
    let _ = migrate_runtime::query_file!("queries/nowhere.sql");
}
