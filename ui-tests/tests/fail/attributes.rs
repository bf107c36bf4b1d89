#[derive(migrate_runtime::Table)]
#[migrate(table = "users")]
struct User {
    #[migrate(sql_type = "integer")]
    id: i64,
    #[migrate(nullable)]
    email: String,
}

#[derive(migrate_runtime::Table)]
#[migrate(table = "users")]
#[sqlx(rename_all = "Train-Case")]
struct Other {
    id: i64,
}

fn main() {}
