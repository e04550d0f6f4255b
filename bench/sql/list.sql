-- GET /api/{user_id}/tasks: the one statement the server runs (app/src/tasks/db.rs,
-- created desc, first page of `?limit=100`), the gate of app/src/auth/gate.rs at its head.
SELECT id, user_id, title, description, completed, created_at, updated_at
FROM tasks
WHERE (SELECT token_gate(:uid, :iss, :jti, true, true, now())) AND user_id = :uid
  AND (NULL::boolean IS NULL OR completed = NULL::boolean)
  AND (created_at, id) < ('9999-12-31 23:59:59+00'::timestamptz, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid)
ORDER BY created_at DESC, id DESC LIMIT 101;
