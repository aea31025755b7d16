-- Roles the corpus cases use. Roles are cluster-wide, so they are created
-- once, before any case loads, and their names start with corpus_ so that
-- they cannot meet another test's roles.
DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['corpus_owner', 'corpus_app', 'corpus_reader',
                           'corpus_writer', 'corpus_admin', 'corpus_auditor']
  LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', r);
    END IF;
  END LOOP;
END
$$;
