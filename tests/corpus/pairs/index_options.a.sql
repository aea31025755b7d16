-- Index options change: ordering, collation, predicate, storage parameter,
-- INCLUDE columns, uniqueness.
CREATE TABLE t (id integer PRIMARY KEY, a text, b integer, c integer);
CREATE INDEX t_a ON t (a);
CREATE INDEX t_b ON t (b DESC);
CREATE INDEX t_c ON t (c) WHERE c > 0;
CREATE INDEX t_ab ON t (a, b) WITH (fillfactor = 70);
CREATE INDEX t_inc ON t (b) INCLUDE (a);
CREATE INDEX t_uniq ON t (c, b);
