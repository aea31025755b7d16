-- Privileges graft models: tables (with grant option), columns, schema
-- usage, function execute revoked from PUBLIC, views.
CREATE SCHEMA app;
GRANT USAGE ON SCHEMA app TO corpus_reader, corpus_writer;
GRANT CREATE ON SCHEMA app TO corpus_admin;
CREATE TABLE app.customers (
    id bigint PRIMARY KEY,
    name text NOT NULL,
    email text,
    credit_limit numeric
);
GRANT SELECT ON app.customers TO corpus_reader;
GRANT SELECT, INSERT, UPDATE ON app.customers TO corpus_writer;
GRANT ALL ON app.customers TO corpus_admin WITH GRANT OPTION;
GRANT SELECT (id, name), UPDATE (email) ON app.customers TO corpus_app;
CREATE VIEW app.customer_names AS SELECT id, name FROM app.customers;
GRANT SELECT ON app.customer_names TO PUBLIC;
CREATE FUNCTION app.customer_count() RETURNS bigint
    LANGUAGE sql STABLE AS $$SELECT count(*) FROM app.customers$$;
REVOKE EXECUTE ON FUNCTION app.customer_count() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.customer_count() TO corpus_reader;
