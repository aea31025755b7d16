-- Inheritance added and removed (INHERIT / NO INHERIT; issue 12, item 2).
CREATE TABLE base (id integer NOT NULL, note text);
CREATE TABLE kid1 (id integer NOT NULL, note text, extra integer);
CREATE TABLE kid2 (flag boolean) INHERITS (base);
