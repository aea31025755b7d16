-- Privileges granted and revoked on a schema, tables, columns, sequences,
-- functions and types.
CREATE SCHEMA g;
GRANT USAGE ON SCHEMA g TO corpus_reader;
CREATE TABLE g.t (id serial PRIMARY KEY, a text, b text);
GRANT SELECT ON g.t TO corpus_reader;
GRANT SELECT (a) ON g.t TO corpus_app;
CREATE SEQUENCE g.s;
CREATE FUNCTION g.f() RETURNS integer LANGUAGE sql AS $$SELECT 1$$;
CREATE TYPE g.e AS ENUM ('a');
