-- ltree paths (issue 12, item 4), with a GiST index, in an extension
-- installed into its own namespace.
CREATE SCHEMA ext;
CREATE EXTENSION ltree WITH SCHEMA ext;
CREATE TABLE categories (
    id integer PRIMARY KEY,
    path ext.ltree NOT NULL UNIQUE
);
CREATE INDEX categories_path_gist ON categories USING gist (path);
CREATE INDEX categories_path_btree ON categories (path);
