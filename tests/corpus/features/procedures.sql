-- Procedures, one with INOUT and one with a transaction-control body.
CREATE TABLE jobs (id integer PRIMARY KEY, state text NOT NULL DEFAULT 'new');
CREATE PROCEDURE reset_jobs()
    LANGUAGE sql
    AS $$UPDATE public.jobs SET state = 'new'$$;
CREATE PROCEDURE count_jobs(INOUT n bigint DEFAULT NULL)
    LANGUAGE plpgsql
    AS $$BEGIN
    SELECT count(*) INTO n FROM public.jobs;
END;$$;
CREATE PROCEDURE finish_in_batches(batch integer)
    LANGUAGE plpgsql
    AS $$BEGIN
    LOOP
        UPDATE public.jobs SET state = 'done'
        WHERE id IN (SELECT id FROM public.jobs WHERE state = 'new' LIMIT batch);
        EXIT WHEN NOT FOUND;
        COMMIT;
    END LOOP;
END;$$;
