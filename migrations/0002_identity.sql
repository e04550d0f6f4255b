-- Identity: users, signed-out tokens, sign-in throttling and our signing keys.

-- `id` is the token's `sub`: a UUID for accounts made here, the issuer's own id for
-- users of a trusted external issuer. `issuer` is the `iss` that created the row; a
-- token of another issuer naming the same `sub` is refused.
CREATE TABLE users (
    id text PRIMARY KEY CHECK (id ~ '^[!-~]{1,255}$'),
    issuer text NOT NULL CHECK (issuer <> ''),
    email text NOT NULL DEFAULT '' CHECK (email = lower(btrim(email)) AND length(email) <= 254),
    name text NOT NULL DEFAULT '' CHECK (name = btrim(name) AND length(name) <= 100),
    -- Argon2id PHC string; empty for users who never set a password here.
    password_hash text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Accounts with a password sign in by email, so among them an email is unique, and
-- this index (not a prior SELECT) decides a sign-up race. Users of an external issuer
-- may share an email with such an account: they are another identity.
CREATE UNIQUE INDEX users_local_email_key ON users (email) WHERE password_hash <> '';

-- Signed-out tokens, by `jti` (or a hash of the token when it has none), kept until
-- the token would have expired anyway.
CREATE TABLE revoked_tokens (
    token_id text PRIMARY KEY,
    expires_at timestamptz NOT NULL
);
CREATE INDEX revoked_tokens_expires_at_idx ON revoked_tokens (expires_at);

-- Sign-in attempts in the current window, per email and per client address. Attempts
-- are counted before the password is checked (so parallel guesses cannot slip past
-- the limit) and a success gives its attempt back.
CREATE TABLE sign_in_attempts (
    scope text NOT NULL CHECK (scope IN ('email', 'client')),
    key text NOT NULL,
    window_started_at timestamptz NOT NULL,
    attempts integer NOT NULL CHECK (attempts >= 0),
    PRIMARY KEY (scope, key)
);

-- Our Ed25519 keys when no AUTH_SIGNING_KEY_FILE is given. `kid` is the RFC 7638
-- thumbprint. One key signs (`current`); the `next` one is published ahead of a
-- rotation; `retired` ones stay published until their tokens have expired.
CREATE TABLE signing_keys (
    kid text PRIMARY KEY,
    private_key bytea NOT NULL,
    state text NOT NULL CHECK (state IN ('next', 'current', 'retired')),
    created_at timestamptz NOT NULL DEFAULT now(),
    retired_at timestamptz,
    CHECK ((state = 'retired') = (retired_at IS NOT NULL))
);
CREATE UNIQUE INDEX signing_keys_one_current ON signing_keys (state) WHERE state = 'current';
CREATE UNIQUE INDEX signing_keys_one_next ON signing_keys (state) WHERE state = 'next';
