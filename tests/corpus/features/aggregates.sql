-- User aggregates (issue 12, item 8): a plain one, one with a final
-- function and initial condition, an ordered-set style moving aggregate.
CREATE FUNCTION concat_step(acc text, x text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$SELECT CASE WHEN acc = '' THEN x ELSE acc || ',' || x END$$;
CREATE AGGREGATE concat_all(text) (
    SFUNC = concat_step,
    STYPE = text,
    INITCOND = ''
);
CREATE FUNCTION avg_step(state numeric[], x numeric) RETURNS numeric[]
    LANGUAGE sql IMMUTABLE AS $$SELECT ARRAY[state[1] + x, state[2] + 1]$$;
CREATE FUNCTION avg_final(state numeric[]) RETURNS numeric
    LANGUAGE sql IMMUTABLE AS $$SELECT CASE WHEN state[2] = 0 THEN NULL ELSE state[1] / state[2] END$$;
CREATE AGGREGATE my_avg(numeric) (
    SFUNC = avg_step,
    STYPE = numeric[],
    FINALFUNC = avg_final,
    INITCOND = '{0,0}'
);
CREATE FUNCTION sum_inv(state bigint, x integer) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT AS $$SELECT state - x$$;
CREATE FUNCTION sum_fwd(state bigint, x integer) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT AS $$SELECT state + x$$;
CREATE AGGREGATE moving_sum(integer) (
    SFUNC = sum_fwd,
    STYPE = bigint,
    INITCOND = '0',
    MSFUNC = sum_fwd,
    MINVFUNC = sum_inv,
    MSTYPE = bigint,
    MINITCOND = '0'
);
CREATE TABLE samples (v integer);
CREATE VIEW sample_stats AS SELECT moving_sum(v) AS s, my_avg(v::numeric) AS a FROM samples;
