-- Enum values added at the end, in the middle (BEFORE / AFTER).
CREATE TYPE status AS ENUM ('new', 'started', 'blocked', 'done', 'archived');
CREATE TABLE tasks (id integer PRIMARY KEY, s status NOT NULL DEFAULT 'new');
