-- Function bodies with leading and trailing whitespace, kept byte for
-- byte (issue 12, item 9): they change PL/pgSQL error line numbers.
CREATE FUNCTION padded() RETURNS integer LANGUAGE plpgsql AS $$

    BEGIN
        RETURN 1;
    END;

$$;
CREATE FUNCTION tabbed() RETURNS integer LANGUAGE sql AS $body$	SELECT 2	$body$;
CREATE FUNCTION crlf() RETURNS integer LANGUAGE sql AS 'SELECT 3
';
CREATE FUNCTION trailing_comment() RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
    RETURN 4; -- four
END
-- end
$$;
