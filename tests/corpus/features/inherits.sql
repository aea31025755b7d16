-- Table inheritance (issue 12, item 2): a child adding columns, a child of
-- two parents, an inherited check constraint.
CREATE TABLE vehicles (
    id integer NOT NULL,
    make text NOT NULL,
    CONSTRAINT vehicles_id_positive CHECK (id > 0)
);
CREATE TABLE cars (
    doors integer NOT NULL DEFAULT 4
) INHERITS (vehicles);
CREATE TABLE taggable (tags text[]);
CREATE TABLE trucks (
    payload_kg integer
) INHERITS (vehicles, taggable);
