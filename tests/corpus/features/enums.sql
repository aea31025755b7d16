-- Enums: used by columns with defaults, by an array column, in a check
-- and an index predicate, and in another namespace.
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE SCHEMA crm;
CREATE TYPE crm.stage AS ENUM ('lead', 'qualified', 'won', 'lost');
CREATE TYPE "Quoted Enum" AS ENUM ('a b', 'it''s', 'Ünïcode');
CREATE TABLE people (
    id integer PRIMARY KEY,
    current mood NOT NULL DEFAULT 'ok',
    history mood[] NOT NULL DEFAULT '{}',
    deal crm.stage,
    odd "Quoted Enum",
    CHECK (current <> 'sad' OR deal IS NULL)
);
CREATE INDEX people_open_deals ON people (deal) WHERE deal IN ('lead', 'qualified');
