//! `CHECK (col IN (…))` lists: a value must pass every one still in force.

use migrate_runtime::DbEnum;

/// Allowed by the column's own check, refused by `jobs_state_short`.
#[derive(DbEnum)]
#[migrate(check = "jobs.state")]
#[sqlx(rename_all = "lowercase")]
enum State {
    Pending,
    Done,
    Cancelled,
}

/// A new state that is no spelling of a label: no rename is suggested.
#[derive(DbEnum)]
#[migrate(check = "jobs.state")]
#[sqlx(rename_all = "lowercase")]
enum Retry {
    Pending,
    Done,
    Retrying,
}

#[derive(DbEnum)]
#[migrate(check = "jobs")]
enum NoColumn {
    A,
}

#[derive(DbEnum)]
#[migrate(check = "nope.state")]
enum NoTable {
    A,
}

#[derive(DbEnum)]
#[migrate(check = "jobs.nope")]
enum MissingColumn {
    A,
}

#[derive(DbEnum)]
#[migrate(check = "tasks.title")]
enum NoList {
    A,
}

fn main() {}
