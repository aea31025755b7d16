-- Function options changed: COST, ROWS (issue 12, item 8), volatility,
-- strictness, SECURITY DEFINER, a SET parameter, PARALLEL.
CREATE FUNCTION f(i integer) RETURNS integer LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 500 AS $$SELECT i$$;
CREATE FUNCTION g(n integer) RETURNS SETOF integer LANGUAGE sql STABLE ROWS 10 AS $$SELECT generate_series(1, n)$$;
CREATE FUNCTION h() RETURNS text LANGUAGE sql SET search_path = pg_catalog, public SET work_mem = '64MB' AS $$SELECT current_user::text$$;
