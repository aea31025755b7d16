-- Stored generated columns, including one that calls an immutable
-- function defined in the schema.
CREATE FUNCTION cents_to_units(c bigint) RETURNS numeric
    LANGUAGE sql IMMUTABLE STRICT
    AS $$SELECT c / 100.0$$;

CREATE TABLE line_items (
    id bigint PRIMARY KEY,
    quantity integer NOT NULL,
    unit_cents bigint NOT NULL,
    total_cents bigint GENERATED ALWAYS AS (quantity * unit_cents) STORED,
    total numeric GENERATED ALWAYS AS (cents_to_units(quantity * unit_cents)) STORED,
    label text NOT NULL,
    label_lower text GENERATED ALWAYS AS (lower(label)) STORED
);
