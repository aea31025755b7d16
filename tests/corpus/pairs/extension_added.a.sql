-- An extension added together with the index that needs its operator
-- class (issue 12, items 1 and 4).
CREATE TABLE docs (id integer PRIMARY KEY, title text NOT NULL);
