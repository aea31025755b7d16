-- Storage parameters (issue 12, item 8) on a table, its TOAST table, a
-- primary key's index, an index, a materialized view.
CREATE TABLE hot (
    id bigint PRIMARY KEY WITH (fillfactor = 80),
    counter integer NOT NULL,
    blob text
) WITH (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.01, toast.autovacuum_enabled = false);
CREATE INDEX hot_counter ON hot (counter) WITH (fillfactor = 50, deduplicate_items = off);
CREATE INDEX hot_blob_brin ON hot USING brin (counter) WITH (pages_per_range = 32);
CREATE MATERIALIZED VIEW hot_summary WITH (autovacuum_enabled = false) AS
    SELECT count(*) AS n FROM hot;
