-- Column STORAGE, COMPRESSION and statistics changed (issue 12, item 8).
CREATE TABLE blobs (id bigint PRIMARY KEY, raw bytea, doc text, category integer);
