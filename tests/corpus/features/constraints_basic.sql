-- Primary keys (single and composite), unique constraints, named checks,
-- foreign keys with every referential action, a self reference.
CREATE TABLE countries (
    code char(2) PRIMARY KEY,
    name text NOT NULL UNIQUE
);
CREATE TABLE users (
    id bigint PRIMARY KEY,
    email text NOT NULL,
    country char(2) REFERENCES countries (code) ON UPDATE CASCADE ON DELETE SET NULL,
    age integer CONSTRAINT users_age_sane CHECK (age BETWEEN 0 AND 150),
    invited_by bigint REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_email_shape CHECK (email ~ '^[^@]+@[^@]+$')
);
CREATE TABLE memberships (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    group_name text NOT NULL,
    role text NOT NULL DEFAULT 'member',
    since date NOT NULL DEFAULT CURRENT_DATE,
    PRIMARY KEY (user_id, group_name),
    CHECK (role IN ('member', 'admin', 'owner'))
);
CREATE TABLE membership_notes (
    id bigint PRIMARY KEY,
    user_id bigint NOT NULL,
    group_name text NOT NULL,
    note text,
    FOREIGN KEY (user_id, group_name) REFERENCES memberships (user_id, group_name)
        ON DELETE RESTRICT ON UPDATE NO ACTION
);
