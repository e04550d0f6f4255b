-- Sign-in attempts are counted per client, per (client, email) pair and per email, and
-- sign-ups per client (app/src/auth/throttle.rs). Counts of the old per-email limit
-- keep their meaning: failures on that email from every client.
ALTER TABLE sign_in_attempts DROP CONSTRAINT sign_in_attempts_scope_check;
ALTER TABLE sign_in_attempts ADD CONSTRAINT sign_in_attempts_scope_check
    CHECK (scope IN ('client', 'pair', 'email', 'sign-up'));
