-- Index operator classes (issue 12, item 1): trigram GIN, pattern ops.
CREATE EXTENSION pg_trgm;
CREATE TABLE docs (
    id bigint PRIMARY KEY,
    title text NOT NULL,
    slug varchar(200) NOT NULL
);
CREATE INDEX docs_title_trgm ON docs USING gin (title gin_trgm_ops);
CREATE INDEX docs_title_prefix ON docs (title text_pattern_ops);
CREATE INDEX docs_slug_prefix ON docs (slug varchar_pattern_ops);
