-- User collations (issue 12, item 8): ICU non-deterministic, ICU with a
-- numeric ordering, libc copied from "C"; used by columns, a domain and an
-- index.
CREATE COLLATION case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE COLLATION natural_sort (provider = icu, locale = 'en-u-kn-true');
CREATE COLLATION plain_c FROM "C";
CREATE DOMAIN ci_text AS text COLLATE case_insensitive;
CREATE TABLE files (
    id integer PRIMARY KEY,
    name text COLLATE natural_sort NOT NULL,
    owner ci_text,
    path text COLLATE plain_c
);
CREATE INDEX files_name_plain ON files (name COLLATE plain_c);
