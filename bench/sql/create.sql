-- POST /api/{user_id}/tasks: the access check, then the insert.
SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE token_id = :jti) AS revoked,
       u.issuer, u.email, u.name
FROM (SELECT 1) AS one LEFT JOIN users u ON u.id = :uid;
INSERT INTO tasks (id, user_id, title, description)
VALUES (gen_random_uuid(), :uid, 'Created under load', NULL)
RETURNING id, user_id, title, description, completed, created_at, updated_at;
