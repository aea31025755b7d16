-- UNIQUE NULLS NOT DISTINCT (issue 12, item 6).
CREATE TABLE handles (
    id integer PRIMARY KEY,
    site text,
    handle text,
    CONSTRAINT handles_site_handle UNIQUE NULLS NOT DISTINCT (site, handle)
);
