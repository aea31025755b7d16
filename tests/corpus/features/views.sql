-- Views, a view over a view, a view with a check option, a recursive view.
CREATE TABLE staff (
    id integer PRIMARY KEY,
    name text NOT NULL,
    manager_id integer REFERENCES staff (id),
    salary numeric NOT NULL,
    active boolean NOT NULL DEFAULT true
);
CREATE VIEW active_staff AS
    SELECT id, name, manager_id FROM staff WHERE active;
CREATE VIEW managers AS
    SELECT DISTINCT m.id, m.name
    FROM active_staff s JOIN active_staff m ON m.id = s.manager_id;
CREATE VIEW well_paid AS
    SELECT id, name, salary FROM staff WHERE salary > 100000
    WITH CASCADED CHECK OPTION;
CREATE RECURSIVE VIEW chain (id, manager_id, depth) AS
    SELECT id, manager_id, 0 FROM staff WHERE manager_id IS NULL
    UNION ALL
    SELECT s.id, s.manager_id, c.depth + 1 FROM staff s JOIN chain c ON s.manager_id = c.id;
