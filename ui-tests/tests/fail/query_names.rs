// Queries naming a column or a table the migrations never made.
fn main() {
    let _ = migrate_runtime::query!("SELECT id, avatar_url FROM users WHERE id = $1", 1_i64);
    let _ = migrate_runtime::query!("SELECT id, emial FROM users");
    let _ = migrate_runtime::query_scalar!("SELECT count(*) FROM user_accounts");
}
