-- A cycle between namespaces created by a change (issue 12, item 10).
CREATE SCHEMA a;
CREATE SCHEMA b;
CREATE TABLE a.t1 (id integer PRIMARY KEY);
CREATE TABLE b.t2 (id integer PRIMARY KEY, t1_id integer REFERENCES a.t1 (id));
