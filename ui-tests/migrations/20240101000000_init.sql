CREATE TYPE task_status AS ENUM ('todo', 'in_progress', 'done');
CREATE TYPE priority AS ENUM ('low', 'high');

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email VARCHAR(320) NOT NULL,
    display_name TEXT,
    mfa_enabled BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE tasks (
    id BIGSERIAL PRIMARY KEY,
    owner_id BIGINT NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    status task_status NOT NULL DEFAULT 'todo',
    priority priority,
    tags TEXT[] NOT NULL DEFAULT '{}',
    meta JSONB,
    due DATE
);

-- Prisma-style quoted names.
CREATE TABLE "Contact" (
    id TEXT PRIMARY KEY,
    "fullName" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE projects (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL);
