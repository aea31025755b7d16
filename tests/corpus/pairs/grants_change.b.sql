-- Privileges granted and revoked on a schema, tables, columns, sequences,
-- functions and types.
CREATE SCHEMA g;
GRANT USAGE ON SCHEMA g TO corpus_reader, corpus_app;
CREATE TABLE g.t (id serial PRIMARY KEY, a text, b text);
GRANT SELECT, INSERT ON g.t TO corpus_reader;
GRANT SELECT (a, b), UPDATE (b) ON g.t TO corpus_app;
GRANT USAGE ON SEQUENCE g.t_id_seq TO corpus_app;
CREATE SEQUENCE g.s;
GRANT SELECT, USAGE ON SEQUENCE g.s TO corpus_reader;
CREATE FUNCTION g.f() RETURNS integer LANGUAGE sql AS $$SELECT 1$$;
REVOKE EXECUTE ON FUNCTION g.f() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION g.f() TO corpus_app;
CREATE TYPE g.e AS ENUM ('a');
REVOKE USAGE ON TYPE g.e FROM PUBLIC;
