ALTER TABLE users ALTER COLUMN mfa_enabled DROP DEFAULT;
ALTER TABLE users ALTER COLUMN mfa_enabled TYPE JSONB USING to_jsonb(mfa_enabled);
DROP TABLE projects;
