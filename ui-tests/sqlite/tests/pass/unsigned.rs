//! sqlx decodes SQLite integers into unsigned types too.

use migrate_runtime::Table;

#[derive(Table)]
#[migrate(table = "flags")]
struct Flag {
    id: i64,
    private: Option<u8>,
    level: u32,
}

fn main() {}
