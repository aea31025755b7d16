-- Column STORAGE, COMPRESSION, statistics targets and attribute options
-- (issue 12, item 8), and CLUSTER ON.
CREATE TABLE blobs (
    id bigint PRIMARY KEY,
    raw bytea,
    doc text COMPRESSION pglz,
    big jsonb,
    note text,
    category integer
);
ALTER TABLE blobs ALTER COLUMN raw SET STORAGE EXTERNAL;
ALTER TABLE blobs ALTER COLUMN big SET STORAGE MAIN;
ALTER TABLE blobs ALTER COLUMN note SET STORAGE PLAIN;
ALTER TABLE blobs ALTER COLUMN category SET STATISTICS 1000;
ALTER TABLE blobs ALTER COLUMN doc SET (n_distinct = -0.5);
ALTER TABLE blobs CLUSTER ON blobs_pkey;
