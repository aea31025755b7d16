-- Constraint options changed in place or by recreation (issue 12, item 6):
-- deferrability, INCLUDE, NULLS NOT DISTINCT, MATCH FULL.
CREATE TABLE parents (a integer NOT NULL, b integer NOT NULL, PRIMARY KEY (a, b));
CREATE TABLE kids (
    id integer PRIMARY KEY,
    pa integer,
    pb integer,
    code text,
    extra text,
    CONSTRAINT kids_code UNIQUE (code) INCLUDE (extra) DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT kids_code_extra UNIQUE NULLS NOT DISTINCT (code, extra),
    CONSTRAINT kids_parent FOREIGN KEY (pa, pb) REFERENCES parents (a, b) MATCH FULL
        DEFERRABLE
);
