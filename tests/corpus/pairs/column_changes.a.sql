-- Column changes graft models: type widened, default changed and
-- dropped, NOT NULL dropped, collation changed, a column dropped, a
-- column added at the end, a check added.
CREATE TABLE t (
    id integer PRIMARY KEY,
    n integer NOT NULL DEFAULT 0,
    label text DEFAULT 'x',
    must text NOT NULL,
    sorted text,
    old_col text
);
INSERT INTO t VALUES (1, 1, 'a', 'b', 'c', 'd');
