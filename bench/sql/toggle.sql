-- PATCH /api/{user_id}/tasks/{id}/complete: the one statement the server runs, gate
-- and update, over the same 100 tasks the load generator toggles.
\set i random(1, 100)
UPDATE tasks SET
    completed = coalesce(NULL::boolean, NOT completed),
    updated_at = greatest(now(), updated_at + interval '1 microsecond')
WHERE (SELECT token_gate(:uid, :iss, :jti, true, true, now())) AND user_id = :uid
  AND id = (:ids::uuid[])[:i]
RETURNING id, user_id, title, description, completed, created_at, updated_at;
