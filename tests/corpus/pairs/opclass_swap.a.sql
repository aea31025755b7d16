CREATE EXTENSION pg_trgm;
CREATE TABLE docs (id bigint PRIMARY KEY, title text NOT NULL);
CREATE INDEX docs_title_idx ON docs (title text_pattern_ops);
