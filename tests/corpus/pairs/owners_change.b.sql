-- Owners changed (issue 12, item 8: ALTER ... OWNER TO).
CREATE SCHEMA o AUTHORIZATION corpus_owner;
CREATE TABLE o.t (id integer PRIMARY KEY);
ALTER TABLE o.t OWNER TO corpus_owner;
CREATE VIEW o.v AS SELECT id FROM o.t;
ALTER VIEW o.v OWNER TO corpus_app;
CREATE SEQUENCE o.s;
ALTER SEQUENCE o.s OWNER TO corpus_owner;
CREATE FUNCTION o.f() RETURNS integer LANGUAGE sql AS $$SELECT 1$$;
ALTER FUNCTION o.f() OWNER TO corpus_owner;
CREATE TYPE o.e AS ENUM ('a');
ALTER TYPE o.e OWNER TO corpus_owner;
