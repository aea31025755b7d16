-- Several namespaces naming each other's tables, types and functions,
-- one with a name that needs quoting.
CREATE SCHEMA core;
CREATE SCHEMA "Sales; ""EU""";
CREATE SCHEMA audit;
CREATE TYPE core.status AS ENUM ('active', 'closed');
CREATE TABLE core.accounts (
    id bigint PRIMARY KEY,
    status core.status NOT NULL DEFAULT 'active'
);
CREATE FUNCTION core.is_open(s core.status) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$SELECT s = 'active'$$;
CREATE TABLE "Sales; ""EU""".orders (
    id bigint PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES core.accounts (id),
    total numeric NOT NULL
);
CREATE VIEW audit.open_orders AS
    SELECT o.id, o.total FROM "Sales; ""EU""".orders o
    JOIN core.accounts a ON a.id = o.account_id
    WHERE core.is_open(a.status);
COMMENT ON SCHEMA audit IS 'read-only reports';
