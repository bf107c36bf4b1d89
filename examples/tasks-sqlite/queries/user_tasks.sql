-- The tasks of a user, newest first.
SELECT id, title, due
FROM tasks
WHERE user_id = ?
ORDER BY id DESC
