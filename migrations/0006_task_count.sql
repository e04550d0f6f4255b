-- How many tasks each user keeps, so that the per-user limit is checked without counting
-- rows. Triggers keep it, whatever statement inserts or deletes tasks (a cascade
-- included); an insert that must respect the limit first locks the user's row
-- (`SELECT ... FOR UPDATE`) and compares, so concurrent inserts cannot pass it together.
ALTER TABLE users ADD COLUMN task_count integer NOT NULL DEFAULT 0 CHECK (task_count >= 0);

UPDATE users u SET task_count = c.n
FROM (SELECT user_id, count(*) AS n FROM tasks GROUP BY user_id) c
WHERE u.id = c.user_id;

CREATE FUNCTION tasks_counted_in() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    UPDATE users u SET task_count = u.task_count + c.n
    FROM (SELECT user_id, count(*) AS n FROM added GROUP BY user_id) c
    WHERE u.id = c.user_id;
    RETURN NULL;
END
$$;

CREATE FUNCTION tasks_counted_out() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    UPDATE users u SET task_count = u.task_count - c.n
    FROM (SELECT user_id, count(*) AS n FROM removed GROUP BY user_id) c
    WHERE u.id = c.user_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER tasks_counted_in AFTER INSERT ON tasks
REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION tasks_counted_in();

CREATE TRIGGER tasks_counted_out AFTER DELETE ON tasks
REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION tasks_counted_out();
