-- Composite types used by columns, arrays of them, and a function.
CREATE TYPE address AS (
    street text,
    city text,
    zip varchar(10),
    country char(2)
);
CREATE TYPE geo AS (lat double precision, lon double precision);
CREATE TYPE place AS (name text, at geo, addr address);
CREATE TABLE venues (
    id integer PRIMARY KEY,
    main address NOT NULL,
    others address[],
    spot place
);
CREATE FUNCTION city_of(a address) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$SELECT a.city$$;
