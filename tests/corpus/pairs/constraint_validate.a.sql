-- NOT VALID constraints validated (issue 12, "What must hold" 1:
-- VALIDATE CONSTRAINT), on a populated table whose rows satisfy them.
CREATE TABLE parents (id integer PRIMARY KEY);
CREATE TABLE children (id integer PRIMARY KEY, parent_id integer, age integer);
INSERT INTO parents VALUES (1);
INSERT INTO children VALUES (1, 1, 5);
ALTER TABLE children ADD CONSTRAINT children_parent_fk
    FOREIGN KEY (parent_id) REFERENCES parents (id) NOT VALID;
ALTER TABLE children ADD CONSTRAINT children_age_positive CHECK (age >= 0) NOT VALID;
