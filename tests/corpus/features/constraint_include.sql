-- INCLUDE columns on primary key and unique constraints (issue 12, item 6).
CREATE TABLE prices (
    product_id integer NOT NULL,
    valid_from date NOT NULL,
    amount numeric NOT NULL,
    currency char(3) NOT NULL,
    CONSTRAINT prices_pkey PRIMARY KEY (product_id, valid_from) INCLUDE (amount),
    CONSTRAINT prices_one_per_currency UNIQUE (product_id, currency) INCLUDE (amount, valid_from)
);
