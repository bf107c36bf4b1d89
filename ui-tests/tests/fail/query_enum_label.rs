// A string literal that is no label of the enum it is compared with: PostgreSQL would refuse
// it when the query runs (`invalid input value for enum`).
fn main() {
    let _ = migrate_runtime::query!("SELECT id FROM tickets WHERE state = 'pending'");
    let _ = migrate_runtime::query!("UPDATE tickets SET state = 'Closed' WHERE id = $1", 1_i64);
}
