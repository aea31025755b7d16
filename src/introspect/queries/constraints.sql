-- Primary keys, uniques, foreign keys and checks. Column names are resolved
-- here, in key order (WITH ORDINALITY), for both ends of a foreign key; an
-- attnum without a column would come back as NULL.
SELECT con.conrelid AS table_oid,
       con.conname::text AS name,
       con.contype::text AS kind,
       ARRAY(SELECT (SELECT a.attname::text
                     FROM pg_catalog.pg_attribute a
                     WHERE a.attrelid = con.conrelid AND a.attnum = k.attnum)
             FROM pg_catalog.unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
             ORDER BY k.ord) AS columns,
       fn.nspname::text AS ref_schema,
       fc.relname::text AS ref_table,
       ARRAY(SELECT (SELECT a.attname::text
                     FROM pg_catalog.pg_attribute a
                     WHERE a.attrelid = con.confrelid AND a.attnum = k.attnum)
             FROM pg_catalog.unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
             ORDER BY k.ord) AS ref_columns,
       con.confdeltype::text AS on_delete,
       con.confupdtype::text AS on_update,
       con.condeferrable AS deferrable,
       con.condeferred AS deferred,
       CASE WHEN con.contype = 'c'
            THEN pg_catalog.pg_get_expr(con.conbin, con.conrelid) END AS check_expr
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
WHERE n.nspname = ANY($1::text[])
  AND c.relkind IN ('r', 'p')
  AND con.contype IN ('p', 'u', 'f', 'c')
  AND NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_depend dep
        WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
          AND dep.objid = c.oid
          AND dep.deptype = 'e')
