CREATE TABLE users (id bigint PRIMARY KEY);
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT id FROM users LOOP
    EXECUTE format('CREATE TABLE user_%s (id int)', r.id);
  END LOOP;
END $$;
ALTER TABLE nowhere ADD COLUMN x int;
