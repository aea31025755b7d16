-- Owners other than the connecting role (issue 12, item 8): namespace,
-- table, view, materialized view, sequence, function, procedure, type,
-- domain, enum.
CREATE SCHEMA owned AUTHORIZATION corpus_owner;
CREATE TABLE owned.things (id integer PRIMARY KEY, n integer);
ALTER TABLE owned.things OWNER TO corpus_owner;
CREATE TABLE owned.by_app (id integer PRIMARY KEY);
ALTER TABLE owned.by_app OWNER TO corpus_app;
CREATE VIEW owned.thing_ids AS SELECT id FROM owned.things;
ALTER VIEW owned.thing_ids OWNER TO corpus_owner;
CREATE MATERIALIZED VIEW owned.thing_count AS SELECT count(*) AS n FROM owned.things;
ALTER MATERIALIZED VIEW owned.thing_count OWNER TO corpus_owner;
CREATE SEQUENCE owned.counter;
ALTER SEQUENCE owned.counter OWNER TO corpus_owner;
CREATE FUNCTION owned.twice(i integer) RETURNS integer LANGUAGE sql AS $$SELECT i * 2$$;
ALTER FUNCTION owned.twice(integer) OWNER TO corpus_owner;
CREATE PROCEDURE owned.noop() LANGUAGE sql AS $$SELECT 1$$;
ALTER PROCEDURE owned.noop() OWNER TO corpus_owner;
CREATE TYPE owned.pair AS (a integer, b integer);
ALTER TYPE owned.pair OWNER TO corpus_owner;
CREATE TYPE owned.color AS ENUM ('red', 'green');
ALTER TYPE owned.color OWNER TO corpus_owner;
CREATE DOMAIN owned.posint AS integer CHECK (VALUE > 0);
ALTER DOMAIN owned.posint OWNER TO corpus_owner;
