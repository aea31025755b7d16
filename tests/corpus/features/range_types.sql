-- User range types (with a subtype diff function) and a multirange, used
-- by a column with an exclusion-free GiST index.
CREATE FUNCTION time_diff(a time, b time) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT AS $$SELECT extract(epoch FROM a - b)$$;
CREATE TYPE timerange AS RANGE (subtype = time, subtype_diff = time_diff);
CREATE TYPE floatrange AS RANGE (subtype = float8, multirange_type_name = floatmultirange);
CREATE TABLE opening_hours (
    shop integer NOT NULL,
    hours timerange NOT NULL,
    prices floatmultirange
);
CREATE INDEX opening_hours_hours ON opening_hours USING gist (hours);
