-- Objects referenced from expressions must exist before their users
-- (issue 12, "What must hold" 2): a function in a check and in an index,
-- a sequence in a default and in a view, a type in a column, a function
-- in a generated column, all named so that alphabetical order is the wrong
-- order.
CREATE FUNCTION z_valid(t text) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$SELECT t ~ '^[a-z]+$'$$;
CREATE FUNCTION z_norm(t text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$SELECT lower(trim(t))$$;
CREATE SEQUENCE z_counter;
CREATE TYPE z_kind AS ENUM ('x', 'y');
CREATE TABLE a_users (
    id integer PRIMARY KEY DEFAULT nextval('z_counter'),
    handle text NOT NULL CHECK (z_valid(handle)),
    handle_norm text GENERATED ALWAYS AS (z_norm(handle)) STORED,
    kind z_kind NOT NULL DEFAULT 'x'
);
CREATE INDEX a_users_norm ON a_users (z_norm(handle));
CREATE VIEW a_next AS SELECT nextval('z_counter') AS n;
