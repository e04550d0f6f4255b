-- Walking skeleton: the table the first page reads and writes. A later migration drops
-- it once real features replace the demo.
CREATE TABLE clicks (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now()
);
