-- Storage parameters set, changed and reset on a table, an index and a
-- materialized view (issue 12, "What must hold" 1: ALTER ... SET (...)).
CREATE TABLE hot (id bigint PRIMARY KEY, n integer) WITH (fillfactor = 90, autovacuum_enabled = false);
CREATE INDEX hot_n ON hot (n) WITH (fillfactor = 60);
CREATE MATERIALIZED VIEW hot_count AS SELECT count(*) AS c FROM hot;
