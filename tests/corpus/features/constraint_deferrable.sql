-- DEFERRABLE and INITIALLY DEFERRED on unique, primary key and foreign key
-- constraints (issue 12, item 6).
CREATE TABLE slots (
    id integer PRIMARY KEY,
    position integer NOT NULL,
    CONSTRAINT slots_position_key UNIQUE (position) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE slot_items (
    id integer PRIMARY KEY DEFERRABLE,
    slot_id integer NOT NULL REFERENCES slots (id) DEFERRABLE INITIALLY DEFERRED,
    other_slot integer REFERENCES slots (id) DEFERRABLE INITIALLY IMMEDIATE
);
