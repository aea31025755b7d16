-- Exclusion constraints (issue 12, item 5, verbatim, and a GiST one from
-- btree_gist, deferrable).
CREATE EXTENSION btree_gist;
CREATE TABLE accounts (
    id integer PRIMARY KEY,
    email text NOT NULL,
    verified boolean NOT NULL DEFAULT false,
    EXCLUDE USING btree (email WITH =) WHERE (verified)
);
CREATE TABLE bookings (
    id integer PRIMARY KEY,
    room integer NOT NULL,
    during tstzrange NOT NULL,
    CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&)
        DEFERRABLE INITIALLY DEFERRED
);
