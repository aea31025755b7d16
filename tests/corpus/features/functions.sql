-- Functions graft models: SQL and PL/pgSQL, volatility, STRICT, SECURITY
-- DEFINER, SET search_path, defaults, OUT parameters, RETURNS TABLE,
-- SETOF, VARIADIC, overloads, PARALLEL SAFE, LEAKPROOF.
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric NOT NULL);

CREATE FUNCTION add(a integer, b integer DEFAULT 1) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$SELECT a + b$$;
CREATE FUNCTION add(a numeric, b numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE
    AS $$SELECT a + b$$;
CREATE FUNCTION item_count() RETURNS bigint
    LANGUAGE sql STABLE
    AS $$SELECT count(*) FROM public.items$$;
CREATE FUNCTION cheap_items(max_price numeric) RETURNS SETOF items
    LANGUAGE sql STABLE
    AS $$SELECT * FROM public.items WHERE price <= max_price$$;
CREATE FUNCTION item_stats(OUT n bigint, OUT avg_price numeric)
    LANGUAGE sql STABLE
    AS $$SELECT count(*), avg(price) FROM public.items$$;
CREATE FUNCTION items_like(pattern text) RETURNS TABLE (item_id integer, item_name text)
    LANGUAGE plpgsql STABLE
    AS $$BEGIN
    RETURN QUERY SELECT id, name FROM public.items WHERE name LIKE pattern;
END;$$;
CREATE FUNCTION total(VARIADIC xs numeric[]) RETURNS numeric
    LANGUAGE sql IMMUTABLE
    AS $$SELECT sum(x) FROM unnest(xs) AS x$$;
CREATE FUNCTION bump_price(item integer, pct numeric) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$BEGIN
    UPDATE items SET price = price * (1 + pct / 100) WHERE id = item;
END;$$;
CREATE FUNCTION same_text(a text, b text) RETURNS boolean
    LANGUAGE internal IMMUTABLE STRICT LEAKPROOF
    AS 'texteq';
CREATE FUNCTION sql_body_std(i integer) RETURNS integer
    LANGUAGE sql IMMUTABLE
    RETURN i * 2;
