-- Live sync (README, Live sync): every change that matters to an open page announces
-- itself on the channel `todo_live`, from the transaction that makes it. PostgreSQL
-- delivers a notification when that transaction commits, and never if it rolls back;
-- each server instance listens once and forwards to the open streams of the user named.
-- Payloads carry ids and kinds, never titles: whoever may LISTEN on this database sees
-- them.

-- A statement that changed tasks: one notification per statement and user, with the
-- ids of the tasks it changed, or no ids (`null`, "read the list again") past 100,
-- which keeps a payload far under PostgreSQL's 8,000 bytes. Triggers, so that no write
-- path (the API's, a restore's, an account deletion's cascade, one added later) can
-- forget to announce itself. TG_ARGV[0] is the kind.
CREATE FUNCTION tasks_announce() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
    change record;
BEGIN
    FOR change IN
        SELECT user_id, count(*) AS n, array_agg(id) AS ids FROM changed GROUP BY user_id
    LOOP
        PERFORM pg_notify('todo_live', json_build_object(
            'kind', TG_ARGV[0],
            'user', change.user_id,
            'ids', CASE WHEN change.n <= 100 THEN change.ids END
        )::text);
    END LOOP;
    RETURN NULL;
END
$$;

CREATE TRIGGER tasks_announce_created AFTER INSERT ON tasks
REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tasks_announce('created');
CREATE TRIGGER tasks_announce_updated AFTER UPDATE ON tasks
REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tasks_announce('updated');
CREATE TRIGGER tasks_announce_deleted AFTER DELETE ON tasks
REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tasks_announce('deleted');

-- Sign-outs, so that a signed-out token's streams end at once on every instance: one
-- token (`token_signed_out`, by issuer and token key: a revocation row names no user),
-- or every token of a user issued until now, or the account itself (`signed_out`).
CREATE FUNCTION sessions_announce() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    IF TG_TABLE_NAME = 'revoked_tokens' THEN
        PERFORM pg_notify('todo_live', json_build_object(
            'kind', 'token_signed_out', 'issuer', NEW.issuer, 'token', NEW.token_id
        )::text);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('todo_live', json_build_object('kind', 'signed_out', 'user', OLD.id)::text);
    ELSE
        PERFORM pg_notify('todo_live', json_build_object('kind', 'signed_out', 'user', NEW.id)::text);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER revoked_tokens_announce AFTER INSERT ON revoked_tokens
FOR EACH ROW EXECUTE FUNCTION sessions_announce();
CREATE TRIGGER users_announce_signed_out AFTER UPDATE OF tokens_valid_after ON users
FOR EACH ROW WHEN (NEW.tokens_valid_after IS DISTINCT FROM OLD.tokens_valid_after)
EXECUTE FUNCTION sessions_announce();
CREATE TRIGGER users_announce_deleted AFTER DELETE ON users
FOR EACH ROW EXECUTE FUNCTION sessions_announce();
