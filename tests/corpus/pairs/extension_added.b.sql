-- An extension added together with the index that needs its operator
-- class (issue 12, items 1 and 4).
CREATE EXTENSION pg_trgm;
CREATE TABLE docs (id integer PRIMARY KEY, title text NOT NULL);
CREATE INDEX docs_title_trgm ON docs USING gin (title gin_trgm_ops);
