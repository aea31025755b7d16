-- Index key ordering: DESC, NULLS FIRST / LAST in every combination that
-- differs from the default (issue 12, item 1).
CREATE TABLE scores (id integer PRIMARY KEY, player text, points integer, at timestamptz);
CREATE INDEX scores_points_desc_nulls_last ON scores (points DESC NULLS LAST);
CREATE INDEX scores_points_nulls_first ON scores (points NULLS FIRST);
CREATE INDEX scores_player_points ON scores (player ASC, points DESC, at NULLS FIRST);
CREATE INDEX scores_at_desc ON scores (at DESC);
