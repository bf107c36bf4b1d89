-- The PostgreSQL types the checked queries map beyond the common ones (docs/src/checked-queries.md),
-- an enum and a domain.
CREATE TYPE ticket_state AS ENUM ('open', 'triaged', 'closed');
CREATE DOMAIN contact_email AS TEXT CHECK (VALUE LIKE '%@%');

CREATE TABLE tickets (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    state ticket_state NOT NULL DEFAULT 'open',
    reporter contact_email NOT NULL,
    open_for INTERVAL,
    budget MONEY,
    owner_oid OID,
    opens_at TIME WITH TIME ZONE,
    client INET,
    network CIDR,
    device MACADDR,
    flags BIT(3),
    mask VARBIT,
    seats INT4RANGE,
    ids INT8RANGE,
    days DATERANGE,
    stamps TSRANGE,
    moments TSTZRANGE,
    snoozes INTERVAL[]
);
