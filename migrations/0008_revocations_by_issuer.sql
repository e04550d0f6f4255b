-- A signed-out token is remembered by its issuer and `jti` together, so that two
-- issuers' ids cannot collide. Revocations made before are kept under every issuer that
-- has users: their issuer was not recorded, and they expire within a token's lifetime.
ALTER TABLE revoked_tokens DROP CONSTRAINT revoked_tokens_pkey;
ALTER TABLE revoked_tokens ADD COLUMN issuer text;
INSERT INTO revoked_tokens (issuer, token_id, expires_at)
SELECT i.issuer, r.token_id, r.expires_at
FROM revoked_tokens r CROSS JOIN (SELECT DISTINCT issuer FROM users) i
WHERE r.issuer IS NULL;
DELETE FROM revoked_tokens WHERE issuer IS NULL;
ALTER TABLE revoked_tokens ALTER COLUMN issuer SET NOT NULL;
ALTER TABLE revoked_tokens ADD PRIMARY KEY (issuer, token_id);

-- The gate reads the tables it means whatever search_path the session has: a table
-- of the same name earlier on a caller's path cannot stand in for ours.
CREATE OR REPLACE FUNCTION token_gate(
    subject text,
    token_issuer text,
    token_key text,
    carries_email boolean,
    carries_name boolean
) RETURNS boolean LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public AS $$
DECLARE
    owner_issuer text;
    lacks_email boolean;
    lacks_name boolean;
BEGIN
    IF EXISTS (
        SELECT 1 FROM revoked_tokens WHERE issuer = token_issuer AND token_id = token_key
    ) THEN
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
