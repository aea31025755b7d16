-- Kinds graft does not model, added by a change: extended statistics, a
-- rule, a range type, an aggregate, an operator. graft must at least see
-- the difference (issue 12, "What must hold" 3).
CREATE TABLE t (a integer, b integer);
CREATE STATISTICS t_ab ON a, b FROM t;
CREATE RULE t_no_delete AS ON DELETE TO t DO INSTEAD NOTHING;
CREATE TYPE intpair_range AS RANGE (subtype = integer);
CREATE AGGREGATE total(integer) (SFUNC = int4pl, STYPE = integer);
CREATE OPERATOR === (LEFTARG = integer, RIGHTARG = integer, FUNCTION = int4eq);
