-- Extensions, one in its own namespace, used by defaults.
CREATE SCHEMA ext;
CREATE EXTENSION "uuid-ossp" WITH SCHEMA ext;
CREATE EXTENSION pgcrypto;
CREATE TABLE tokens (
    id uuid PRIMARY KEY DEFAULT ext.uuid_generate_v4(),
    other uuid NOT NULL DEFAULT gen_random_uuid(),
    secret bytea NOT NULL DEFAULT gen_random_bytes(16),
    digest text GENERATED ALWAYS AS (encode(digest(secret, 'sha256'), 'hex')) STORED
);
