//! `cargo run -p example-tasks-sqlite [FILE]`: applies the embedded migrations to a SQLite
//! file (created when missing; default `example.db`) and round-trips a row of every checked
//! struct.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let file = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "example.db".to_owned());
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&file)
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options).await?;
    let rows = example_tasks_sqlite::round_trip(&pool).await?;
    println!("{rows:#?}");
    example_tasks_sqlite::check_schema(&pool).await?;
    println!("schema check: the database matches its migrations");
    Ok(())
}
