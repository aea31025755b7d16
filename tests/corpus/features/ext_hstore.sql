-- hstore columns (issue 12, item 4), with a GIN index and a default.
CREATE EXTENSION hstore;
CREATE TABLE features (
    id bigint PRIMARY KEY,
    tags hstore NOT NULL DEFAULT ''::hstore,
    old_tags hstore[]
);
CREATE INDEX features_tags ON features USING gin (tags);
CREATE FUNCTION tag(f hstore, k text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$SELECT f -> k$$;
