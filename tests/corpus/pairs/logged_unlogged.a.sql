-- SET LOGGED / SET UNLOGGED (issue 12, item 8).
CREATE UNLOGGED TABLE sessions (id uuid PRIMARY KEY, data jsonb);
CREATE TABLE audit (id bigint PRIMARY KEY, what text);
INSERT INTO sessions VALUES ('00000000-0000-0000-0000-000000000001', '{}');
