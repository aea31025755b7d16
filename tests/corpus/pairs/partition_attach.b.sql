-- Partitions attached and detached (issue 12, "What must hold" 1): ev_b
-- is detached and kept as a plain table, ev_c and a default are added.
CREATE TABLE ev (id bigint NOT NULL, kind text NOT NULL, ts timestamptz NOT NULL) PARTITION BY LIST (kind);
CREATE TABLE ev_a PARTITION OF ev FOR VALUES IN ('a');
CREATE TABLE ev_b PARTITION OF ev FOR VALUES IN ('b');
CREATE INDEX ev_ts ON ev (ts);
ALTER TABLE ev DETACH PARTITION ev_b;
CREATE TABLE ev_c PARTITION OF ev FOR VALUES IN ('c', 'cc');
CREATE TABLE ev_rest PARTITION OF ev DEFAULT;
