-- Comments graft models today: tables, columns, views, functions.
CREATE TABLE books (id integer PRIMARY KEY, title text NOT NULL);
COMMENT ON TABLE books IS 'every book we sell';
COMMENT ON COLUMN books.title IS 'as printed on the cover';
CREATE VIEW titles AS SELECT title FROM books;
COMMENT ON VIEW titles IS 'just the titles';
CREATE FUNCTION book_count() RETURNS bigint LANGUAGE sql AS $$SELECT count(*) FROM public.books$$;
COMMENT ON FUNCTION book_count() IS 'how many books';
CREATE SEQUENCE book_seq;
COMMENT ON SEQUENCE book_seq IS 'numbers books';
