-- Function options changed: COST, ROWS (issue 12, item 8), volatility,
-- strictness, SECURITY DEFINER, a SET parameter, PARALLEL.
CREATE FUNCTION f(i integer) RETURNS integer LANGUAGE sql AS $$SELECT i$$;
CREATE FUNCTION g(n integer) RETURNS SETOF integer LANGUAGE sql AS $$SELECT generate_series(1, n)$$;
CREATE FUNCTION h() RETURNS text LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$SELECT current_user::text$$;
