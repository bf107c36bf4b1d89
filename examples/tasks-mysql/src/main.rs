//! `DATABASE_URL=mysql://… cargo run -p example-tasks-mysql`: applies the embedded migrations
//! and round-trips a row of every checked struct.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL").map_err(
        |_| "set DATABASE_URL to a MySQL or MariaDB database, e.g. mysql://root@127.0.0.1:3306/test",
    )?;
    let pool = sqlx::MySqlPool::connect(&url).await?;
    let rows = example_tasks_mysql::round_trip(&pool).await?;
    println!("{rows:#?}");
    example_tasks_mysql::check_schema(&pool).await?;
    println!("schema check: the database matches its migrations");
    Ok(())
}
