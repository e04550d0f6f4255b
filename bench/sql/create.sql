-- POST /api/{user_id}/tasks: the one statement the server runs, gate and insert.
INSERT INTO tasks (id, user_id, title, description)
SELECT gen_random_uuid(), :uid, 'Created under load', NULL
WHERE (SELECT token_gate(:uid, :iss, :jti, true, true))
RETURNING id, user_id, title, description, completed, created_at, updated_at;
