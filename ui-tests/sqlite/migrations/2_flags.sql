CREATE TABLE flags (
    id INTEGER PRIMARY KEY,
    private BOOLEAN,
    level INTEGER NOT NULL
);
