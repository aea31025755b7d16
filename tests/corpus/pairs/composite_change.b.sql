-- A composite type gains an attribute and another changes type.
CREATE TYPE address AS (street text, city text, zip text, country char(2));
CREATE TABLE shops (id integer PRIMARY KEY, addr address);
