-- Kinds graft does not model, added by a change: extended statistics, a
-- rule, a range type, an aggregate, an operator. graft must at least see
-- the difference (issue 12, "What must hold" 3).
CREATE TABLE t (a integer, b integer);
