-- Views changed: a column added at the end of a view another view uses,
-- a definition changed, a view dropped, a view added.
CREATE TABLE t (id integer PRIMARY KEY, a text, b text, c integer);
CREATE VIEW base AS SELECT id, a, b FROM t;
CREATE VIEW over_base AS SELECT id FROM base WHERE a IS NOT NULL;
CREATE VIEW filtered AS SELECT id, c FROM t WHERE c > 10;
CREATE VIEW added AS SELECT b, count(*) AS n FROM base GROUP BY b;
