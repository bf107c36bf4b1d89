// MySQL: an unsigned column reads into no signed type, a TIMESTAMP into no naive type, a
// DECIMAL into no float.
use migrate_runtime::Table;

#[derive(Table)]
#[migrate(table = "tasks")]
struct Task {
    id: i64,
    cost: Option<f64>,
    created_at: chrono::NaiveDateTime,
}

fn main() {}
