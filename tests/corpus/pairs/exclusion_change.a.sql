-- A changed exclusion constraint (issue 12, item 5, verbatim).
CREATE TABLE accounts (
    id integer PRIMARY KEY,
    email text NOT NULL,
    verified boolean NOT NULL DEFAULT false,
    CONSTRAINT accounts_email_excl EXCLUDE USING btree (email WITH =)
);
