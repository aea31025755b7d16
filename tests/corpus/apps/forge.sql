-- A code forge and issue tracker: users, groups, projects, issues and
-- merge requests with per-project numbers, labels, notes; trigram and
-- full-text search, an audit log partitioned by LIST of kind, triggers,
-- visibility policies, enums, a case-insensitive username.
CREATE EXTENSION citext;
CREATE EXTENSION pg_trgm;

CREATE SCHEMA forge;
CREATE TYPE forge.visibility AS ENUM ('private', 'internal', 'public');
CREATE TYPE forge.issue_state AS ENUM ('opened', 'closed');
CREATE TYPE forge.mr_state AS ENUM ('opened', 'merged', 'closed', 'locked');
CREATE DOMAIN forge.color AS text CHECK (VALUE ~ '^#[0-9a-f]{6}$');

CREATE TABLE forge.users (
    id bigserial PRIMARY KEY,
    username citext NOT NULL UNIQUE,
    name text NOT NULL,
    email text NOT NULL,
    admin boolean NOT NULL DEFAULT false,
    state text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'blocked', 'deactivated')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_lower ON forge.users (lower(email));

CREATE TABLE forge.groups (
    id bigserial PRIMARY KEY,
    parent_id bigint REFERENCES forge.groups (id) ON DELETE CASCADE,
    path text NOT NULL,
    name text NOT NULL,
    visibility forge.visibility NOT NULL DEFAULT 'private',
    UNIQUE NULLS NOT DISTINCT (parent_id, path)
);

CREATE TABLE forge.projects (
    id bigserial PRIMARY KEY,
    group_id bigint NOT NULL REFERENCES forge.groups (id) ON DELETE CASCADE,
    path text NOT NULL,
    name text NOT NULL,
    description text,
    visibility forge.visibility NOT NULL DEFAULT 'private',
    default_branch text NOT NULL DEFAULT 'main',
    archived boolean NOT NULL DEFAULT false,
    last_activity_at timestamptz,
    CONSTRAINT projects_group_path UNIQUE (group_id, path)
);
CREATE INDEX projects_name_trgm ON forge.projects USING gin (name gin_trgm_ops);
CREATE INDEX projects_path_prefix ON forge.projects (path text_pattern_ops);
CREATE INDEX projects_recent ON forge.projects (last_activity_at DESC NULLS LAST) WHERE NOT archived;

CREATE TABLE forge.members (
    project_id bigint NOT NULL REFERENCES forge.projects (id) ON DELETE CASCADE,
    user_id bigint NOT NULL REFERENCES forge.users (id) ON DELETE CASCADE,
    access_level smallint NOT NULL CHECK (access_level IN (10, 20, 30, 40, 50)),
    expires_on date,
    PRIMARY KEY (project_id, user_id)
);

CREATE TABLE forge.internal_ids (
    project_id bigint NOT NULL REFERENCES forge.projects (id) ON DELETE CASCADE,
    usage smallint NOT NULL,
    last_value integer NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, usage)
);

