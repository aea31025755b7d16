-- Domains: defaults, NOT NULL, several named checks, a collation, a
-- domain over a domain, domains used by columns and a function.
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
CREATE DOMAIN percent AS numeric(5, 2)
    DEFAULT 0
    CONSTRAINT percent_min CHECK (VALUE >= 0)
    CONSTRAINT percent_max CHECK (VALUE <= 100);
CREATE DOMAIN email AS text NOT NULL CHECK (VALUE LIKE '%_@_%');
CREATE DOMAIN code AS text COLLATE "C" CHECK (length(VALUE) BETWEEN 2 AND 8);
CREATE DOMAIN small_percent AS percent CHECK (VALUE < 10);
CREATE TABLE discounts (
    id positive_int PRIMARY KEY,
    code code NOT NULL,
    rate percent,
    capped small_percent,
    contact email
);
CREATE FUNCTION apply_discount(price numeric, rate percent) RETURNS numeric
    LANGUAGE sql IMMUTABLE AS $$SELECT price * (100 - rate) / 100$$;
