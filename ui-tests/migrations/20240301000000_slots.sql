CREATE TABLE slots (
    id UUID PRIMARY KEY,
    span INT4RANGE NOT NULL,
    every INTERVAL,
    payload JSONB NOT NULL
);
