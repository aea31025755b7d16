-- Operator class parameters (issue 12, item 1): a trigram GiST index with
-- a signature length, a multi-key GiST index mixing opclasses.
CREATE EXTENSION pg_trgm;
CREATE TABLE places (id integer PRIMARY KEY, name text NOT NULL, alt text);
CREATE INDEX places_name_trgm ON places USING gist (name gist_trgm_ops (siglen = 64));
CREATE INDEX places_alt_trgm ON places USING gist (alt gist_trgm_ops);
