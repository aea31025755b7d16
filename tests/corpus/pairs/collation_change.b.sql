-- A user collation created and used by a column and an index (issue 12,
-- item 8).
CREATE COLLATION natural_sort (provider = icu, locale = 'en-u-kn-true');
CREATE TABLE files (id integer PRIMARY KEY, name text COLLATE natural_sort NOT NULL);
CREATE INDEX files_name ON files (name);
