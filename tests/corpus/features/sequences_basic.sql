-- Sequences: serial columns, a free-standing sequence used by a default,
-- a sequence owned by a column.
CREATE TABLE tickets (
    id serial PRIMARY KEY,
    big bigserial,
    title text NOT NULL
);
CREATE SEQUENCE order_numbers;
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    number bigint NOT NULL DEFAULT nextval('order_numbers')
);
ALTER SEQUENCE order_numbers OWNED BY orders.number;
CREATE SEQUENCE standalone_counter;
