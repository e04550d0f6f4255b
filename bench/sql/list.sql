-- GET /api/{user_id}/tasks: what the server runs today, statement for statement
-- (app/src/auth/db.rs `access`, then app/src/tasks/db.rs, created desc, first page).
SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE token_id = :jti) AS revoked,
       u.issuer, u.email, u.name
FROM (SELECT 1) AS one LEFT JOIN users u ON u.id = :uid;
SELECT id, user_id, title, description, completed, created_at, updated_at
FROM tasks
WHERE user_id = :uid AND (NULL::boolean IS NULL OR completed = NULL::boolean)
  AND (created_at, id) < ('9999-12-31 23:59:59+00'::timestamptz, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid)
ORDER BY created_at DESC, id DESC LIMIT 1001;
