// MySQL: an unknown column (with the closest name), an argument of the wrong type for the
// column its `?` meets, and one argument too few.
fn main() {
    let _ = migrate_runtime::query!("SELECT id, titel FROM tasks");
    let _ = migrate_runtime::query!("SELECT title FROM tasks WHERE id = ?", -1_i64);
    let _ = migrate_runtime::query!("SELECT title FROM tasks WHERE id = ? AND done = ?", 1_u32);
}
