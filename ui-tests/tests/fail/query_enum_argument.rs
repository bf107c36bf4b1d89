// An argument for a parameter of an enum type must be a #[derive(DbEnum)] enum of that type:
// PostgreSQL refuses text there, and another enum is another type.
use migrate_runtime::DbEnum;

#[derive(Clone, Copy, DbEnum)]
#[sqlx(type_name = "priority", rename_all = "snake_case")]
enum Priority {
    Low,
    High,
}

// What `#[derive(sqlx::Type)]` would generate (this crate builds sqlx without `derive`).
impl sqlx::Type<sqlx::Postgres> for Priority {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        sqlx::postgres::PgTypeInfo::with_name("priority")
    }
}

impl sqlx::Encode<'_, sqlx::Postgres> for Priority {
    fn encode_by_ref(
        &self,
        buf: &mut sqlx::postgres::PgArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        let label = match self {
            Priority::Low => "low",
            Priority::High => "high",
        };
        <&str as sqlx::Encode<sqlx::Postgres>>::encode(label, buf)
    }
}

fn main() {
    let _ = migrate_runtime::query!("UPDATE tickets SET state = $1 WHERE id = $2", "open", 1_i64);
    let _ = migrate_runtime::query!("SELECT id FROM tickets WHERE state = $1", Priority::High);
    let _ = Priority::Low;
}
