-- View options: security_barrier, security_invoker, a LOCAL check option.
CREATE TABLE secrets (
    id integer PRIMARY KEY,
    owner name NOT NULL,
    body text
);
CREATE VIEW my_secrets WITH (security_barrier = true) AS
    SELECT id, body FROM secrets WHERE owner = current_user;
CREATE VIEW invoker_secrets WITH (security_invoker = true) AS
    SELECT id, owner FROM secrets;
CREATE VIEW local_checked AS
    SELECT id, owner, body FROM secrets WHERE id > 0
    WITH LOCAL CHECK OPTION;
