-- SET LOGGED / SET UNLOGGED (issue 12, item 8).
CREATE TABLE sessions (id uuid PRIMARY KEY, data jsonb);
CREATE UNLOGGED TABLE audit (id bigint PRIMARY KEY, what text);
