-- Tasks: each belongs to exactly one user and goes with it.
CREATE TABLE tasks (
    id uuid PRIMARY KEY,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The same rules as the code: 1 to 200 characters after trimming.
    title text NOT NULL CHECK (title = btrim(title) AND char_length(title) BETWEEN 1 AND 200),
    description text CHECK (char_length(description) <= 2000),
    completed boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One index per sort key of the list, each led by the owner and ended by the id that
-- breaks ties, so that every page is one index range scan (keyset paging).
CREATE INDEX tasks_user_created_idx ON tasks (user_id, created_at, id);
CREATE INDEX tasks_user_updated_idx ON tasks (user_id, updated_at, id);
CREATE INDEX tasks_user_title_idx ON tasks (user_id, title, id);
