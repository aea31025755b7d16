-- Rewrite rules on a table and on a view.
CREATE TABLE entries (id integer PRIMARY KEY, body text, deleted boolean NOT NULL DEFAULT false);
CREATE TABLE entries_archive (id integer, body text);
CREATE RULE entries_soft_delete AS ON DELETE TO entries
    DO INSTEAD UPDATE entries SET deleted = true WHERE id = OLD.id;
CREATE RULE entries_archive_copy AS ON UPDATE TO entries WHERE NEW.deleted AND NOT OLD.deleted
    DO ALSO INSERT INTO entries_archive VALUES (OLD.id, OLD.body);
CREATE VIEW live_entries AS SELECT id, body FROM entries WHERE NOT deleted;
CREATE RULE live_entries_insert AS ON INSERT TO live_entries
    DO INSTEAD INSERT INTO entries (id, body) VALUES (NEW.id, NEW.body);
