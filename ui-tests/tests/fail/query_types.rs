// An argument of the wrong type for its parameter, a `query_as!` struct with a field no
// result column fills, and a column whose Rust type needs a feature of migrate-runtime that
// is off (numeric: rust_decimal or bigdecimal).
struct User {
    id: i64,
    email: String,
    display_name: Option<String>,
}

fn main() {
    let _ = migrate_runtime::query!("SELECT email FROM users WHERE id = $1", "1");
    let _ = migrate_runtime::query_as!(User, "SELECT id, email FROM users WHERE email = $1", "a@b.c");
    let _ = migrate_runtime::query_scalar!("SELECT 1.5::numeric AS amount");
}
