-- Partitions attached and detached (issue 12, "What must hold" 1).
CREATE TABLE ev (id bigint NOT NULL, kind text NOT NULL, ts timestamptz NOT NULL) PARTITION BY LIST (kind);
CREATE TABLE ev_a PARTITION OF ev FOR VALUES IN ('a');
CREATE TABLE ev_b PARTITION OF ev FOR VALUES IN ('b');
CREATE INDEX ev_ts ON ev (ts);
