-- Domains changed: a check added, one dropped, default and NOT NULL.
CREATE DOMAIN qty AS integer CONSTRAINT qty_positive CHECK (VALUE > 0);
CREATE DOMAIN label AS text DEFAULT 'none' CONSTRAINT label_short CHECK (length(VALUE) < 50);
CREATE TABLE items (id integer PRIMARY KEY, q qty, l label);
