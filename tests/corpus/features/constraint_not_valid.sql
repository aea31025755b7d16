-- NOT VALID check and foreign key constraints on a populated table (issue
-- 12, item 6): rebuilding them validated would scan, and here fail.
CREATE TABLE parents (id integer PRIMARY KEY);
CREATE TABLE children (
    id integer PRIMARY KEY,
    parent_id integer,
    age integer
);
INSERT INTO parents VALUES (1);
INSERT INTO children VALUES (1, 1, 5), (2, 99, -1);
ALTER TABLE children ADD CONSTRAINT children_parent_fk
    FOREIGN KEY (parent_id) REFERENCES parents (id) NOT VALID;
ALTER TABLE children ADD CONSTRAINT children_age_positive CHECK (age >= 0) NOT VALID;
