//! What the three example applications share, whatever their database (each includes this file
//! with `#[path]`): the verdict of the startup schema check, and the `SELECT` of a checked struct.

use migrate_runtime::VerifyReport;

/// The startup check's verdict on [`migrate_runtime::Migrator::verify`]'s report: every embedded
/// migration applied, and the database exactly the schema they produce.
pub fn require_clean(report: VerifyReport) -> Result<(), Box<dyn std::error::Error>> {
    if !report.pending.is_empty() {
        return Err(format!("migrations not applied yet: {:?}", report.pending).into());
    }
    if !report.is_clean() {
        let problems: Vec<String> = report.differences.iter().map(ToString::to_string).collect();
        return Err(format!(
            "the database differs from its migrations ({} history problem(s)): {}",
            report.history_problems.len(),
            problems.join("; ")
        )
        .into());
    }
    Ok(())
}

/// `SELECT <the struct's columns> FROM <its table>`. Both come from the derive, which checked
/// them against the migrations, so the string is not user input.
pub fn select(table: &str, columns: &[&str]) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(format!("SELECT {} FROM {table}", columns.join(", ")))
}

/// One row of a checked struct: `SELECT` its columns from its table (a struct that flattens
/// another names the flattened one's columns too, `extra`).
pub async fn read_one<T, DB>(pool: &sqlx::Pool<DB>, extra: &[&str]) -> Result<T, sqlx::Error>
where
    DB: sqlx::Database,
    T: migrate_runtime::Table + for<'r> sqlx::FromRow<'r, DB::Row> + Send + Unpin,
    for<'c> &'c sqlx::Pool<DB>: sqlx::Executor<'c, Database = DB>,
    DB::Arguments: sqlx::IntoArguments<DB>,
{
    let columns = [T::COLUMNS, extra].concat();
    sqlx::query_as(select(T::TABLE, &columns))
        .fetch_one(pool)
        .await
}
