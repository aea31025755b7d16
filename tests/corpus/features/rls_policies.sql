-- Row-level security: ENABLE and FORCE, permissive and restrictive
-- policies, per-command policies, roles, USING and WITH CHECK.
CREATE TABLE notes (
    id bigint PRIMARY KEY,
    tenant_id integer NOT NULL,
    author name NOT NULL DEFAULT current_user,
    body text,
    published boolean NOT NULL DEFAULT false
);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE notes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON notes AS RESTRICTIVE
    USING (tenant_id = current_setting('app.tenant_id')::integer);
CREATE POLICY read_published ON notes FOR SELECT TO corpus_reader
    USING (published);
CREATE POLICY authors_write ON notes FOR INSERT TO corpus_writer, corpus_app
    WITH CHECK (author = current_user);
CREATE POLICY authors_update ON notes FOR UPDATE TO corpus_writer
    USING (author = current_user) WITH CHECK (author = current_user);
CREATE POLICY admins_delete ON notes FOR DELETE TO corpus_admin USING (true);
CREATE POLICY everything ON notes TO PUBLIC USING (false);

CREATE TABLE open_table (id integer PRIMARY KEY);
ALTER TABLE open_table ENABLE ROW LEVEL SECURITY;
