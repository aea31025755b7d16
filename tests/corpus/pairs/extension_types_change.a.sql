-- Columns of extension types added and changed to (issue 12, item 4).
CREATE EXTENSION citext;
CREATE EXTENSION hstore;
CREATE TABLE users (id integer PRIMARY KEY, login text NOT NULL);
