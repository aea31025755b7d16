-- Privileges on types: USAGE revoked from PUBLIC and granted to a role, on
-- an enum, a domain and a composite type.
CREATE TYPE ticket_state AS ENUM ('open', 'closed');
REVOKE USAGE ON TYPE ticket_state FROM PUBLIC;
GRANT USAGE ON TYPE ticket_state TO corpus_app;
CREATE DOMAIN ticket_no AS bigint CHECK (VALUE > 0);
REVOKE USAGE ON DOMAIN ticket_no FROM PUBLIC;
CREATE TYPE ticket_ref AS (no ticket_no, state ticket_state);
GRANT USAGE ON TYPE ticket_ref TO corpus_reader;
CREATE TABLE tickets (id ticket_no PRIMARY KEY, state ticket_state NOT NULL);
