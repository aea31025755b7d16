-- CHECK ... NO INHERIT on a plain table (issue 12, item 8).
CREATE TABLE templates (
    id integer PRIMARY KEY,
    body text,
    CONSTRAINT templates_abstract CHECK (false) NO INHERIT,
    CONSTRAINT templates_body CHECK (body IS NOT NULL) NO INHERIT
);
