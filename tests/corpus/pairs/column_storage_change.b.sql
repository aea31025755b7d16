-- Column STORAGE, COMPRESSION and statistics changed (issue 12, item 8).
CREATE TABLE blobs (id bigint PRIMARY KEY, raw bytea, doc text COMPRESSION pglz, category integer);
ALTER TABLE blobs ALTER COLUMN raw SET STORAGE EXTERNAL;
ALTER TABLE blobs ALTER COLUMN category SET STATISTICS 500;
