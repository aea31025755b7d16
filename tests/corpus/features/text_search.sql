-- Text search configuration and dictionary in a managed namespace, used
-- by a generated tsvector column with a GIN index.
CREATE TEXT SEARCH DICTIONARY english_stem_nostop (TEMPLATE = snowball, language = english);
CREATE TEXT SEARCH CONFIGURATION plain_english (COPY = english);
ALTER TEXT SEARCH CONFIGURATION plain_english
    ALTER MAPPING FOR asciiword, word WITH english_stem_nostop;
CREATE TABLE articles (
    id integer PRIMARY KEY,
    body text NOT NULL,
    search tsvector GENERATED ALWAYS AS (to_tsvector('public.plain_english'::regconfig, body)) STORED
);
CREATE INDEX articles_search ON articles USING gin (search);
