//! Types the token rules cannot name (an imported `Value`, a type alias, a newtype over
//! another crate's type, sqlx's own PostgreSQL types) are judged through `ColumnType`.

use migrate_runtime::{ColumnType, Kind, Table};
use serde_json::Value;
use sqlx::postgres::types::{PgInterval, PgRange};

type Payload = Value;

/// The book's newtype recipe (docs/src/types.md) over a foreign type.
struct SlotId(uuid::Uuid);
impl ColumnType for SlotId {
    const KIND: Kind = <uuid::Uuid as ColumnType>::KIND;
}

#[derive(Table)]
#[migrate(table = "slots")]
struct Slot {
    id: SlotId,
    span: PgRange<i32>,
    every: Option<PgInterval>,
    payload: Value,
}

#[derive(Table)]
#[migrate(table = "slots")]
struct SlotPayload {
    payload: Payload,
}

fn main() {
    let _ = |s: Slot, p: SlotPayload| (s.id.0, s.span, s.every, s.payload, p.payload);
}
