-- How many tasks each user keeps, so that the per-user limit (TASKS_MAX_PER_USER) is
-- checked without counting rows. Its own table, not a column of `users`: every request
-- reads the user's row (token_gate), and a row updated at every create would pile up
-- versions that each of those reads walks.
--
-- A statement that inserts tasks counts them itself, in the same statement, with an
-- upsert that adds one only while the count is under the limit: the row's lock makes
-- racing creates see each other, and a create over the limit inserts nothing. Deletes
-- (of any kind, cascades included) are counted by the trigger below.
CREATE TABLE task_counts (
    user_id text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    tasks integer NOT NULL CHECK (tasks >= 0)
);

INSERT INTO task_counts (user_id, tasks)
SELECT user_id, count(*) FROM tasks GROUP BY user_id;

CREATE FUNCTION tasks_uncounted() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    UPDATE task_counts c SET tasks = c.tasks - gone.n
    FROM (SELECT user_id, count(*) AS n FROM removed GROUP BY user_id) gone
    WHERE c.user_id = gone.user_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER tasks_uncounted AFTER DELETE ON tasks
REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION tasks_uncounted();
