-- LIST partitioning with a DEFAULT partition and a partitioned index
-- (issue 12, item 2, verbatim), plus a unique key including the partition
-- key and a check on one partition.
CREATE TABLE ev (
    id bigint NOT NULL,
    kind text NOT NULL,
    ts timestamptz NOT NULL,
    payload jsonb,
    PRIMARY KEY (id, kind)
) PARTITION BY LIST (kind);
CREATE TABLE ev_a PARTITION OF ev FOR VALUES IN ('a');
CREATE TABLE ev_bc PARTITION OF ev FOR VALUES IN ('b', 'c');
CREATE TABLE ev_def PARTITION OF ev DEFAULT;
CREATE INDEX ON ev (ts);
ALTER TABLE ev_a ADD CONSTRAINT ev_a_payload CHECK (payload IS NOT NULL);
