-- POST /api/{user_id}/tasks: the one statement the server runs: the gate, the count of
-- the user's tasks raised while under the limit (migration 0006), and the insert.
WITH counted AS (
    INSERT INTO task_counts AS c (user_id, tasks) VALUES (:uid, 1)
    ON CONFLICT (user_id) DO UPDATE SET tasks = c.tasks + 1 WHERE c.tasks < 2147483647
    RETURNING user_id
)
INSERT INTO tasks (id, user_id, title, description)
SELECT gen_random_uuid(), counted.user_id, 'Created under load', NULL FROM counted
WHERE (SELECT token_gate(:uid, :iss, :jti, true, true, now()))
RETURNING id, user_id, title, description, completed, created_at, updated_at;
