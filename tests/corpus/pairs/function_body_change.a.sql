-- Function bodies that differ only in whitespace must be replaced (issue
-- 12, item 9), and a real body change.
CREATE FUNCTION padded() RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
    RETURN 1;
END;
$$;
CREATE FUNCTION tight() RETURNS integer LANGUAGE sql AS $$SELECT 2$$;
CREATE FUNCTION changed(i integer) RETURNS integer LANGUAGE sql AS $$SELECT i + 1$$;