CREATE TABLE forge.issues (
    id bigserial PRIMARY KEY,
    project_id bigint NOT NULL REFERENCES forge.projects (id) ON DELETE CASCADE,
    iid integer NOT NULL,
    author_id bigint REFERENCES forge.users (id) ON DELETE SET NULL,
    title text NOT NULL,
    description text,
    state forge.issue_state NOT NULL DEFAULT 'opened',
    confidential boolean NOT NULL DEFAULT false,
    weight integer,
    due_date date,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    closed_at timestamptz,
    search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(description, '')), 'B')) STORED,
    CONSTRAINT issues_project_iid UNIQUE (project_id, iid),
    CONSTRAINT issues_closed_consistent CHECK ((state = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX issues_search ON forge.issues USING gin (search);
CREATE INDEX issues_title_trgm ON forge.issues USING gin (title gin_trgm_ops);
CREATE INDEX issues_open_by_project ON forge.issues (project_id, created_at DESC) WHERE state = 'opened';

CREATE TABLE forge.merge_requests (
    id bigserial PRIMARY KEY,
    project_id bigint NOT NULL REFERENCES forge.projects (id) ON DELETE CASCADE,
    iid integer NOT NULL,
    source_branch text NOT NULL,
    target_branch text NOT NULL,
    author_id bigint REFERENCES forge.users (id) ON DELETE SET NULL,
    state forge.mr_state NOT NULL DEFAULT 'opened',
    merge_commit_sha bytea,
    draft boolean GENERATED ALWAYS AS (false) STORED,
    UNIQUE (project_id, iid),
    CHECK (source_branch <> target_branch)
);

CREATE TABLE forge.labels (
    id bigserial PRIMARY KEY,
    project_id bigint NOT NULL REFERENCES forge.projects (id) ON DELETE CASCADE,
    title text NOT NULL,
    color forge.color NOT NULL DEFAULT '#428bca',
    UNIQUE (project_id, title)
);
CREATE TABLE forge.issue_labels (
    issue_id bigint NOT NULL REFERENCES forge.issues (id) ON DELETE CASCADE,
    label_id bigint NOT NULL REFERENCES forge.labels (id) ON DELETE CASCADE,
    PRIMARY KEY (issue_id, label_id)
);

CREATE TABLE forge.notes (
    id bigserial PRIMARY KEY,
    noteable_type text NOT NULL CHECK (noteable_type IN ('Issue', 'MergeRequest')),
    noteable_id bigint NOT NULL,
    author_id bigint REFERENCES forge.users (id) ON DELETE SET NULL,
    body text NOT NULL,
    system boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notes_noteable ON forge.notes (noteable_type, noteable_id, created_at);

CREATE TABLE forge.audit_events (
    id bigint GENERATED ALWAYS AS IDENTITY,
    kind text NOT NULL,
    author_id bigint,
    entity_id bigint,
    details jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id, kind)
) PARTITION BY LIST (kind);
CREATE TABLE forge.audit_events_auth PARTITION OF forge.audit_events FOR VALUES IN ('login', 'logout', '2fa');
CREATE TABLE forge.audit_events_project PARTITION OF forge.audit_events FOR VALUES IN ('project');
CREATE TABLE forge.audit_events_other PARTITION OF forge.audit_events DEFAULT;
CREATE INDEX audit_events_created ON forge.audit_events (created_at);

CREATE FUNCTION forge.set_updated_at() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;
CREATE FUNCTION forge.next_iid(p_project bigint, p_usage smallint) RETURNS integer
    LANGUAGE sql VOLATILE
    AS $$
    INSERT INTO forge.internal_ids AS i (project_id, usage, last_value)
    VALUES (p_project, p_usage, 1)
    ON CONFLICT (project_id, usage) DO UPDATE SET last_value = i.last_value + 1
    RETURNING last_value
$$;
CREATE FUNCTION forge.assign_issue_iid() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.iid IS NULL THEN
        NEW.iid := forge.next_iid(NEW.project_id, 0::smallint);
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER users_updated_at BEFORE UPDATE ON forge.users
    FOR EACH ROW EXECUTE FUNCTION forge.set_updated_at();
CREATE TRIGGER issues_updated_at BEFORE UPDATE ON forge.issues
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.description IS DISTINCT FROM NEW.description)
    EXECUTE FUNCTION forge.set_updated_at();
CREATE TRIGGER issues_iid BEFORE INSERT ON forge.issues
    FOR EACH ROW EXECUTE FUNCTION forge.assign_issue_iid();

CREATE FUNCTION forge.can_read(p_project bigint) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = forge, pg_temp
    AS $$
    SELECT EXISTS (SELECT 1 FROM forge.projects p
                    WHERE p.id = p_project
                      AND (p.visibility = 'public'
                           OR EXISTS (SELECT 1 FROM forge.members m
                                       WHERE m.project_id = p.id
                                         AND m.user_id = nullif(current_setting('forge.user_id', true), '')::bigint)))
$$;
ALTER TABLE forge.issues ENABLE ROW LEVEL SECURITY;
CREATE POLICY issues_visible ON forge.issues FOR SELECT TO corpus_app
    USING (forge.can_read(project_id) AND NOT confidential);
CREATE POLICY issues_confidential ON forge.issues AS RESTRICTIVE FOR SELECT TO corpus_app
    USING (NOT confidential OR author_id = nullif(current_setting('forge.user_id', true), '')::bigint);

CREATE VIEW forge.open_issue_counts AS
    SELECT p.id AS project_id, p.name, count(i.id) AS open_issues
      FROM forge.projects p LEFT JOIN forge.issues i ON i.project_id = p.id AND i.state = 'opened'
     GROUP BY p.id, p.name;

GRANT USAGE ON SCHEMA forge TO corpus_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA forge TO corpus_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA forge TO corpus_app;
COMMENT ON TABLE forge.internal_ids IS 'per-project counters behind issue and merge request numbers';
COMMENT ON COLUMN forge.issues.iid IS 'number of the issue inside its project';
