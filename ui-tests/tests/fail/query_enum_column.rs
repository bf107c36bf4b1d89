// A column of an enum type needs the Rust enum named in the query, as with sqlx's query!.
fn main() {
    let _ = migrate_runtime::query!("SELECT id, state FROM tickets");
}
