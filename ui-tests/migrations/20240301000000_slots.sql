CREATE TABLE slots (
    id UUID PRIMARY KEY,
    span INT4RANGE NOT NULL,
    every INTERVAL,
    payload JSONB NOT NULL
);

-- Two IN-lists on one column: a value must pass both.
CREATE TABLE jobs (
    id BIGSERIAL PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'cancelled'))
);
ALTER TABLE jobs ADD CONSTRAINT jobs_state_short CHECK (state IN ('pending', 'done'));

-- A view whose columns cannot be derived from its query (a join).
CREATE VIEW task_owners AS SELECT t.id, u.email FROM tasks t JOIN users u ON u.id = t.owner_id;

CREATE TABLE archive (id BIGINT PRIMARY KEY, old_title TEXT NOT NULL, legacy TEXT);
ALTER TABLE archive RENAME COLUMN old_title TO title;
ALTER TABLE archive DROP COLUMN legacy;
