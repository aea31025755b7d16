-- MATCH FULL and MATCH SIMPLE foreign keys, ON DELETE SET NULL with a
-- column list (issue 12, item 6).
CREATE TABLE regions (
    country char(2) NOT NULL,
    code text NOT NULL,
    PRIMARY KEY (country, code)
);
CREATE TABLE offices (
    id integer PRIMARY KEY,
    country char(2),
    region text,
    backup_country char(2),
    backup_region text,
    FOREIGN KEY (country, region) REFERENCES regions (country, code) MATCH FULL,
    FOREIGN KEY (backup_country, backup_region) REFERENCES regions (country, code)
        ON DELETE SET NULL (backup_region)
);
