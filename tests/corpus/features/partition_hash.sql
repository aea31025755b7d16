-- HASH partitioning, a foreign key to a partitioned table, a partition key
-- that is an expression.
CREATE TABLE users (
    id bigint PRIMARY KEY,
    name text NOT NULL
) PARTITION BY HASH (id);
CREATE TABLE users_p0 PARTITION OF users FOR VALUES WITH (MODULUS 4, REMAINDER 0);
CREATE TABLE users_p1 PARTITION OF users FOR VALUES WITH (MODULUS 4, REMAINDER 1);
CREATE TABLE users_p2 PARTITION OF users FOR VALUES WITH (MODULUS 4, REMAINDER 2);
CREATE TABLE users_p3 PARTITION OF users FOR VALUES WITH (MODULUS 4, REMAINDER 3);
CREATE TABLE sessions (
    id bigint PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id)
);
CREATE TABLE logs (
    at timestamptz NOT NULL,
    line text
) PARTITION BY RANGE ((at AT TIME ZONE 'UTC'));
CREATE TABLE logs_all PARTITION OF logs FOR VALUES FROM (MINVALUE) TO (MAXVALUE);
