-- Triggers: BEFORE row with a WHEN clause, AFTER statement, UPDATE OF
-- columns, TRUNCATE, INSTEAD OF on a view, a trigger with transition
-- tables, a disabled trigger, trigger arguments.
CREATE TABLE docs (
    id integer PRIMARY KEY,
    body text,
    version integer NOT NULL DEFAULT 1,
    updated_at timestamptz
);
CREATE TABLE docs_log (at timestamptz NOT NULL DEFAULT now(), what text);

CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN
    NEW.updated_at := now();
    NEW.version := OLD.version + 1;
    RETURN NEW;
END;$$;
CREATE FUNCTION log_statement() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN
    INSERT INTO public.docs_log (what) VALUES (TG_OP || coalesce(' ' || TG_ARGV[0], ''));
    RETURN NULL;
END;$$;
CREATE FUNCTION count_new() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN
    INSERT INTO public.docs_log (what) SELECT 'inserted ' || count(*) FROM new_rows;
    RETURN NULL;
END;$$;

CREATE TRIGGER docs_touch BEFORE UPDATE ON docs
    FOR EACH ROW WHEN (OLD.body IS DISTINCT FROM NEW.body) EXECUTE FUNCTION touch();
CREATE TRIGGER docs_log_changes AFTER INSERT OR DELETE ON docs
    FOR EACH STATEMENT EXECUTE FUNCTION log_statement('changed');
CREATE TRIGGER docs_log_body AFTER UPDATE OF body, version ON docs
    FOR EACH STATEMENT EXECUTE FUNCTION log_statement();
CREATE TRIGGER docs_log_truncate AFTER TRUNCATE ON docs
    FOR EACH STATEMENT EXECUTE FUNCTION log_statement('truncate');
CREATE TRIGGER docs_count_new AFTER INSERT ON docs
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_new();
CREATE TRIGGER docs_sleepy BEFORE INSERT ON docs
    FOR EACH ROW EXECUTE FUNCTION touch();
ALTER TABLE docs DISABLE TRIGGER docs_sleepy;

CREATE VIEW docs_view AS SELECT id, body FROM docs;
CREATE FUNCTION docs_view_insert() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN
    INSERT INTO public.docs (id, body) VALUES (NEW.id, NEW.body);
    RETURN NEW;
END;$$;
CREATE TRIGGER docs_view_insert INSTEAD OF INSERT ON docs_view
    FOR EACH ROW EXECUTE FUNCTION docs_view_insert();
