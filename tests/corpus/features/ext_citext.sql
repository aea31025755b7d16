-- A type from an extension (issue 12, item 4, verbatim, and more): as a
-- column, in a domain, a composite attribute, a function argument.
CREATE EXTENSION citext;
CREATE TABLE t (c citext);
CREATE DOMAIN email AS citext CHECK (VALUE LIKE '%@%');
CREATE TYPE contact AS (name text, mail citext);
CREATE TABLE users (
    id integer PRIMARY KEY,
    login citext NOT NULL UNIQUE,
    mail email,
    backup contact
);
CREATE FUNCTION find_user(l citext) RETURNS integer
    LANGUAGE sql STABLE AS $$SELECT id FROM public.users WHERE login = l$$;
