-- Domains: base type (element logic as in columns.sql), collation when it
-- is not the base type's, NOT NULL, default, and the CHECK constraints in
-- name order (names and expressions as two arrays of one order).
SELECT n.nspname::text AS schema,
       t.typname::text AS name,
       pg_catalog.format_type(t.typbasetype, t.typtypmod) AS base_text,
       en.nspname::text AS base_schema,
       e.typname::text AS base_name,
       (e.oid <> b.oid) AS base_is_array,
       coll_n.nspname::text AS collation_schema,
       coll.collname::text AS collation_name,
       t.typnotnull AS not_null,
       pg_catalog.pg_get_expr(t.typdefaultbin, 0) AS default_expr,
       ARRAY(SELECT con.conname::text FROM pg_catalog.pg_constraint con
             WHERE con.contypid = t.oid AND con.contype = 'c'
             ORDER BY con.conname) AS check_names,
       ARRAY(SELECT pg_catalog.pg_get_expr(con.conbin, 0) FROM pg_catalog.pg_constraint con
             WHERE con.contypid = t.oid AND con.contype = 'c'
             ORDER BY con.conname) AS check_exprs
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
JOIN pg_catalog.pg_type b ON b.oid = t.typbasetype
JOIN pg_catalog.pg_type e
  ON e.oid = CASE WHEN b.typcategory = 'A' AND b.typelem <> 0 AND b.typlen = -1
                  THEN b.typelem ELSE b.oid END
JOIN pg_catalog.pg_namespace en ON en.oid = e.typnamespace
LEFT JOIN pg_catalog.pg_collation coll
       ON coll.oid = t.typcollation AND t.typcollation <> b.typcollation
LEFT JOIN pg_catalog.pg_namespace coll_n ON coll_n.oid = coll.collnamespace
WHERE n.nspname = ANY($1::text[])
  AND t.typtype = 'd'
  AND NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_depend dep
        WHERE dep.classid = 'pg_catalog.pg_type'::pg_catalog.regclass
          AND dep.objid = t.oid
          AND dep.deptype = 'e')
