-- A release of a billing application: the kind of change a real upgrade
-- brings (new enum value, column, table, partition, index, view, policy,
-- function body, grant), on a schema that uses partitions, RLS and an
-- extension type.
CREATE EXTENSION citext;
CREATE SCHEMA billing;
CREATE TYPE billing.status AS ENUM ('draft', 'open', 'paid', 'void');
CREATE TABLE billing.customers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email citext NOT NULL UNIQUE,
    name text NOT NULL,
    vat_id text
);
CREATE TABLE billing.invoices (
    id bigint NOT NULL,
    customer_id bigint NOT NULL REFERENCES billing.customers (id),
    issued_on date NOT NULL,
    status billing.status NOT NULL DEFAULT 'draft',
    total bigint NOT NULL DEFAULT 0,
    due_on date,
    PRIMARY KEY (id, issued_on)
) PARTITION BY RANGE (issued_on);
CREATE TABLE billing.invoices_2024 PARTITION OF billing.invoices
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE billing.invoices_2025 PARTITION OF billing.invoices
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX invoices_customer ON billing.invoices (customer_id);
CREATE INDEX invoices_due ON billing.invoices (due_on) WHERE status = 'open';
CREATE TABLE billing.payments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES billing.customers (id),
    amount bigint NOT NULL CHECK (amount > 0),
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE FUNCTION billing.customer_total(c bigint) RETURNS bigint
    LANGUAGE sql STABLE AS $$SELECT coalesce(sum(total), 0) FROM billing.invoices WHERE customer_id = c AND status <> 'void'$$;
ALTER TABLE billing.invoices ENABLE ROW LEVEL SECURITY;
CREATE POLICY app_all ON billing.invoices TO corpus_app USING (status <> 'draft');
ALTER TABLE billing.payments ENABLE ROW LEVEL SECURITY;
CREATE POLICY app_payments ON billing.payments FOR SELECT TO corpus_app USING (true);
CREATE VIEW billing.open_invoices AS
    SELECT id, customer_id, total, due_on FROM billing.invoices WHERE status = 'open';
GRANT USAGE ON SCHEMA billing TO corpus_app;
GRANT SELECT, INSERT ON billing.invoices, billing.customers TO corpus_app;
GRANT SELECT ON billing.payments TO corpus_app;
