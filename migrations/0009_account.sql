-- The account side: sign out everywhere, preferences, password resets.

-- Tokens of this user issued before this time are refused (sign out everywhere, a
-- changed or reset password). The gate reads the user's row already, so the check costs
-- no round trip.
ALTER TABLE users ADD COLUMN tokens_valid_after timestamptz;

-- What a person chose for every device: the task list's default filter and order, and
-- the theme. A user without a row has the defaults.
CREATE TABLE preferences (
    user_id text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    filter text NOT NULL CHECK (filter IN ('all', 'pending', 'completed')),
    sort text NOT NULL CHECK (sort IN ('newest', 'oldest', 'title')),
    theme text NOT NULL CHECK (theme IN ('system', 'light', 'dark')),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Links sent by "forgot password": only a SHA-256 of the token is kept, so a reader of
-- this table cannot use one. Single use: `used_at` is set by the reset that uses it.
CREATE TABLE password_resets (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);
CREATE INDEX password_resets_user_id_idx ON password_resets (user_id);
CREATE INDEX password_resets_expires_at_idx ON password_resets (expires_at);

-- Deleted accounts, by issuer and id: a token issued before the deletion is refused,
-- so no device still signed in makes the row again (a row lost in a restore is made
-- again from its token, API.md; a deleted one is not). Kept 30 days, the longest token
-- lifetime.
CREATE TABLE deleted_accounts (
    issuer text NOT NULL,
    id text NOT NULL,
    deleted_at timestamptz NOT NULL,
    PRIMARY KEY (issuer, id)
);

-- Reset requests are counted per email and per client like sign-ins; a change of
-- password counts as a sign-in attempt.
ALTER TABLE sign_in_attempts DROP CONSTRAINT sign_in_attempts_scope_check;
ALTER TABLE sign_in_attempts ADD CONSTRAINT sign_in_attempts_scope_check
    CHECK (scope IN ('client', 'pair', 'email', 'sign-up', 'reset-email', 'reset-client'));

-- The gate also refuses a token issued before its user's `tokens_valid_after`, as
-- signed out (TGREV). A token without `iat` passes only while no such time is set.
DROP FUNCTION token_gate(text, text, text, boolean, boolean);
CREATE FUNCTION token_gate(
    subject text,
    token_issuer text,
    token_key text,
    carries_email boolean,
    carries_name boolean,
    token_issued_at timestamptz
) RETURNS boolean LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public AS $$
DECLARE
    owner_issuer text;
    lacks_email boolean;
    lacks_name boolean;
    valid_after timestamptz;
BEGIN
    IF EXISTS (
        SELECT 1 FROM revoked_tokens WHERE issuer = token_issuer AND token_id = token_key
    ) THEN
        RAISE EXCEPTION 'the token was signed out' USING ERRCODE = 'TGREV';
    END IF;
    SELECT issuer, email = '', name = '', tokens_valid_after
    INTO owner_issuer, lacks_email, lacks_name, valid_after
    FROM users WHERE id = subject;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the token''s subject has no row' USING ERRCODE = 'TGNEW';
    END IF;
    IF owner_issuer <> token_issuer THEN
        RAISE EXCEPTION 'the subject belongs to another issuer' USING ERRCODE = 'TGISS';
    END IF;
    IF valid_after IS NOT NULL
        AND (token_issued_at IS NULL OR token_issued_at < valid_after) THEN
        RAISE EXCEPTION 'the token was signed out everywhere' USING ERRCODE = 'TGREV';
    END IF;
    IF (lacks_email AND carries_email) OR (lacks_name AND carries_name) THEN
        RAISE EXCEPTION 'the token can complete its subject''s row' USING ERRCODE = 'TGNEW';
    END IF;
    RETURN true;
END
$$;
