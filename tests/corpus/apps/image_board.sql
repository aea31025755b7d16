-- An anonymous image board: boards with per-board post numbers, threads
-- bumped by replies, posts partitioned by HASH of board, files
-- deduplicated by hash, bans on address ranges that must not overlap
-- (GiST with the non-default inet_ops), reports, moderators with RLS, a
-- rule keeping a view writable, statistics on correlated columns.
CREATE EXTENSION btree_gist;
CREATE EXTENSION pg_trgm;

CREATE SCHEMA board;
CREATE SCHEMA mod;

CREATE TYPE board.rating AS ENUM ('sfw', 'nsfw');
CREATE TYPE mod.report_state AS ENUM ('new', 'dismissed', 'actioned');
CREATE DOMAIN board.short_name AS varchar(10) CHECK (VALUE ~ '^[a-z0-9]+$');

CREATE TABLE board.boards (
    name board.short_name PRIMARY KEY,
    title text NOT NULL,
    rating board.rating NOT NULL DEFAULT 'sfw',
    bump_limit integer NOT NULL DEFAULT 300,
    max_threads integer NOT NULL DEFAULT 150,
    locked boolean NOT NULL DEFAULT false,
    post_seq_name text GENERATED ALWAYS AS ('board.posts_' || name || '_no') STORED
);

CREATE TABLE board.files (
    sha256 bytea PRIMARY KEY CHECK (octet_length(sha256) = 32),
    mime text NOT NULL CHECK (mime IN ('image/png', 'image/jpeg', 'image/gif', 'image/webp', 'video/webm')),
    bytes integer NOT NULL,
    width smallint,
    height smallint,
    banned boolean NOT NULL DEFAULT false,
    first_seen timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE board.threads (
    board board.short_name NOT NULL REFERENCES board.boards (name) ON UPDATE CASCADE,
    no bigint NOT NULL,
    subject text,
    sticky boolean NOT NULL DEFAULT false,
    locked boolean NOT NULL DEFAULT false,
    replies integer NOT NULL DEFAULT 0,
    bumped_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (board, no)
);
CREATE INDEX threads_catalog ON board.threads (board, sticky DESC, bumped_at DESC);
CREATE INDEX threads_subject_trgm ON board.threads USING gist (subject gist_trgm_ops);

CREATE TABLE board.posts (
    board board.short_name NOT NULL,
    no bigint NOT NULL,
    thread_no bigint NOT NULL,
    posted_at timestamptz NOT NULL DEFAULT now(),
    name text NOT NULL DEFAULT 'Anonymous',
    tripcode text,
    body text NOT NULL DEFAULT '',
    file_sha256 bytea REFERENCES board.files (sha256),
    poster_ip inet NOT NULL,
    deleted boolean NOT NULL DEFAULT false,
    PRIMARY KEY (board, no),
    FOREIGN KEY (board, thread_no) REFERENCES board.threads (board, no) ON DELETE CASCADE,
    CHECK (body <> '' OR file_sha256 IS NOT NULL)
) PARTITION BY HASH (board);
CREATE TABLE board.posts_0 PARTITION OF board.posts FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE board.posts_1 PARTITION OF board.posts FOR VALUES WITH (MODULUS 2, REMAINDER 1);
CREATE INDEX posts_thread ON board.posts (board, thread_no, no);
CREATE INDEX posts_ip ON board.posts (poster_ip);
CREATE STATISTICS board.posts_board_thread (dependencies) ON board, thread_no FROM board.posts;

CREATE SEQUENCE board.post_numbers AS bigint START 1000000 CACHE 50;

CREATE TABLE mod.moderators (
    role_name name PRIMARY KEY,
    boards text[] NOT NULL DEFAULT '{}',
    global boolean NOT NULL DEFAULT false
);

CREATE TABLE mod.bans (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    range cidr NOT NULL,
    board board.short_name,
    reason text NOT NULL,
    banned_by name NOT NULL DEFAULT current_user,
    during tstzrange NOT NULL DEFAULT tstzrange(now(), NULL),
    CONSTRAINT bans_no_overlap EXCLUDE USING gist
        ((range::inet) inet_ops WITH &&, board WITH =, during WITH &&)
);

CREATE TABLE mod.reports (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    board board.short_name NOT NULL,
    post_no bigint NOT NULL,
    reason text NOT NULL,
    state mod.report_state NOT NULL DEFAULT 'new',
    reported_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (board, post_no) REFERENCES board.posts (board, no) ON DELETE CASCADE
);
CREATE INDEX reports_new ON mod.reports (reported_at) WHERE state = 'new';

CREATE FUNCTION board.bump() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE board.threads t
       SET replies = t.replies + 1,
           bumped_at = CASE WHEN t.replies < (SELECT bump_limit FROM board.boards b WHERE b.name = t.board)
                            THEN NEW.posted_at ELSE t.bumped_at END
     WHERE t.board = NEW.board AND t.no = NEW.thread_no AND NEW.no <> NEW.thread_no;
    RETURN NULL;
END;
$$;
CREATE TRIGGER posts_bump AFTER INSERT ON board.posts
    FOR EACH ROW EXECUTE FUNCTION board.bump();

CREATE FUNCTION mod.is_moderator(b text) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$SELECT EXISTS (SELECT 1 FROM mod.moderators m
                         WHERE m.role_name = current_user AND (m.global OR b = ANY (m.boards)))$$;
ALTER TABLE mod.reports ENABLE ROW LEVEL SECURITY;
CREATE POLICY reports_mods ON mod.reports TO corpus_admin USING (mod.is_moderator(board));
ALTER TABLE mod.bans ENABLE ROW LEVEL SECURITY;
CREATE POLICY bans_mods ON mod.bans TO corpus_admin
    USING (board IS NULL OR mod.is_moderator(board))
    WITH CHECK (mod.is_moderator(coalesce(board, '')));

CREATE VIEW board.catalog AS
    SELECT t.board, t.no, t.subject, t.replies, t.bumped_at, p.body AS op_body, p.file_sha256
      FROM board.threads t JOIN board.posts p ON p.board = t.board AND p.no = t.no
     WHERE NOT p.deleted;
CREATE VIEW board.visible_posts AS
    SELECT board, no, thread_no, posted_at, name, body FROM board.posts WHERE NOT deleted;
CREATE RULE visible_posts_delete AS ON DELETE TO board.visible_posts
    DO INSTEAD UPDATE board.posts SET deleted = true WHERE board = OLD.board AND no = OLD.no;

GRANT USAGE ON SCHEMA board TO corpus_app, corpus_reader;
GRANT USAGE ON SCHEMA mod TO corpus_admin;
GRANT SELECT ON board.catalog, board.visible_posts, board.boards TO corpus_reader;
GRANT SELECT, INSERT ON board.posts, board.threads, board.files TO corpus_app;
GRANT SELECT, UPDATE, DELETE ON mod.reports, mod.bans TO corpus_admin;
GRANT INSERT ON mod.reports TO corpus_app;
GRANT USAGE ON SEQUENCE board.post_numbers TO corpus_app;
COMMENT ON TABLE mod.bans IS 'address ranges banned per board (NULL board: everywhere)';
COMMENT ON CONSTRAINT bans_no_overlap ON mod.bans IS 'one ban per address, board and time';
