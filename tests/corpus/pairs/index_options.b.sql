-- Index options change: ordering, collation, predicate, storage parameter,
-- INCLUDE columns, uniqueness.
CREATE TABLE t (id integer PRIMARY KEY, a text, b integer, c integer);
CREATE INDEX t_a ON t (a COLLATE "C");
CREATE INDEX t_b ON t (b NULLS FIRST);
CREATE INDEX t_c ON t (c) WHERE c > 10;
CREATE INDEX t_ab ON t (a, b) WITH (fillfactor = 90);
CREATE INDEX t_inc ON t (b) INCLUDE (a, c);
CREATE UNIQUE INDEX t_uniq ON t (c, b);
