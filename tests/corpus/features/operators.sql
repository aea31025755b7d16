-- User operators (issue 12, item 8): binary with commutator/negator and
-- restriction estimators, a prefix operator; used by a view.
CREATE FUNCTION approx_eq(a numeric, b numeric) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT AS $$SELECT abs(a - b) < 0.01$$;
CREATE FUNCTION approx_ne(a numeric, b numeric) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT AS $$SELECT abs(a - b) >= 0.01$$;
CREATE OPERATOR ~= (
    LEFTARG = numeric, RIGHTARG = numeric, FUNCTION = approx_eq,
    COMMUTATOR = ~=, NEGATOR = ~<>,
    RESTRICT = eqsel, JOIN = eqjoinsel
);
CREATE OPERATOR ~<> (
    LEFTARG = numeric, RIGHTARG = numeric, FUNCTION = approx_ne,
    COMMUTATOR = ~<>, NEGATOR = ~=
);
CREATE FUNCTION halve(a numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE AS $$SELECT a / 2$$;
CREATE OPERATOR ~/ (RIGHTARG = numeric, FUNCTION = halve);
CREATE TABLE amounts (a numeric, b numeric);
CREATE VIEW close_amounts AS SELECT a, b, ~/ a AS half FROM amounts WHERE a ~= b;
