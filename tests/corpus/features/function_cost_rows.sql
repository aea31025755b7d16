-- Function COST, ROWS and SUPPORT (issue 12, item 8).
CREATE FUNCTION expensive(x integer) RETURNS integer
    LANGUAGE sql IMMUTABLE COST 10000
    AS $$SELECT x * x$$;
CREATE FUNCTION few_rows(n integer) RETURNS SETOF integer
    LANGUAGE sql STABLE ROWS 3
    AS $$SELECT generate_series(1, n)$$;
CREATE FUNCTION cheap_many(n integer) RETURNS SETOF integer
    LANGUAGE plpgsql COST 1 ROWS 100000
    AS $$BEGIN RETURN QUERY SELECT generate_series(1, n); END$$;
CREATE FUNCTION series_with_support(a integer, b integer) RETURNS SETOF integer
    LANGUAGE internal IMMUTABLE STRICT SUPPORT generate_series_int4_support
    AS 'generate_series_int4';
