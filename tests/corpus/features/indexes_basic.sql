-- Indexes graft models: unique, partial, expression, multi-column, and
-- the access methods with a default operator class for their type.
CREATE TABLE readings (
    id bigint PRIMARY KEY,
    sensor text NOT NULL,
    taken_at timestamptz NOT NULL,
    value double precision,
    during tstzrange,
    payload jsonb,
    active boolean NOT NULL DEFAULT true
);
CREATE UNIQUE INDEX readings_sensor_time ON readings (sensor, taken_at);
CREATE INDEX readings_active_sensor ON readings (sensor) WHERE active;
CREATE INDEX readings_lower_sensor ON readings (lower(sensor));
CREATE INDEX readings_day ON readings (date_trunc('day', taken_at AT TIME ZONE 'UTC'));
CREATE INDEX readings_sensor_hash ON readings USING hash (sensor);
CREATE INDEX readings_taken_brin ON readings USING brin (taken_at);
CREATE INDEX readings_during_gist ON readings USING gist (during);
CREATE INDEX readings_payload_gin ON readings USING gin (payload);
