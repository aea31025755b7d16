-- A sequence owned by one table and used in the default of another that
-- sorts before it (issue 12, item 3, verbatim).
CREATE SEQUENCE b_id_seq;
CREATE TABLE b (id bigint DEFAULT nextval('b_id_seq'));
ALTER SEQUENCE b_id_seq OWNED BY b.id;
CREATE TABLE a (id bigint DEFAULT nextval('b_id_seq'));
