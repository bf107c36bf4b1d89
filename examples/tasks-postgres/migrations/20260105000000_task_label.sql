-- A function: the checked queries type its calls by this declaration (text, and STRICT:
-- NOT NULL when its arguments are).
CREATE FUNCTION task_label(title text, status task_status) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT title || ' [' || status || ']' $$;
