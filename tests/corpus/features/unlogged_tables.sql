-- UNLOGGED tables (issue 12, item 8), one with an identity sequence and an
-- index (both unlogged with it).
CREATE UNLOGGED TABLE cache (
    key text PRIMARY KEY,
    value bytea,
    expires timestamptz
);
CREATE INDEX cache_expires ON cache (expires);
CREATE UNLOGGED TABLE counters (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    n bigint NOT NULL DEFAULT 0
);
