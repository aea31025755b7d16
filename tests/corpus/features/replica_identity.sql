-- REPLICA IDENTITY FULL, USING INDEX and NOTHING (issue 12, item 8).
CREATE TABLE full_rows (id integer PRIMARY KEY, v text);
ALTER TABLE full_rows REPLICA IDENTITY FULL;
CREATE TABLE by_index (id integer NOT NULL, code text NOT NULL, v text);
CREATE UNIQUE INDEX by_index_code ON by_index (code);
ALTER TABLE by_index REPLICA IDENTITY USING INDEX by_index_code;
CREATE TABLE no_identity (v text);
ALTER TABLE no_identity REPLICA IDENTITY NOTHING;
