-- Extended statistics (CREATE STATISTICS): kinds, an expression, a target.
CREATE TABLE addresses (zip text, city text, state text, lat double precision);
CREATE STATISTICS addresses_zip_city (dependencies, ndistinct) ON zip, city FROM addresses;
CREATE STATISTICS addresses_mcv (mcv) ON city, state FROM addresses;
CREATE STATISTICS addresses_expr ON lower(city), state FROM addresses;
ALTER STATISTICS addresses_mcv SET STATISTICS 500;
