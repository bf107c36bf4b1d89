use migrate_runtime::DbEnum;

// The CHECK list allows 'todo' and 'done': 'pending' is refused by the database, and 'done'
// has no variant.
#[derive(DbEnum)]
#[migrate(check = "notes.kind")]
#[sqlx(rename_all = "lowercase")]
enum Kind {
    Todo,
    Pending,
}

fn main() {}
