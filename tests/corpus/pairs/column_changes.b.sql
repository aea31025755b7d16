-- Column changes graft models: type widened, default changed and
-- dropped, NOT NULL dropped, collation changed, a column dropped, a
-- column added at the end, a check added.
CREATE TABLE t (
    id integer PRIMARY KEY,
    n bigint NOT NULL DEFAULT 1,
    label text,
    must text,
    sorted text COLLATE "C",
    added_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT t_n_positive CHECK (n >= 0)
);
