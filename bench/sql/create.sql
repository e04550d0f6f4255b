-- POST /api/{user_id}/tasks: the one statement the server runs, gate, per-user limit
-- (the user's row locked, its count compared; the trigger of migration 0006 adds one)
-- and insert.
WITH owner AS (
    SELECT id FROM users WHERE id = :uid AND task_count < 2147483647 FOR UPDATE
)
INSERT INTO tasks (id, user_id, title, description)
SELECT gen_random_uuid(), owner.id, 'Created under load', NULL FROM owner
WHERE (SELECT token_gate(:uid, :iss, :jti, true, true))
RETURNING id, user_id, title, description, completed, created_at, updated_at;
