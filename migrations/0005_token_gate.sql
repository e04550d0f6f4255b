-- The database half of verifying a request, run inside the request's own statement so
-- that a request makes one round trip. Every statement on a user's data opens with
-- `WHERE (SELECT token_gate(...))`: an uncorrelated subquery, so PostgreSQL runs it
-- once, before reading or writing any row (a one-time filter), even when no row would
-- match. It returns true or raises, and a raise undoes the whole statement:
--   TGREV  the token was signed out (answered 401);
--   TGISS  the subject's row belongs to another issuer (401);
--   TGNEW  the subject has no row yet, or has one the token can complete (an email or
--          name it lacks): the server makes or fills the row and runs the statement
--          once more.
-- STABLE: it only reads, and sees the snapshot of the statement that calls it.
CREATE FUNCTION token_gate(
    subject text,
    token_issuer text,
    token_key text,
    carries_email boolean,
    carries_name boolean
) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
DECLARE
    owner_issuer text;
    lacks_email boolean;
    lacks_name boolean;
BEGIN
    IF EXISTS (SELECT 1 FROM revoked_tokens WHERE token_id = token_key) THEN
        RAISE EXCEPTION 'the token was signed out' USING ERRCODE = 'TGREV';
    END IF;
    SELECT issuer, email = '', name = '' INTO owner_issuer, lacks_email, lacks_name
    FROM users WHERE id = subject;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the token''s subject has no row' USING ERRCODE = 'TGNEW';
    END IF;
    IF owner_issuer <> token_issuer THEN
        RAISE EXCEPTION 'the subject belongs to another issuer' USING ERRCODE = 'TGISS';
    END IF;
    IF (lacks_email AND carries_email) OR (lacks_name AND carries_name) THEN
        RAISE EXCEPTION 'the token can complete its subject''s row' USING ERRCODE = 'TGNEW';
    END IF;
    RETURN true;
END
$$;
