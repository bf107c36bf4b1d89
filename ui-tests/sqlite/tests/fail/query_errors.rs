// SQLite: an unknown column, and an argument of the wrong storage class.
fn main() {
    let _ = migrate_runtime::query!("SELECT id, bodyy FROM notes");
    let _ = migrate_runtime::query!("SELECT body FROM notes WHERE id = ?", "one");
}
