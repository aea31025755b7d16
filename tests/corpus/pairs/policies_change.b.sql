-- Row-level security changed: a policy's expression and roles, a policy
-- added and one dropped, FORCE switched on.
CREATE TABLE docs (id integer PRIMARY KEY, owner name NOT NULL, public boolean NOT NULL DEFAULT false);
ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
ALTER TABLE docs FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON docs TO corpus_app, corpus_writer
    USING (owner = current_user) WITH CHECK (owner = current_user);
CREATE POLICY readers ON docs FOR SELECT TO corpus_reader USING (public OR owner = current_user);
CREATE POLICY no_foreign ON docs AS RESTRICTIVE FOR INSERT WITH CHECK (owner = current_user);
