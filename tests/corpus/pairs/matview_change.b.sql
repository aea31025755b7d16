-- A materialized view redefined (with its index), one added.
CREATE TABLE sales (id integer PRIMARY KEY, region text NOT NULL, amount numeric NOT NULL);
CREATE MATERIALIZED VIEW by_region AS SELECT region, sum(amount) AS total, count(*) AS n FROM sales GROUP BY region;
CREATE UNIQUE INDEX by_region_key ON by_region (region);
CREATE MATERIALIZED VIEW biggest AS SELECT max(amount) AS m FROM sales;
