-- PATCH /api/{user_id}/tasks/{id}/complete: the access check, then the update, over the
-- same 100 tasks the load generator toggles.
\set i random(1, 100)
SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE token_id = :jti) AS revoked,
       u.issuer, u.email, u.name
FROM (SELECT 1) AS one LEFT JOIN users u ON u.id = :uid;
UPDATE tasks SET
    completed = coalesce(NULL::boolean, NOT completed),
    updated_at = greatest(now(), updated_at + interval '1 microsecond')
WHERE user_id = :uid AND id = (:ids::uuid[])[:i]
RETURNING id, user_id, title, description, completed, created_at, updated_at;
