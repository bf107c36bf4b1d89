// SQLite: an unknown column, an argument of the wrong storage class, a missing query file, a
// built-in function called with a wrong number of arguments.
fn main() {
    from_file();
    let _ = migrate_runtime::query!("SELECT id, bodyy FROM notes");
    let _ = migrate_runtime::query!("SELECT body FROM notes WHERE id = ?", "one");
    let _ = migrate_runtime::query!("SELECT lower(body, 'x') AS l FROM notes");
}

// A query file that does not exist.
fn from_file() {
    let _ = migrate_runtime::query_file!("queries/nowhere.sql");
}
