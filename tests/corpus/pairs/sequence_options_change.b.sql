-- Sequence options changed (issue 12, item 7): type, increment, cache,
-- bounds, cycle, owner column.
CREATE TABLE s (id integer NOT NULL, other integer);
CREATE SEQUENCE s_id_seq AS bigint START 10000000 INCREMENT 1 CACHE 1 OWNED BY s.other;
CREATE SEQUENCE free_seq MINVALUE 1 MAXVALUE 1000 CYCLE;
