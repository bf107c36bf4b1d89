CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    body TEXT NOT NULL,
    score REAL,
    kind TEXT NOT NULL DEFAULT 'todo' CHECK (kind IN ('todo', 'done')),
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    payload
);

CREATE TABLE readings (
    id INTEGER PRIMARY KEY,
    value ANY NOT NULL,
    label TEXT
) STRICT;
