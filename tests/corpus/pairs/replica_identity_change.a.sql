-- Replica identity changed (issue 12, item 8).
CREATE TABLE a (id integer PRIMARY KEY, v text);
CREATE TABLE b (id integer NOT NULL, code text NOT NULL);
CREATE UNIQUE INDEX b_code ON b (code);
