-- A comment on every kind of object a namespace holds (issue 12, item 8):
-- namespace, table, column, constraint, index, sequence, view, view
-- column, materialized view, type, enum, domain, domain constraint,
-- function, procedure, aggregate, operator, trigger, policy, collation,
-- rule, statistics.
CREATE SCHEMA shop;
COMMENT ON SCHEMA shop IS 'the shop';
CREATE TYPE shop.size AS ENUM ('s', 'm', 'l');
COMMENT ON TYPE shop.size IS 'garment sizes';
CREATE TYPE shop.dims AS (w integer, h integer);
COMMENT ON TYPE shop.dims IS 'width and height';
COMMENT ON COLUMN shop.dims.w IS 'width in mm';
CREATE DOMAIN shop.qty AS integer CONSTRAINT qty_positive CHECK (VALUE > 0);
COMMENT ON DOMAIN shop.qty IS 'a quantity';
COMMENT ON CONSTRAINT qty_positive ON DOMAIN shop.qty IS 'no zero quantities';
CREATE COLLATION shop.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
COMMENT ON COLLATION shop.ci IS 'case-insensitive';
CREATE SEQUENCE shop.sku_seq;
COMMENT ON SEQUENCE shop.sku_seq IS 'sku numbers';
CREATE TABLE shop.products (
    id integer PRIMARY KEY,
    sku bigint NOT NULL DEFAULT nextval('shop.sku_seq'),
    name text NOT NULL,
    size shop.size,
    stock shop.qty,
    CONSTRAINT products_name_nonempty CHECK (name <> '')
);
COMMENT ON TABLE shop.products IS 'what we sell';
COMMENT ON COLUMN shop.products.sku IS 'stock keeping unit';
COMMENT ON CONSTRAINT products_name_nonempty ON shop.products IS 'names are required';
COMMENT ON CONSTRAINT products_pkey ON shop.products IS 'the key';
CREATE INDEX products_name ON shop.products (name);
COMMENT ON INDEX shop.products_name IS 'lookup by name';
CREATE VIEW shop.in_stock AS SELECT id, name FROM shop.products WHERE stock > 0;
COMMENT ON VIEW shop.in_stock IS 'available now';
COMMENT ON COLUMN shop.in_stock.name IS 'product name';
CREATE MATERIALIZED VIEW shop.counts AS SELECT size, count(*) AS n FROM shop.products GROUP BY size;
COMMENT ON MATERIALIZED VIEW shop.counts IS 'per size';
CREATE FUNCTION shop.restock() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
COMMENT ON FUNCTION shop.restock() IS 'trigger function';
CREATE TRIGGER products_restock BEFORE UPDATE ON shop.products
    FOR EACH ROW EXECUTE FUNCTION shop.restock();
COMMENT ON TRIGGER products_restock ON shop.products IS 'keeps stock sane';
CREATE PROCEDURE shop.nightly() LANGUAGE sql AS $$SELECT 1$$;
COMMENT ON PROCEDURE shop.nightly() IS 'runs at night';
CREATE AGGREGATE shop.total(integer) (SFUNC = int4pl, STYPE = integer, INITCOND = '0');
COMMENT ON AGGREGATE shop.total(integer) IS 'sum of integers';
CREATE OPERATOR shop.=== (LEFTARG = integer, RIGHTARG = integer, FUNCTION = int4eq);
COMMENT ON OPERATOR shop.=== (integer, integer) IS 'very equal';
ALTER TABLE shop.products ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible ON shop.products USING (stock IS NOT NULL);
COMMENT ON POLICY visible ON shop.products IS 'only stocked rows';
CREATE RULE no_delete AS ON DELETE TO shop.in_stock DO INSTEAD NOTHING;
COMMENT ON RULE no_delete ON shop.in_stock IS 'read-only view';
CREATE STATISTICS shop.products_size_stock ON size, stock FROM shop.products;
COMMENT ON STATISTICS shop.products_size_stock IS 'correlated columns';
