-- Comments added, changed and removed on many kinds (issue 12, item 8).
CREATE SCHEMA s;
COMMENT ON SCHEMA s IS 'old schema comment';
CREATE TYPE s.e AS ENUM ('x');
CREATE DOMAIN s.d AS integer CONSTRAINT d_pos CHECK (VALUE > 0);
CREATE TABLE s.t (id integer PRIMARY KEY, v s.d, CONSTRAINT t_v CHECK (v < 100));
COMMENT ON TABLE s.t IS 'old table comment';
COMMENT ON COLUMN s.t.v IS 'old column comment';
CREATE INDEX t_v_idx ON s.t (v);
CREATE VIEW s.w AS SELECT id, v FROM s.t;
CREATE FUNCTION s.f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER t_f BEFORE INSERT ON s.t FOR EACH ROW EXECUTE FUNCTION s.f();
ALTER TABLE s.t ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON s.t USING (true);
COMMENT ON POLICY p ON s.t IS 'old policy comment';
