-- Materialized views, with an index, one built WITH NO DATA.
CREATE TABLE sales (
    id bigint PRIMARY KEY,
    region text NOT NULL,
    sold_at date NOT NULL,
    amount numeric NOT NULL
);
CREATE MATERIALIZED VIEW sales_by_region AS
    SELECT region, sum(amount) AS total, count(*) AS n FROM sales GROUP BY region;
CREATE UNIQUE INDEX sales_by_region_region ON sales_by_region (region);
CREATE MATERIALIZED VIEW sales_by_month AS
    SELECT date_trunc('month', sold_at) AS month, sum(amount) AS total FROM sales GROUP BY 1
    WITH NO DATA;
