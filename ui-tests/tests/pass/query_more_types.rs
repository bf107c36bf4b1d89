// PostgreSQL types beyond the common ones read as sqlx decodes them (with migrate-runtime's
// features `chrono`, `ipnetwork`, `mac_address`, `bit-vec`), a domain as its base type, an
// enum through the query's override; arguments are checked against the same types (an enum's:
// a #[derive(DbEnum)] enum of that SQL type).
use migrate_runtime::DbEnum;
use sqlx::postgres::types::{Oid, PgInterval, PgMoney, PgRange, PgTimeTz};
use sqlx::types::BitVec;
use sqlx::types::chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use sqlx::types::ipnetwork::IpNetwork;
use sqlx::types::mac_address::MacAddress;

#[derive(Debug, Clone, Copy, PartialEq, Eq, DbEnum)]
#[sqlx(type_name = "ticket_state", rename_all = "snake_case")]
enum State {
    Open,
    Triaged,
    Closed,
}

// What `#[derive(sqlx::Type)]` would generate (this crate builds sqlx without `derive`).
impl sqlx::Type<sqlx::Postgres> for State {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        sqlx::postgres::PgTypeInfo::with_name("ticket_state")
    }
}

impl sqlx::Encode<'_, sqlx::Postgres> for State {
    fn encode_by_ref(
        &self,
        buf: &mut sqlx::postgres::PgArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        let label = match self {
            State::Open => "open",
            State::Triaged => "triaged",
            State::Closed => "closed",
        };
        <&str as sqlx::Encode<sqlx::Postgres>>::encode(label, buf)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Postgres> for State {
    fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        Ok(match <&str as sqlx::Decode<sqlx::Postgres>>::decode(value)? {
            "open" => State::Open,
            "triaged" => State::Triaged,
            _ => State::Closed,
        })
    }
}

async fn read(pool: &sqlx::PgPool, every: PgInterval, seats: PgRange<i32>, client: IpNetwork) {
    let t = migrate_runtime::query!(
        r#"SELECT id, state AS "state: State", reporter, open_for, budget, owner_oid, opens_at,
                  client, network, device, flags, mask, seats, ids, days, stamps, moments, snoozes
           FROM tickets
           WHERE reporter = $1 AND open_for > $2 AND seats = $3 AND client = $4
             AND state IN ('open', 'triaged') AND snoozes = $5 AND state <> $6"#,
        "a@example.com",
        &every,
        seats,
        Some(client),
        vec![every.clone()],
        Some(State::Closed)
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let _: (i64, State, String) = (t.id, t.state, t.reporter);
    let _: (Option<PgInterval>, Option<PgMoney>, Option<Oid>) = (t.open_for, t.budget, t.owner_oid);
    let _: Option<PgTimeTz<NaiveTime, FixedOffset>> = t.opens_at;
    let _: (Option<IpNetwork>, Option<IpNetwork>) = (t.client, t.network);
    let _: (Option<MacAddress>, Option<BitVec>, Option<BitVec>) = (t.device, t.flags, t.mask);
    let _: (Option<PgRange<i32>>, Option<PgRange<i64>>) = (t.seats, t.ids);
    let _: Option<PgRange<NaiveDate>> = t.days;
    let _: Option<PgRange<NaiveDateTime>> = t.stamps;
    let _: Option<PgRange<DateTime<Utc>>> = t.moments;
    let _: Option<Vec<PgInterval>> = t.snoozes;
}

fn main() {
    let _ = read;
    let _ = (State::Open, State::Triaged, State::Closed);
}
