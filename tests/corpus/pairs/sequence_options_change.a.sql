-- Sequence options changed (issue 12, item 7): type, increment, cache,
-- bounds, cycle, owner column.
CREATE TABLE s (id integer NOT NULL, other integer);
CREATE SEQUENCE s_id_seq AS integer START 10000000 INCREMENT 5 CACHE 20 OWNED BY s.id;
CREATE SEQUENCE free_seq MINVALUE 1 MAXVALUE 100;
