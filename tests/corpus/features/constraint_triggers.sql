-- Constraint triggers: deferrable, initially deferred, and one between
-- two tables (FROM).
CREATE TABLE docs (id integer PRIMARY KEY, body text);
CREATE TABLE docs_meta (doc_id integer PRIMARY KEY, words integer);
CREATE FUNCTION check_body() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN
    IF NEW.body IS NULL THEN RAISE EXCEPTION 'empty body'; END IF;
    RETURN NULL;
END;$$;
CREATE CONSTRAINT TRIGGER docs_check_body AFTER INSERT OR UPDATE ON docs
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION check_body();
CREATE CONSTRAINT TRIGGER docs_meta_check AFTER INSERT ON docs_meta
    FROM docs NOT DEFERRABLE
    FOR EACH ROW EXECUTE FUNCTION check_body();
