-- Index options beyond columns: INCLUDE, NULLS NOT DISTINCT, a unique
-- expression index with a predicate, an index on an expression over two
-- columns.
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    customer bigint NOT NULL,
    placed date NOT NULL,
    total numeric,
    coupon text,
    archived boolean NOT NULL DEFAULT false
);
CREATE INDEX orders_customer_incl ON orders (customer) INCLUDE (placed, total);
CREATE UNIQUE INDEX orders_coupon_once ON orders (coupon) NULLS NOT DISTINCT;
CREATE UNIQUE INDEX orders_live_lower_coupon ON orders (lower(coupon)) WHERE NOT archived;
CREATE INDEX orders_customer_year ON orders ((customer::text || '-' || extract(year FROM placed)::text));
