//! `DATABASE_URL=postgres://… cargo run -p example-tasks-postgres`: applies the embedded
//! migrations and round-trips a row of every checked struct.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL").map_err(
        |_| "set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1/test",
    )?;
    let pool = sqlx::PgPool::connect(&url).await?;
    let rows = example_tasks_postgres::round_trip(&pool).await?;
    println!("{rows:#?}");
    example_tasks_postgres::check_schema(&pool).await?;
    println!("schema check: the database matches its migrations");
    Ok(())
}
