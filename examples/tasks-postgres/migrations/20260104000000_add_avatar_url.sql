ALTER TABLE contacts ADD COLUMN avatar_url TEXT;
