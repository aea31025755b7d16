-- RANGE partitioning by month with MINVALUE/MAXVALUE bounds, a
-- sub-partitioned partition, a partitioned unique index and a local index
-- on one partition only.
CREATE TABLE measurements (
    sensor_id integer NOT NULL,
    taken date NOT NULL,
    value numeric,
    UNIQUE (sensor_id, taken)
) PARTITION BY RANGE (taken);
CREATE TABLE measurements_old PARTITION OF measurements
    FOR VALUES FROM (MINVALUE) TO ('2024-01-01');
CREATE TABLE measurements_2024 PARTITION OF measurements
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')
    PARTITION BY RANGE (sensor_id);
CREATE TABLE measurements_2024_low PARTITION OF measurements_2024
    FOR VALUES FROM (MINVALUE) TO (1000);
CREATE TABLE measurements_2024_high PARTITION OF measurements_2024
    FOR VALUES FROM (1000) TO (MAXVALUE);
CREATE TABLE measurements_new PARTITION OF measurements
    FOR VALUES FROM ('2025-01-01') TO (MAXVALUE);
CREATE INDEX measurements_value ON measurements (value);
CREATE INDEX measurements_new_sensor ON measurements_new (sensor_id) WHERE value > 100;
