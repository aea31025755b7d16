-- SET NOT NULL on a populated column (issue 12, item 11): the step fails
-- if a NULL exists, and graft must say so.
CREATE TABLE people (id integer PRIMARY KEY, nick text);
INSERT INTO people VALUES (1, 'ann'), (2, 'bob');
