-- A user collation created and used by a column and an index (issue 12,
-- item 8).
CREATE TABLE files (id integer PRIMARY KEY, name text NOT NULL);
CREATE INDEX files_name ON files (name);
