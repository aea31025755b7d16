-- Default privileges for objects created later in a namespace.
CREATE SCHEMA reports;
ALTER DEFAULT PRIVILEGES IN SCHEMA reports GRANT SELECT ON TABLES TO corpus_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA reports GRANT USAGE ON SEQUENCES TO corpus_app;
CREATE TABLE reports.daily (day date PRIMARY KEY, total numeric);
