-- Domains changed: a check added, one dropped, default and NOT NULL.
CREATE DOMAIN qty AS integer NOT NULL DEFAULT 1
    CONSTRAINT qty_positive CHECK (VALUE > 0)
    CONSTRAINT qty_small CHECK (VALUE < 1000);
CREATE DOMAIN label AS text;
CREATE TABLE items (id integer PRIMARY KEY, q qty, l label);
