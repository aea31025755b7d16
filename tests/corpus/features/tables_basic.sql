-- Plain tables: column types, defaults, NOT NULL, per-column collation,
-- arrays, a table in its own namespace with a quoted name.
CREATE TABLE accounts (
    id bigint PRIMARY KEY,
    email text NOT NULL,
    display_name text COLLATE "C",
    balance numeric(12, 2) NOT NULL DEFAULT 0,
    flags boolean NOT NULL DEFAULT false,
    tags text[] NOT NULL DEFAULT '{}',
    scores integer[],
    profile jsonb NOT NULL DEFAULT '{}'::jsonb,
    code char(4),
    nickname varchar(40) DEFAULT 'anonymous',
    avatar bytea,
    last_ip inet,
    born date,
    wake_at time without time zone DEFAULT '07:30',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamp(3) without time zone,
    ratio double precision DEFAULT 0.5,
    weight real,
    ref uuid
);

CREATE SCHEMA "Reporting";
CREATE TABLE "Reporting"."Daily Totals" (
    "Day" date NOT NULL,
    "select" integer NOT NULL DEFAULT 0,
    "Amount (EUR)" numeric,
    PRIMARY KEY ("Day")
);
