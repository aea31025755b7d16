-- Grants on sequences (issue 12, item 8), on a serial's sequence and a
-- free-standing one.
CREATE TABLE tickets (id serial PRIMARY KEY, title text);
GRANT USAGE, SELECT ON SEQUENCE tickets_id_seq TO corpus_app;
GRANT SELECT, INSERT ON tickets TO corpus_app;
CREATE SEQUENCE invoice_numbers;
GRANT USAGE ON SEQUENCE invoice_numbers TO corpus_writer;
GRANT SELECT ON SEQUENCE invoice_numbers TO corpus_reader;
GRANT UPDATE ON SEQUENCE invoice_numbers TO corpus_admin WITH GRANT OPTION;
